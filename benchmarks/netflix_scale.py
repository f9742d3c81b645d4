"""Training at Netflix-Prize scale: SGD on the synthetic 100-million-rating problem
of fastla.datasets.netflix_synth, read memory-mapped, strata on 2 threads.

    PYTHONPATH=src python -m fastla.datasets.netflix_synth /tmp/netflix     # once (~1.2 GB)
    PYTHONPATH=src python benchmarks/netflix_scale.py /tmp/netflix --threads 2 --epochs 10

Prints the time per epoch, the training and test RMSE, and the peak memory of the
process (ru_maxrss: the memory-mapped ratings count once they are read)."""

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from fastla.apps.evaluation import rmse
from fastla.apps.mf_models import SGDModel
from fastla.datasets import netflix_synth


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="the folder written by fastla.datasets.netflix_synth")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--factors", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.005)
    parser.add_argument("--reg", type=float, default=0.02)
    args = parser.parse_args()
    d = Path(args.data)
    users, items, ratings, block_start, meta = netflix_synth.load(d)
    print(f"{len(ratings):,} ratings, {meta['n_users']:,} users x {meta['n_items']:,} items, "
          f"{meta['n_blocks']}x{meta['n_blocks']} strata; memory-mapped; {args.threads} threads, k={args.factors}")
    print(f"peak memory before the fit: {peak_mib():.0f} MiB")
    model = SGDModel(n_factors=args.factors, n_epochs=args.epochs, lr=args.lr, reg_bias=args.reg,
                     reg_factor=args.reg, init_std=0.05, n_threads=args.threads, random_state=0, verbose=True)
    start, cpu_start = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
    model.fit(users, items, ratings, meta["n_users"], meta["n_items"], block_start=block_start)
    total = time.perf_counter() - start
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu_start
    test = [np.load(d / f"test_{n}.npy") for n in ("users", "items", "ratings")]
    pred = np.clip(model.predict(test[0], test[1]), 1, 5)
    for e, (t, r) in enumerate(zip(model.epoch_seconds, model.train_rmse), 1):
        print(f"epoch {e:>2}: {t:6.2f} s, training RMSE {r:.4f}")
    print(f"fit {total:.1f} s (median epoch {np.median(model.epoch_seconds):.2f} s); "
          f"test RMSE {rmse(test[2], pred):.4f} (noise 0.8 before rounding to whole stars)")
    print(f"CPU time of the fit, all threads: {cpu:.1f} s ({cpu / args.epochs:.1f} s an epoch; "
          f"on {args.threads} otherwise idle cores an epoch takes about {cpu / args.epochs / args.threads:.1f} s)")
    print(f"peak memory: {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
