"""fastla.matmul against NumPy's OpenBLAS, as the ratio of their times, over
several separate interleaved runs: on a shared machine one run's ratio can be
off by a third, and the spread says how far to trust the median.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/gemm_ratios.py --threads 1
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/gemm_ratios.py --threads 2

Each line: the shape and dtype, the median of the runs' ratios (NumPy's time over
fastla's: above 1, fastla is faster), every run's ratio, and the median GFLOP/s."""

import argparse
import statistics

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import fastla
from fastla.bench import time_interleaved

SQUARE = (256, 512, 1024, 2048)
OTHER = ((8, 8, 8), (32, 32, 32), (64, 64, 64), (4096, 64, 4096), (64, 4096, 64))


def cases(threads):
    for dtype in (np.float64, np.float32):
        for n in SQUARE:
            yield n, n, n, dtype
    if threads == 1:
        for m, k, n in OTHER:
            yield m, k, n, np.float64


def measure(m, k, n, dtype, runs, rng):
    A = rng.standard_normal((m, k)).astype(dtype)
    B = rng.standard_normal((k, n)).astype(dtype)
    fns = {"numpy": lambda: A @ B, "fastla": lambda: fastla.matmul(A, B)}
    min_time = 1.5 if m * k * n > 1e8 else 0.6
    timings = [time_interleaved(fns, min_time=min_time) for _ in range(runs)]
    ratios = [t["numpy"] / t["fastla"] for t in timings]
    flops = 2.0 * m * k * n
    gflops = {name: statistics.median(flops / t[name] / 1e9 for t in timings) for name in fns}
    return ratios, gflops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fastla.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    with threadpool_limits(args.threads):
        blas = [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()]
        print(f"fastla {fastla.info()['isa']} with {args.threads} thread(s); NumPy's BLAS {blas}")
        for m, k, n, dtype in cases(args.threads):
            ratios, gflops = measure(m, k, n, dtype, args.runs, rng)
            print(f"{m}x{k} . {k}x{n} {np.dtype(dtype).name}: {statistics.median(ratios):.2f} "
                  f"(runs {', '.join(f'{r:.2f}' for r in ratios)}); GFLOP/s NumPy "
                  f"{gflops['numpy']:.1f}, fastla {gflops['fastla']:.1f}", flush=True)


if __name__ == "__main__":
    main()
