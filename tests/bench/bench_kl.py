#!/usr/bin/env python3
"""Benchmark: the Kullback-Leibler solvers. On the seed matrix (k = 5) and on all 20
newsgroups (train, headers, footers and quotes removed; k = 20), scikit-learn's
NMF(solver="mu", beta_loss="kullback-leibler", tol=1e-4) from its nndsvda start sets the
target, its final divergence; dnmf mu and dnmf kl-cd start from that same start (--init
file) and each reports the solve seconds to its first iterate at or below the target (the
history's seconds, the iterations alone). Printed: both times, medians of the repeats,
and their ratio mu / kl-cd.

Usage: bench_kl.py [--ranks P] [--repeats R]   (Debian's python3; dnmf from DNMF_BINARY,
default build/dnmf; data from DNMF_DATA)

Target (issue 12; a figure, not a test): kl-cd at most one fifth of mu's time (ratio >= 5).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import numpy as np  # noqa: E402
import scipy.io  # noqa: E402
from sklearn.decomposition import NMF  # noqa: E402
from sklearn.decomposition._nmf import _initialize_nmf  # noqa: E402

from dnmf_h5 import read_model, read_tfidf, write_start, write_tfidf  # noqa: E402
from harness import data_dir, run_dnmf, use_build_tree, vectorize_20news_train, work_folder  # noqa: E402


def seconds_to_target(work, matrix, start, k, solver, target, ranks, max_iter):
    """Solve seconds of dnmf `solver` to its first error at or below `target` (None: never)."""
    output = os.path.join(work, "model.h5")
    run_dnmf(["factorize", matrix, "-k", str(k), "--solver", solver, "--loss", "kullback-leibler", "--init", "file",
              "--init-file", start, "--tol", "0", "--max-iter", str(max_iter), "-o", output], nranks=ranks)
    _, _, history, _ = read_model(output)
    reached = np.nonzero(history["error"] <= target)[0]
    if len(reached) == 0:
        return None, int(history["iteration"][-1]), float(history["error"][-1])
    first = reached[0]
    return float(history["seconds"][first]), int(history["iteration"][first]), float(history["error"][first])


def bench(work, name, V, matrix, k, arguments):
    print("%s: %d x %d, %d nonzeros; k = %d" % (name, V.shape[0], V.shape[1], V.nnz, k))
    W0, H0 = _initialize_nmf(V, k, init="nndsvda", random_state=0)
    start = os.path.join(work, name + "_start.h5")
    write_start(start, W0, H0)
    started = time.perf_counter()
    model = NMF(n_components=k, init="custom", solver="mu", beta_loss="kullback-leibler", tol=1e-4, max_iter=1000)
    model.fit_transform(V, W=W0.copy(), H=H0.copy())
    target = model.reconstruction_err_
    print("  scikit-learn mu: KL error %.6f after %d iterations, %.2f s" % (target, model.n_iter_,
                                                                         time.perf_counter() - started))
    times = {}
    for solver, max_iter in (("mu", model.n_iter_ + 20), ("kl-cd", model.n_iter_ + 20)):
        runs = [seconds_to_target(work, matrix, start, k, solver, target, arguments.ranks, max_iter)
                for _ in range(arguments.repeats)]
        seconds = [run[0] for run in runs]
        if any(second is None for second in seconds):
            print("  dnmf %-5s never reached it: %.6f after %d iterations" % (solver, runs[0][2], runs[0][1]))
            times[solver] = None
            continue
        times[solver] = statistics.median(seconds)
        print("  dnmf %-5s %.4f s to iteration %d (error %.6f), median of %d on %d ranks" % (
            solver, times[solver], runs[0][1], runs[0][2], arguments.repeats, arguments.ranks))
    if times["mu"] and times["kl-cd"]:
        print("  ratio mu / kl-cd: %.1fx (target 5x)" % (times["mu"] / times["kl-cd"]))


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    with work_folder(None, "dnmf-bench-kl-") as work:
        seed = scipy.io.mmread(os.path.join(data_dir("20news4-tfidf"), "tfidf.mtx")).tocsr()
        seed_matrix = os.path.join(work, "seed.h5")
        write_tfidf(seed_matrix, seed)
        bench(work, "seed", seed, seed_matrix, 5, arguments)
        matrix = os.path.join(work, "all20.h5")
        vectorize_20news_train(matrix, nranks=arguments.ranks)
        bench(work, "all 20 groups (train)", read_tfidf(matrix)[0], matrix, 20, arguments)


if __name__ == "__main__":
    main()
