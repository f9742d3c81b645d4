"""The `fastla` command: `fastla info`, `fastla demo`, `fastla bench`, and the apps:
`fastla recommend`, `fastla filter`, `fastla compress`, `fastla decompress`, `fastla predict`."""

import argparse
import json
import sys

import fastla


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
    """The course's four projects on the bundled data, with pictures and a report."""
    from fastla import demo

    path = demo.run(args.out, min_time=args.min_time)
    print(f"\nPictures and the report are in {path.parent}/ (open {path.name}).")
    print("Next: `fastla bench` for the full tables, docs/README.md for the course map, and")
    print("fastla.naive for the plain-Python code to read.")
    return 0


def cmd_bench(args):
    from rich.console import Console

    from fastla import bench

    selected = [c for fam in (args.family or [None]) for c in bench.cases(fam, quick=args.quick)]
    if not selected:
        print(f"no benchmark cases for {args.family}", file=sys.stderr)
        return 2
    console = Console()
    console.print(bench.machine_line(), highlight=False)
    with console.status("timing...") as status:
        results = bench.run(selected, min_time=0.1 if args.quick else 0.5,
                            progress=lambda case, impl: status.update(f"timing {case.name} [{impl}]"))
    for table in bench.tables(results):
        console.print(table)
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


# ---- the image compressor: fastla compress / fastla decompress ----------------------

def cmd_compress(args):
    """An image to a .fla file (-k, --target-psnr or --energy), and/or the report
    against JPEG at the same size (--report, --charts)."""
    import os

    from fastla.apps.compressor import compress, report
    from fastla.apps.images import read_image

    knobs = [k for k in (args.k, args.target_psnr, args.energy) if k is not None]
    if len(knobs) > 1:
        print("fastla compress: give one of -k, --target-psnr, --energy", file=sys.stderr)
        return 2
    if not knobs and not (args.report or args.charts):
        print("fastla compress: give -k, --target-psnr or --energy (or --report)", file=sys.stderr)
        return 2
    try:
        img = read_image(args.image, channels=(1, 3, 4))
        if knobs:
            c = compress(img, rank=args.k, target_psnr=args.target_psnr, energy=args.energy, mode=args.mode)
            out = args.output or os.path.splitext(args.image)[0] + ".fla"
            size = c.save(out)
            ref = c.reference(img)
            names = {"ycbcr": "Y/Cb/Cr", "rgb": "R/G/B", "gray": "gray"}[c.mode] + ("/A" if c.channels == 4 else "")
            ssim = _ssim_text(c, img)
            print(f"wrote {out}: {size:,} bytes, {ref.nbytes / size:.1f}x smaller than the raw "
                  f"{ref.nbytes:,}; ranks {names} {'/'.join(map(str, c.ranks))}; "
                  f"PSNR {c.psnr(img):.2f} dB{ssim}")
        rows = None
        if args.report:
            ranks = [int(r) for r in args.ranks.split(",")] if args.ranks else report.DEFAULT_RANKS
            rows = report.quality_table(img, ranks=ranks, mode=args.mode)
            report.print_report(rows, args.mode)
        if args.charts:
            for path in report.save_charts(img, args.charts, mode=args.mode, rows=rows):
                print(f"saved {path}")
    except RuntimeError as e:  # charts without matplotlib
        print(f"fastla compress: {e}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, OSError) as e:
        print(f"fastla compress: {e}", file=sys.stderr)
        return 2
    return 0


def _ssim_text(c, img):
    try:
        return f", SSIM {c.ssim(img):.3f}"
    except ValueError:  # smaller than SSIM's window
        return ""


def cmd_decompress(args):
    """A .fla file back to an image (format from the output's extension)."""
    import os

    from fastla.apps.compressor import load
    from fastla.apps.images import write_image

    try:
        c = load(args.file)
        out = args.output or os.path.splitext(args.file)[0] + ".png"
        write_image(out, c.to_image())
    except (ValueError, OSError) as e:
        print(f"fastla decompress: {e}", file=sys.stderr)
        return 2
    print(f"wrote {out}: {c.width}x{c.height}, {c.mode} mode, ranks {'/'.join(map(str, c.ranks))}")
    return 0


def add_compressor_commands(sub):
    p = sub.add_parser("compress", help="an image as a low-rank .fla file (SVD), with an honest report")
    p.add_argument("image", help="a PNG, JPEG or other image Pillow reads")
    p.add_argument("-k", type=int, help="rank: components per colour plane (ycbcr: the same storage, shared out)")
    p.add_argument("--target-psnr", type=float, metavar="DB", help="the smallest rank reaching this PSNR")
    p.add_argument("--energy", type=float, metavar="F", help="keep this fraction of each plane's energy")
    p.add_argument("--mode", choices=["ycbcr", "rgb", "gray"], default="ycbcr", help="default ycbcr")
    p.add_argument("-o", "--output", metavar="FILE", help="the .fla file (default: the image's name)")
    p.add_argument("--report", action="store_true", help="a table over ranks next to JPEG at the same size")
    p.add_argument("--ranks", metavar="K,K,...", help="ranks for the report (default 5,10,20,40,80)")
    p.add_argument("--charts", metavar="PREFIX", help="save spectrum, PSNR and grid charts (needs matplotlib)")
    p.set_defaults(func=cmd_compress)

    p = sub.add_parser("decompress", help="a .fla file back to an image")
    p.add_argument("file", help="a .fla file")
    p.add_argument("-o", "--output", metavar="FILE", help="the image to write (default: <file>.png)")
    p.set_defaults(func=cmd_decompress)
# ---- fastla predict: the rating predictor ----------------------------------------------

def cmd_predict(args):
    """A user's top-k movies by predicted rating, or a k-fold table of the model's error."""
    from fastla.apps.evaluation import cross_validate
    from fastla.apps.predictor import RatingPredictor
    from fastla.datasets.movielens import MovieLensError, load_demo, load_movielens

    try:
        data = load_movielens(args.data) if args.data else load_demo()
    except (MovieLensError, OSError) as e:
        print(f"fastla predict: {e}", file=sys.stderr)
        return 2
    where = args.data or "the bundled MovieLens latest-small"
    print(f"{len(data):,} ratings by {len(set(data.users.tolist())):,} users from {where}")
    model = RatingPredictor(args.model, random_state=args.seed, titles=data.titles)
    if args.evaluate:
        print(f"{args.folds}-fold cross-validation of the {args.model!r} model:\n")
        result = cross_validate(model, data.users, data.items, data.ratings, folds=args.folds, random_state=args.seed)
        print(result.table())
        return 0
    if args.user is None:
        print("fastla predict: give --user ID, or --evaluate", file=sys.stderr)
        return 2
    user = _user_id(args.user, data.users)
    if user is None:
        print(f"fastla predict: user {args.user} is not in the ratings", file=sys.stderr)
        return 2
    model.verbose = args.verbose
    model.fit(data.users, data.items, data.ratings)
    print(f"Top {args.k} for user {user} (predicted stars, {args.model} model):\n")
    for rank, rec in enumerate(model.recommend(user, k=args.k, min_ratings=args.min_ratings), 1):
        print(f"{rank:>4}  {rec.rating:4.2f}  {rec.title or rec.item}")
    return 0


def _user_id(text, users):
    """The user named on the command line, as the ids in the data are (integers)."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if (users == value).any() else None


def add_predict_parser(sub):
    p = sub.add_parser("predict", help="movie ratings by matrix factorisation (MovieLens)")
    p.add_argument("--data", metavar="PATH", help="a MovieLens folder or ratings file (default: the bundled latest-small)")
    p.add_argument("--user", metavar="ID", help="recommend for this user")
    p.add_argument("-k", type=int, default=10, help="how many movies (default 10)")
    p.add_argument("--min-ratings", type=int, default=5, metavar="N",
                   help="recommend only movies with at least N ratings (default 5)")
    p.add_argument("--evaluate", action="store_true", help="k-fold cross-validation: RMSE, MAE and fit time")
    p.add_argument("--folds", type=int, default=5, help="folds for --evaluate (default 5)")
    p.add_argument("--model", default="blend", choices=["blend", "svd", "als", "baseline"],
                   help="the model (default blend)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--verbose", action="store_true", help="a progress bar over the epochs")
    p.set_defaults(func=cmd_predict)
# ---- fastla filter: photo filters (fastla.apps.filters) ----------------------------

def cmd_filter(args):
    from fastla.apps.filters import operations
    from fastla.apps.images import read_image, write_image

    if args.list:
        for op in operations.OPERATIONS:
            value = f" {op.metavar}" if op.metavar else ""
            print(f"  {op.flag + value:24s} {op.help}")
        return 0
    if args.contact_sheet:
        return _contact_sheet(args)
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


def _contact_sheet(args):
    """Every preset on one labelled grid: `fastla filter photo.jpg --contact-sheet sheet.jpg`."""
    from fastla.apps.filters import PRESETS, contact_sheet
    from fastla.apps.images import read_image, write_image

    if not args.input:
        print("fastla filter: --contact-sheet needs an input image", file=sys.stderr)
        return 2
    try:
        img = read_image(args.input)
        if args.operations:
            from fastla.apps.filters import operations

            img = operations.apply_all(img, args.operations)
        write_image(args.contact_sheet, contact_sheet(img))
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"fastla filter: {exc}", file=sys.stderr)
        return 1
    print(f"{args.contact_sheet}: the original and {len(PRESETS)} presets")
    return 0


def add_filter_parser(sub):
    from fastla.apps.filters import operations

    p = sub.add_parser("filter", help="photo filters: blur, sharpen, edges, colour matrices, rotation ...",
                       description="Applies the operations to the image in the order given, e.g. "
                                   "fastla filter in.jpg out.jpg --blur 2 --sharpen --rotate 15")
    p.add_argument("input", nargs="?", help="the image to read (EXIF orientation applied)")
    p.add_argument("output", nargs="?", help="the image to write (format from the extension)")
    p.add_argument("--list", action="store_true", help="list the operations")
    p.add_argument("--contact-sheet", metavar="FILE", help="write every preset on one labelled grid to FILE")
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

    p = sub.add_parser("demo", help="the four projects on bundled data, and naive vs NumPy vs fastla")
    p.add_argument("--out", default="fastla-demo", metavar="DIR", help="where the pictures and report go "
                   "(default ./fastla-demo)")
    p.add_argument("--min-time", type=float, default=0.05, help="seconds to time each call for (default 0.05)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("bench", help="benchmark tables: naive, NumPy, fastla and peers")
    p.add_argument("family", nargs="*", help="families to run (default: all): vector, gemm, ladder, eigen, svd, "
                   "recommender, filters, presets, compressor, predictor")
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

    add_compressor_commands(sub)
    add_predict_parser(sub)
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
