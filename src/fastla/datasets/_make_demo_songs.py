"""Makes songs_demo.csv.gz, the bundled demo catalogue: synthetic songs with
believable audio features.

    python -m fastla.datasets._make_demo_songs      # rewrites the file next to this one

Nothing here comes from real recordings. Each genre has a profile: for every
audio feature a typical value and a spread, close to the averages published for
Spotify's genres (classical is acoustic, quiet and instrumental; metal loud and
energetic; hip-hop wordy and danceable). Each artist draws a personal offset from
their genre's profile, and each song a smaller one from its artist's, so songs by
one artist sound alike, as they do. A few songs appear a second time under another
genre and another track id, as they do in real catalogues.

Only random.Random.random() is used (the one method Python promises to repeat
for a seed), and values are rounded, so the file comes out the same everywhere."""

import csv
import gzip
import io
import math
import random
from pathlib import Path

SEED = 2024
ARTISTS_PER_GENRE = 24
SONGS_PER_ARTIST = (6, 14)     # drawn uniformly
DUPLICATES = 40                # songs listed again under another genre

COLUMNS = ["track_id", "artists", "track_name", "track_genre", "popularity", "duration_ms",
           "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
           "instrumentalness", "liveness", "valence", "tempo"]

# Per genre: (typical value, spread) for the 0..1 features, drawn on the logit scale so
# they stay inside 0..1 with the skew real ones have; loudness in dB and tempo in BPM
# drawn as normals; p_major the share in a major key; p_instrumental the share of
# instrumental tracks (instrumentalness is bimodal: near 0 with a voice, near 0.9 without).
GENRES = {
    #             dance       energy      speech      acoustic    liveness    valence     loud dB     tempo       dur s  p_major p_instr
    "pop":        ((.65, .5), (.68, .6), (.06, .5), (.18, .9), (.14, .5), (.55, .6), (-6.0, 2.0), (118, 22), 205, .60, .02),
    "rock":       ((.50, .5), (.78, .6), (.05, .4), (.08, 1.0), (.18, .6), (.50, .6), (-6.5, 2.2), (126, 26), 235, .70, .05),
    "hip-hop":    ((.76, .5), (.64, .5), (.24, .6), (.14, .9), (.17, .6), (.50, .6), (-6.6, 2.0), (112, 26), 210, .50, .01),
    "electronic": ((.67, .5), (.82, .6), (.07, .5), (.04, 1.0), (.17, .6), (.40, .7), (-5.5, 2.0), (126, 8), 250, .50, .45),
    "jazz":       ((.55, .4), (.38, .6), (.06, .5), (.68, .8), (.14, .6), (.52, .6), (-11.5, 3.0), (112, 30), 300, .55, .50),
    "classical":  ((.30, .5), (.14, .7), (.045, .3), (.93, .8), (.12, .5), (.22, .7), (-21.0, 5.0), (104, 28), 340, .60, .92),
    "country":    ((.58, .4), (.64, .5), (.04, .4), (.27, .9), (.17, .6), (.58, .6), (-6.4, 2.0), (122, 28), 200, .85, .01),
    "metal":      ((.40, .5), (.93, .8), (.08, .5), (.01, 1.0), (.20, .6), (.28, .6), (-4.6, 1.5), (132, 30), 270, .55, .15),
    "r&b":        ((.66, .4), (.55, .5), (.10, .6), (.28, .9), (.15, .5), (.47, .6), (-7.6, 2.2), (108, 24), 215, .45, .02),
    "folk":       ((.52, .4), (.36, .6), (.04, .4), (.76, .8), (.13, .5), (.42, .6), (-10.5, 3.0), (116, 28), 220, .75, .08),
    "latin":      ((.74, .4), (.75, .5), (.09, .6), (.20, .9), (.16, .6), (.68, .6), (-5.2, 1.8), (104, 22), 210, .55, .01),
    "ambient":    ((.26, .6), (.17, .8), (.04, .3), (.72, 1.0), (.11, .5), (.12, .8), (-19.0, 5.0), (96, 24), 320, .50, .88),
}

# How often each pitch class (C, C#, ..., B) is the key, roughly as in pop catalogues.
KEY_WEIGHTS = [12, 9, 10, 3, 7, 8, 6, 11, 6, 9, 6, 7]

WORDS = {
    "adjective": ["Midnight", "Golden", "Paper", "Electric", "Silver", "Neon", "Broken", "Summer", "Hollow",
                  "Velvet", "Wild", "Quiet", "Restless", "Crystal", "Faded", "Burning", "Lonely", "Northern",
                  "Sleepless", "Little", "Violet", "Runaway", "Frozen", "Southern", "Lucky", "Secret", "Empty",
                  "Slow", "Open", "Last"],
    "noun": ["Hearts", "Highway", "Rain", "Lights", "River", "Dreams", "Fire", "City", "Ocean", "Shadows",
             "Echoes", "Garden", "Horizon", "Thunder", "Streets", "Mirror", "Morning", "Satellite", "Harbor",
             "Roses", "Stars", "Waves", "Window", "Kingdom", "Heartbeat", "Canyon", "Memory", "Radio", "Letters",
             "Home"],
    "verb": ["Chasing", "Holding", "Dancing", "Running", "Calling", "Falling", "Waiting", "Burning", "Finding",
             "Leaving"],
    "first": ["Ava", "Leo", "Mila", "Jonah", "Nora", "Theo", "Ruby", "Elias", "Iris", "Marco", "Lena", "Omar",
              "Clara", "Felix", "Sofia", "Hugo", "Maya", "Tobias", "Ines", "Caleb", "Zara", "Arlo", "Nina", "Sami"],
    "last": ["Hartmann", "Reyes", "Okafor", "Lindqvist", "Moreau", "Castillo", "Brennan", "Novak", "Takeda",
             "Whitfield", "Adeyemi", "Rossi", "Kowalski", "Delgado", "Fontaine", "Haldane", "Vance", "Ibarra",
             "Sorensen", "Achterberg"],
    "band": ["Engines", "Foxes", "Parade", "Satellites", "Wolves", "Collective", "Machines", "Ghosts", "Sparrows",
             "Lanterns", "Tides", "Ravens", "Orchestra", "Brothers", "Kites", "Voyagers"],
}
KEY_NAMES = ["C", "C-sharp", "D", "E-flat", "E", "F", "F-sharp", "G", "A-flat", "A", "B-flat", "B"]
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Draw:
    """The few distributions needed, all from random.Random.random()."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def uniform(self):
        return self.rng.random()

    def integer(self, lo, hi):
        """lo..hi inclusive."""
        return lo + min(int(self.rng.random() * (hi - lo + 1)), hi - lo)

    def pick(self, items):
        return items[self.integer(0, len(items) - 1)]

    def weighted(self, weights):
        target, total = self.rng.random() * sum(weights), 0.0
        for i, w in enumerate(weights):
            total += w
            if target < total:
                return i
        return len(weights) - 1

    def normal(self):
        """Box-Muller: a standard normal from two uniforms."""
        u1, u2 = 1.0 - self.rng.random(), self.rng.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def logit(p):
    return math.log(p / (1.0 - p))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def artist_name(draw, genre):
    style = draw.integer(0, 3)
    if genre == "classical":
        return f"{draw.pick(WORDS['first'])} {draw.pick(WORDS['last'])}"
    if genre == "jazz" and style < 2:
        return f"{draw.pick(WORDS['first'])} {draw.pick(WORDS['last'])} {draw.pick(['Trio', 'Quartet', 'Quintet'])}"
    if style == 0:
        return f"The {draw.pick(WORDS['adjective'])} {draw.pick(WORDS['band'])}"
    if style == 1:
        return f"{draw.pick(WORDS['adjective'])} {draw.pick(WORDS['noun'])}"
    return f"{draw.pick(WORDS['first'])} {draw.pick(WORDS['last'])}"


def song_title(draw, genre, key):
    if genre == "classical":
        form = draw.pick(["Nocturne", "Sonata", "Etude", "Prelude", "Impromptu", "Serenade"])
        return f"{form} No. {draw.integer(1, 24)} in {KEY_NAMES[key]}"
    style = draw.integer(0, 4)
    if style == 0:
        return f"{draw.pick(WORDS['adjective'])} {draw.pick(WORDS['noun'])}"
    if style == 1:
        return f"{draw.pick(WORDS['verb'])} {draw.pick(WORDS['noun'])}"
    if style == 2:
        return f"{draw.pick(WORDS['noun'])} of {draw.pick(WORDS['noun'])}"
    if style == 3:
        return draw.pick(WORDS["noun"])
    return f"{draw.pick(WORDS['adjective'])} {draw.pick(WORDS['noun'])} ({draw.pick(['Live', 'Acoustic', 'Remix', 'Demo'])})"


def track_id(draw):
    return "".join(draw.pick(BASE62) for _ in range(22))


def artist_profile(draw, genre):
    """The genre's profile, moved by the artist's own taste."""
    dance, energy, speech, acoustic, live, valence, loud, tempo, seconds, p_major, p_instr = GENRES[genre]
    shift = lambda mean_spread: (logit(mean_spread[0]) + 0.45 * mean_spread[1] * draw.normal(), mean_spread[1])
    return {
        "danceability": shift(dance), "energy": shift(energy), "speechiness": shift(speech),
        "acousticness": shift(acoustic), "liveness": shift(live), "valence": shift(valence),
        "loudness": (loud[0] + 0.5 * loud[1] * draw.normal(), loud[1]),
        "tempo": (tempo[0] + 0.4 * tempo[1] * draw.normal(), tempo[1]),
        "seconds": seconds, "p_major": p_major,
        "p_instrumental": min(0.98, max(0.0, p_instr + 0.15 * draw.normal())),
    }


def song_features(draw, profile):
    song = {}
    for name in ("danceability", "energy", "speechiness", "acousticness", "liveness", "valence"):
        centre, spread = profile[name]
        song[name] = sigmoid(centre + 0.75 * spread * draw.normal())
    if draw.uniform() < 0.04:  # a live recording
        song["liveness"] = sigmoid(logit(0.8) + 0.4 * draw.normal())
    instrumental = draw.uniform() < profile["p_instrumental"]
    song["instrumentalness"] = sigmoid((logit(0.85) if instrumental else logit(0.0005)) + 1.2 * draw.normal())
    centre, spread = profile["loudness"]
    song["loudness"] = min(-0.5, centre + 0.75 * spread * draw.normal())
    centre, spread = profile["tempo"]
    song["tempo"] = min(210.0, max(55.0, centre + 0.75 * spread * draw.normal()))
    song["key"] = draw.weighted(KEY_WEIGHTS)
    song["mode"] = 1 if draw.uniform() < profile["p_major"] else 0
    song["duration_ms"] = int(1000 * profile["seconds"] * math.exp(0.25 * draw.normal()))
    return song


def make_rows(seed=SEED):
    """The catalogue as a list of dicts (one per song), the same for the same seed."""
    draw = Draw(seed)
    rows, used_ids = [], set()
    for genre in GENRES:
        for _ in range(ARTISTS_PER_GENRE):
            artist = artist_name(draw, genre)
            profile = artist_profile(draw, genre)
            fame = draw.uniform()
            for _ in range(draw.integer(*SONGS_PER_ARTIST)):
                song = song_features(draw, profile)
                tid = track_id(draw)
                while tid in used_ids:
                    tid = track_id(draw)
                used_ids.add(tid)
                popularity = int(min(100, max(0, 100 * fame * 0.8 + 20 * draw.normal())))
                rows.append({"track_id": tid, "artists": artist, "track_name": song_title(draw, genre, song["key"]),
                             "track_genre": genre, "popularity": popularity, **song})
    for _ in range(DUPLICATES):
        original = draw.pick(rows)
        other = draw.pick([g for g in GENRES if g != original["track_genre"]])
        tid = track_id(draw)
        rows.append({**original, "track_id": tid, "track_genre": other})
    return rows


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([
            r["track_id"], r["artists"], r["track_name"], r["track_genre"], r["popularity"], r["duration_ms"],
            f"{r['danceability']:.3f}", f"{r['energy']:.3f}", r["key"], f"{r['loudness']:.3f}", r["mode"],
            f"{r['speechiness']:.4f}", f"{r['acousticness']:.4f}", f"{r['instrumentalness']:.4f}",
            f"{r['liveness']:.3f}", f"{r['valence']:.3f}", f"{r['tempo']:.3f}",
        ])
    return out.getvalue()


def main():
    path = Path(__file__).with_name("songs_demo.csv.gz")
    text = to_csv(make_rows())
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(text.encode("utf-8"))
    print(f"wrote {path} ({text.count(chr(10)) - 1} songs)")


if __name__ == "__main__":
    main()
