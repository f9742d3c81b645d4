"""Maximal marginal relevance (Carbonell and Goldstein, 1998): re-ranking a list
of candidates so that it is not ten versions of the same song.

Candidates are picked one at a time. Each time, the pick is the candidate with the
highest

    (1 - diversity) * relevance[i]  -  diversity * max over picked j of similarity[i, j]

so a candidate close to one already picked is pushed down. diversity = 0 keeps the
order of relevance; diversity = 1 asks only to be unlike what was picked."""

import numpy as np


def mmr(relevance, similarity, k, diversity):
    """The positions of k candidates in the order MMR picks them.

    relevance: (p,) each candidate's score against the query; similarity: (p, p)
    between candidates; diversity in [0, 1]."""
    relevance = np.asarray(relevance, dtype=np.float64)
    similarity = np.asarray(similarity, dtype=np.float64)
    if not 0.0 <= diversity <= 1.0:
        raise ValueError(f"diversity must be between 0 and 1, got {diversity!r}")
    p = relevance.shape[0]
    closest_picked = np.full(p, -np.inf)  # max similarity to a picked candidate; none yet
    available = np.ones(p, dtype=bool)
    order = []
    for _ in range(min(k, p)):
        penalty = np.where(np.isfinite(closest_picked), closest_picked, 0.0)
        gain = np.where(available, (1.0 - diversity) * relevance - diversity * penalty, -np.inf)
        best = int(np.argmax(gain))  # ties: the more relevant (earlier) candidate
        order.append(best)
        available[best] = False
        closest_picked = np.maximum(closest_picked, similarity[best])
    return order
