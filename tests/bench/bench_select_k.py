#!/usr/bin/env python3
"""Benchmark (issue 14, item 4): dnmf select-k on all 20 newsgroups (train split, headers,
footers and quotes removed: 11,314 documents), --ks 5:40:5 --repeats 5 on 2 ranks, beside
the same number of scikit-learn fits.

Each scikit-learn fit is what each select-k run is: NMF(n_components=k, init="random",
solver="cd", tol=1e-4, max_iter=200) of the matrix with every entry multiplied by its own
uniform factor in [1 - 0.03, 1 + 0.03]. Printed: select-k's table and wall time; each k's
scikit-learn seconds and iterations; the ratio (target: select-k 10x faster). With
--sklearn-repeats R below 5, scikit-learn fits R of the 5 per k and its time is scaled
to 5 (said so in the output).

Usage: bench_select_k.py [--ranks P] [--sklearn-repeats R] [--workdir DIR]
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from harness import run_dnmf, use_build_tree, vectorize_20news_train, work_folder  # noqa: E402

KS = list(range(5, 41, 5))
REPEATS = 5
PERTURB = 0.03


def sklearn_fits(matrix, repeats):
    import h5py
    import scipy.sparse as sp
    from sklearn.decomposition import NMF
    with h5py.File(matrix, "r") as f:
        group = f["tfidf"]
        X = sp.csr_matrix((group["data"][:], group["indices"][:], group["indptr"][:]),
                          shape=tuple(group.attrs["shape"]))
    seconds = {}
    for k in KS:
        seconds[k] = 0.0
        iterations = []
        for r in range(repeats):
            rng = np.random.default_rng(1000 * k + r)
            Xr = X.copy()
            Xr.data *= 1 + PERTURB * (2 * rng.random(Xr.nnz) - 1)
            started = time.perf_counter()
            model = NMF(n_components=k, init="random", solver="cd", tol=1e-4, max_iter=200, random_state=r).fit(Xr)
            seconds[k] += time.perf_counter() - started
            iterations.append(model.n_iter_)
        print("scikit-learn k = %2d: %d fits, %7.1f s (iterations %s)" % (k, repeats, seconds[k], iterations),
              flush=True)
    return seconds


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--sklearn-repeats", type=int, default=REPEATS)
    parser.add_argument("--workdir")
    arguments = parser.parse_args()
    with work_folder(arguments.workdir, "dnmf-bench-select-k-") as work:
        matrix = os.path.join(work, "20news_train.h5")
        vectorize_20news_train(matrix, nranks=arguments.ranks)
        table = os.path.join(work, "select_k.h5")
        started = time.perf_counter()
        output = run_dnmf(["select-k", matrix, "--ks", "5:40:5", "--repeats", str(REPEATS), "--perturb", str(PERTURB),
                           "--runs", os.path.join(work, "runs-%d" % os.getpid()), "-o", table],
                          nranks=arguments.ranks, timeout=7200).stdout
        dnmf_seconds = time.perf_counter() - started
        print(output[output.index("     k  silhouette"):].rstrip())
        print("dnmf select-k: %d factorizations in %.1f s on %d ranks (corpus read once more for c_npmi)\n" % (
            len(KS) * REPEATS, dnmf_seconds, arguments.ranks), flush=True)
        seconds = sklearn_fits(matrix, arguments.sklearn_repeats)
        total = sum(seconds.values()) * REPEATS / arguments.sklearn_repeats
        scaled = "" if arguments.sklearn_repeats == REPEATS else " (%d fits per k timed, scaled to %d)" % (
            arguments.sklearn_repeats, REPEATS)
        print("\nscikit-learn: %d fits in %.1f s%s" % (len(KS) * REPEATS, total, scaled))
        print("dnmf select-k is %.1fx faster (target 10x)" % (total / dnmf_seconds))


if __name__ == "__main__":
    main()
