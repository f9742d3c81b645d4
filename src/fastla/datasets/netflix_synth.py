"""A synthetic rating problem the size of the Netflix Prize: 100 million ratings
by 480,000 users of 17,770 items, from a planted model

    r = clip(round(mu + b_u + b_i + p_u . q_i + noise), 1, 5)

(rank-10 factors, Gaussian biases and noise; users' activity and items'
popularity skewed like real catalogues). The ratings are written in chunks
straight to .npy files (users int32, items int32, ratings float32), so
generating never holds more than one chunk; training reads them memory-mapped.

They are written stratum by stratum for parallel SGD (fastla.apps.mf_models,
n_blocks x n_blocks strata: users and items in n_blocks contiguous groups), so a
fit can run the strata on separate threads without reordering 100 million
ratings; block_start.npy holds the strata offsets. A separate test set
(test_*.npy) is drawn from the same model.

    python -m fastla.datasets.netflix_synth OUT_DIR [--ratings 100000000] [--blocks 2]
    users, items, ratings, block_start, meta = netflix_synth.load(OUT_DIR)   # memory-mapped

Duplicated (user, item) pairs are possible (about 0.6% of the ratings at the
default size) and left in: they do not change what is being timed."""

import argparse
import json
from pathlib import Path

import numpy as np

N_USERS, N_ITEMS, N_RATINGS, RANK = 480_000, 17_770, 100_000_000, 10


class NpyWriter:
    """Appends chunks to a 1-D .npy file whose final length is known up front."""

    def __init__(self, path, dtype, length):
        self.f = open(path, "wb")
        np.lib.format.write_array_header_1_0(
            self.f, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
                     "shape": (length,)})
        self.dtype, self.length, self.written = np.dtype(dtype), length, 0

    def write(self, chunk):
        chunk = np.ascontiguousarray(chunk, dtype=self.dtype)
        self.f.write(chunk.tobytes())
        self.written += len(chunk)

    def close(self):
        self.f.close()
        if self.written != self.length:
            raise RuntimeError(f"wrote {self.written} values, expected {self.length}")


def planted_model(n_users, n_items, rank, rng):
    """The true model: biases, factors, and how often each user rates / item is rated."""
    return {
        "mu": 3.6,
        "bu": (rng.standard_normal(n_users) * 0.35).astype(np.float32),
        "bi": (rng.standard_normal(n_items) * 0.45).astype(np.float32),
        "P": (rng.standard_normal((n_users, rank)) * (0.6 / np.sqrt(rank))).astype(np.float32),
        "Q": (rng.standard_normal((n_items, rank)) * (0.6 / np.sqrt(rank))).astype(np.float32),
        "activity": rng.lognormal(0.0, 1.0, n_users),           # users: a few rate a lot
        "popularity": 1.0 / (np.arange(n_items) + 20.0) ** 0.9,  # items: a long tail
    }


def draw(model, users, items, noise, rng):
    """Ratings 1..5 for the given pairs."""
    dots = np.einsum("ij,ij->i", model["P"][users], model["Q"][items])
    raw = model["mu"] + model["bu"][users] + model["bi"][items] + dots + noise * rng.standard_normal(len(users))
    return np.clip(np.rint(raw), 1, 5).astype(np.float32)


def groups(n, n_blocks):
    """The ids of each of n_blocks contiguous groups (as fastla.apps.mf_models.group_of)."""
    g = (np.arange(n, dtype=np.int64) * n_blocks) // n
    return [np.flatnonzero(g == a) for a in range(n_blocks)]


def generate(out, n_ratings=N_RATINGS, n_users=N_USERS, n_items=N_ITEMS, rank=RANK, n_blocks=2,
             noise=0.8, n_test=1_000_000, chunk=2_000_000, seed=0):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    model = planted_model(n_users, n_items, rank, rng)
    model["popularity"] = model["popularity"][rng.permutation(n_items)]  # popular items spread over the groups
    ugroups, igroups = groups(n_users, n_blocks), groups(n_items, n_blocks)
    uw = [model["activity"][g] for g in ugroups]
    iw = [model["popularity"][g] for g in igroups]
    total_u, total_i = sum(w.sum() for w in uw), sum(w.sum() for w in iw)
    # ratings per stratum, in proportion to its users' activity times its items' popularity
    share = np.array([[w_u.sum() / total_u * w_i.sum() / total_i for w_i in iw] for w_u in uw]).ravel()
    counts = np.floor(share * n_ratings).astype(np.int64)
    counts[np.argmax(counts)] += n_ratings - counts.sum()
    block_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    writers = {name: NpyWriter(out / f"{name}.npy", dt, n_ratings)
               for name, dt in (("users", np.int32), ("items", np.int32), ("ratings", np.float32))}
    for s, count in enumerate(counts):
        a, b = divmod(s, n_blocks)
        pu, pi = uw[a] / uw[a].sum(), iw[b] / iw[b].sum()
        for start in range(0, count, chunk):
            m = min(chunk, count - start)
            users = ugroups[a][rng.choice(len(pu), m, p=pu)]
            items = igroups[b][rng.choice(len(pi), m, p=pi)]
            writers["users"].write(users)
            writers["items"].write(items)
            writers["ratings"].write(draw(model, users, items, noise, rng))
    for w in writers.values():
        w.close()
    np.save(out / "block_start.npy", block_start)

    # the test set: the same model, all users and items, in one go (it is small)
    users = rng.choice(n_users, n_test, p=model["activity"] / model["activity"].sum()).astype(np.int32)
    items = rng.choice(n_items, n_test, p=model["popularity"] / model["popularity"].sum()).astype(np.int32)
    np.save(out / "test_users.npy", users)
    np.save(out / "test_items.npy", items)
    np.save(out / "test_ratings.npy", draw(model, users, items, noise, rng))
    meta = dict(n_users=n_users, n_items=n_items, n_ratings=n_ratings, rank=rank, n_blocks=n_blocks,
                noise=noise, seed=seed)
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta


def load(folder):
    """(users, items, ratings, block_start, meta) from a folder written by generate:
    the three big arrays memory-mapped read-only, so nothing is read until used."""
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text())
    arrays = [np.load(folder / f"{name}.npy", mmap_mode="r") for name in ("users", "items", "ratings")]
    return (*arrays, np.load(folder / "block_start.npy"), meta)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Writes a synthetic Netflix-sized rating problem as .npy files.")
    parser.add_argument("out", help="the folder to write into")
    parser.add_argument("--ratings", type=int, default=N_RATINGS)
    parser.add_argument("--users", type=int, default=N_USERS)
    parser.add_argument("--items", type=int, default=N_ITEMS)
    parser.add_argument("--rank", type=int, default=RANK)
    parser.add_argument("--blocks", type=int, default=2, help="strata per side for parallel SGD (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    import resource
    import time

    start = time.perf_counter()
    meta = generate(args.out, args.ratings, args.users, args.items, args.rank, args.blocks, seed=args.seed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wrote {meta['n_ratings']:,} ratings to {args.out} in {time.perf_counter() - start:.0f} s, "
          f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
