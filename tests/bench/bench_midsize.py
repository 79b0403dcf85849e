#!/usr/bin/env python3
"""Benchmark: mid-size latency. All 20 newsgroups (train, headers, footers and quotes
removed), k = 20: the seconds dnmf hals takes from its default start to scikit-learn cd's
final error x (1 + 1e-4) (reading V, the start and the iterations up to the first one at
or below that error), against scikit-learn's NMF(n_components=20) fit (its default
nndsvda start included) on the same matrix in the same script.

Usage: bench_midsize.py [--ranks P] [--repeats R]   (Debian's python3; dnmf from
DNMF_BINARY, default build/dnmf; data from DNMF_DATA)

Target (issue 10; a figure, not a test): dnmf at 2 ranks 10x faster than scikit-learn.
"""
import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import numpy as np  # noqa: E402
from sklearn.decomposition import NMF  # noqa: E402

from dnmf_h5 import read_model, read_tfidf  # noqa: E402
from harness import run_dnmf, use_build_tree, vectorize_20news_train, work_folder  # noqa: E402


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    with work_folder(None, "dnmf-bench-midsize-") as work:
        matrix = os.path.join(work, "all20.h5")
        vectorize_20news_train(matrix, nranks=arguments.ranks)
        V = read_tfidf(matrix)[0]
        print("all 20 groups (train): %d x %d, %d nonzeros; k = 20" % (V.shape + (V.nnz,)))

        sklearn_times = []
        for _ in range(arguments.repeats):
            started = time.perf_counter()
            model = NMF(n_components=20, solver="cd", init="nndsvda", random_state=0)
            model.fit_transform(V)
            sklearn_times.append(time.perf_counter() - started)
        target = model.reconstruction_err_ * (1 + 1e-4)
        print("scikit-learn cd: final error %.6f after %d iterations; fit %.3f s (median of %d)" % (
            model.reconstruction_err_, model.n_iter_, statistics.median(sklearn_times), arguments.repeats))

        runs = []
        for _ in range(arguments.repeats):
            output = os.path.join(work, "model.h5")
            text = run_dnmf(["factorize", matrix, "-k", "20", "--tol", "0", "--max-iter", "1000", "-o", output],
                            nranks=arguments.ranks).stdout
            read = float(re.search(r"time\s+read ([0-9.]+) s", text).group(1))
            start = float(re.search(r"init \([a-z]+\) ([0-9.]+) s", text).group(1))
            start += float(re.search(r"start's error ([0-9.]+) s", text).group(1))
            _, _, history, _ = read_model(output)
            reached = np.nonzero(history["error"] <= target)[0]
            if len(reached) == 0:
                print("dnmf never reached the target in 1000 iterations")
                return 1
            iteration = int(reached[0])
            runs.append((read + start + history["seconds"][iteration], read, start, iteration,
                         history["seconds"][iteration] / max(iteration, 1)))
        total, read, start, iteration, per_iteration = sorted(runs)[len(runs) // 2]
        sklearn_median = statistics.median(sklearn_times)
        print("dnmf hals, %d ranks: %.3f s to the target (read %.3f, start %.3f, %d iterations at %.4f s); "
              "median of %d" % (arguments.ranks, total, read, start, iteration, per_iteration, arguments.repeats))
        print("scikit-learn / dnmf: %.1fx (target 10x)" % (sklearn_median / total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
