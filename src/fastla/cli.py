"""The `fastla` command: `fastla info`, `fastla demo`, `fastla bench`, `fastla recommend`."""

import argparse
import json
import sys

import fastla


def _progress(case, impl):
    """One status line, rewritten in place, on an interactive terminal only."""
    if sys.stderr.isatty():
        print(f"  timing {case.name} [{impl}]...".ljust(78), end="\r", file=sys.stderr, flush=True)


def _clear_progress():
    if sys.stderr.isatty():
        print(" " * 78, end="\r", file=sys.stderr, flush=True)


def cmd_info(args):
    from fastla.bench import machine_line

    info = fastla.info()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    for key, value in info.items():
        print(f"{key:>10}: {', '.join(value) if isinstance(value, list) else value}")
    print(f"{'machine':>10}: {machine_line()}")
    return 0


def cmd_demo(args):
    """A short tour of the vector kernels: the same computation done by the naive
    Python loops, by NumPy and by fastla, with the time each takes."""
    import numpy as np

    from fastla import bench

    print("fastla demo: vectors and similarity (course module 1), matrices (module 2)\n")
    x, y = np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0])
    print(f"  x = {x.tolist()}, y = {y.tolist()}")
    print(f"  dot(x, y)  = sum x_i y_i          = {fastla.dot(x, y):g}")
    print(f"  norm(x)    = sqrt(sum x_i^2)      = {fastla.norm(x):.6g}")
    print(f"  cosine     = x.y / (|x| |y|)      = {fastla.cosine_similarity(x, y):.6g}")
    C = np.array([[1.0, 2.0, 2.9], [-1.0, 0.0, 0.0], [4.0, -5.0, 6.0], [0.5, 1.0, 1.5]])
    idx, scores = fastla.top_k(x, C, 2)
    print(f"  top_k(x, C, 2): rows {idx.tolist()} with cosine {np.round(scores, 4).tolist()}")
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    print(f"  matmul(A, A) = {fastla.matmul(A, A).tolist()}  (A = {A.tolist()})\n")

    print("Timings (median per call; naive = fastla.naive's plain Python loops):")
    print(f"  {bench.machine_line()}\n")

    selected = bench.cases("vector", quick=True) + bench.cases("gemm", quick=True)
    results = bench.run(selected, impls=("naive", "numpy", "fastla"), min_time=args.min_time, progress=_progress)
    _clear_progress()
    print(bench.format_table(results))
    print("\nNext: `fastla bench` for the full tables, `fastla bench ladder` for the GEMM built step")
    print("by step, and fastla.naive for the code to read.")
    return 0


def cmd_bench(args):
    from fastla import bench

    selected = [c for fam in (args.family or [None]) for c in bench.cases(fam, quick=args.quick)]
    if not selected:
        print(f"no benchmark cases for {args.family}", file=sys.stderr)
        return 2
    print(bench.machine_line())

    results = bench.run(selected, min_time=0.1 if args.quick else 0.5, progress=_progress)
    _clear_progress()
    print(bench.format_table(results))
    if args.json:
        payload = {"machine": bench.machine_line(),
                   "results": [{"case": c.name, "family": c.family, "seconds": t,
                                "gflops": {i: c.gflops(i, s) for i, s in t.items() if c.gflops(i, s)}}
                               for c, t in results]}
        with open(args.json, "w") as f:
            json.dump(payload, f, indent=2)
        print(f"saved {args.json}")
    if args.plot:
        try:
            bench.plot(results, args.plot)
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 1
        print(f"saved {args.plot}")
    return 0


def cmd_recommend(args):
    """Songs like a given one, from the bundled demo catalogue or a Spotify CSV."""
    from fastla.apps.recommender import SongLookupError, SongRecommender
    from fastla.datasets import CatalogError

    try:
        rec = SongRecommender.from_csv(args.catalog) if args.catalog else SongRecommender.demo()
        seed = _seed(rec, args.song)
        items = rec.recommend(seed.row, k=args.k, diversity=args.diversity)
    except (SongLookupError, CatalogError, OSError, IndexError, ValueError) as e:
        print(f"fastla recommend: {e}", file=sys.stderr)
        return 2
    where = args.catalog or "the bundled demo catalogue (synthetic songs)"
    print(f"{len(rec):,} songs from {where}")
    missing = {f: n for f, n in rec.missing.items() if n}
    if missing:
        print("missing values, counted as the feature's average: "
              + ", ".join(f"{f} {n:,}" for f, n in missing.items()))
    genre = f" ({seed.genre})" if seed.genre else ""
    print(f"Songs like: {seed}{genre}\n")
    print(format_recommendations(rec, seed, items, args.explain))
    return 0


def _seed(rec, text):
    """The song named on the command line: a track id or title, else a row number."""
    from fastla.apps.recommender import SongLookupError

    try:
        return rec.song(text)
    except SongLookupError:
        if text.strip().isdigit():
            return rec.song(int(text))
        raise


def format_recommendations(rec, seed, items, explain=False):
    """A table: rank, cosine score, title, artist, genre; with explain, the three
    features that bring each song closest to the seed."""
    has_genre = any(it.genre for it in items)
    header = ["#", "score", "title", "artist"] + (["genre"] if has_genre else []) + (["closest in"] if explain else [])
    rows = []
    for rank, it in enumerate(items, 1):
        row = [str(rank), f"{it.score:.3f}", it.title, it.artist] + ([it.genre or ""] if has_genre else [])
        if explain:
            top = rec.explain(seed.row, it.row).contributions[:3]
            row.append(", ".join(f"{c.feature} {c.contribution:+.2f}" for c in top))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    widths[2:4] = [min(w, 40) for w in widths[2:4]]  # long titles and artists are cut
    right = {0, 1}
    lines = []
    for r in [header] + rows:
        cells = [(c if len(c) <= w else c[:w - 1] + "~").rjust(w) if i in right else
                 (c if len(c) <= w else c[:w - 1] + "~").ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
    if explain:
        lines.append("\n(closest in: each feature's share of the cosine score; see rec.explain(a, b))")
    return "\n".join(lines)


# ---- fastla filter: photo filters (fastla.apps.filters) ----------------------------

def cmd_filter(args):
    from fastla.apps.filters import operations
    from fastla.apps.images import read_image, write_image

    if args.list:
        for op in operations.OPERATIONS:
            value = f" {op.metavar}" if op.metavar else ""
            print(f"  {op.flag + value:24s} {op.help}")
        return 0
    if not args.input or not args.output:
        print("fastla filter: needs an input and an output image (or --list)", file=sys.stderr)
        return 2
    if not args.operations:
        print("fastla filter: no operation given (see fastla filter --list)", file=sys.stderr)
        return 2
    try:
        img = read_image(args.input)
        out = operations.apply_all(img, args.operations)
        write_image(args.output, out)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"fastla filter: {exc}", file=sys.stderr)
        return 1
    done = " then ".join(name for name, _ in args.operations)
    print(f"{args.output}: {out.shape[1]} x {out.shape[0]}, {done}")
    return 0


def add_filter_parser(sub):
    from fastla.apps.filters import operations

    p = sub.add_parser("filter", help="photo filters: blur, sharpen, edges, colour matrices, rotation ...",
                       description="Applies the operations to the image in the order given, e.g. "
                                   "fastla filter in.jpg out.jpg --blur 2 --sharpen --rotate 15")
    p.add_argument("input", nargs="?", help="the image to read (EXIF orientation applied)")
    p.add_argument("output", nargs="?", help="the image to write (format from the extension)")
    p.add_argument("--list", action="store_true", help="list the operations")
    operations.add_arguments(p)
    p.set_defaults(func=cmd_filter)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fastla", description="Linear algebra kernels in hand-written C, with plain-Python twins."
    )
    parser.add_argument("--version", action="version", version=f"fastla {fastla.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("info", help="version, SIMD paths and threads")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("demo", help="a short tour: naive vs NumPy vs fastla")
    p.add_argument("--min-time", type=float, default=0.1, help="seconds to time each call for (default 0.1)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("bench", help="benchmark tables: naive, NumPy, fastla and peers")
    p.add_argument("family", nargs="*", help="families to run (default: all): vector, gemm, ladder, eigen, svd, recommender")
    p.add_argument("--quick", action="store_true", help="only the small cases")
    p.add_argument("--json", metavar="FILE", help="also save the timings as JSON")
    p.add_argument("--plot", metavar="FILE", help="also save a chart (PNG; needs matplotlib)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("recommend", help="songs like a given one, by cosine similarity of audio features")
    p.add_argument("song", help='a title, "title - artist", a track id or a row number')
    p.add_argument("-k", type=int, default=10, help="how many songs (default 10)")
    p.add_argument("--catalog", metavar="FILE", help="a Spotify audio-feature CSV (default: the bundled demo)")
    p.add_argument("--explain", action="store_true", help="show which features make each song close")
    p.add_argument("--diversity", type=float, default=0.0, help="0 to 1: trade closeness for variety (MMR)")
    p.set_defaults(func=cmd_recommend)

    add_filter_parser(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
