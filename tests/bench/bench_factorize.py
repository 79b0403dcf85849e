#!/usr/bin/env python3
"""Benchmark: dnmf factorize on the seed matrix (2034 x 26576), side by side with the
seed notebook's loops and scikit-learn, in one run.

Usage: bench_factorize.py [--notebook-iterations N]   (Debian's python3; dnmf from
DNMF_BINARY, default build/dnmf; data from DNMF_DATA)

(a) 50 iterations of gd: the notebook's numpy loop on the dense matrix, a scipy.sparse
    port of it, and dnmf at 1 and 2 ranks (its solve time, from the model file);
(b) hals and mu: seconds until the error reaches scikit-learn's final error (dnmf's
    initialization included), against scikit-learn's NMF fit (init included) on the
    sparse matrix;
(c) seconds per iteration of every solver, at 1 and 2 ranks.
"""
import argparse
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import numpy as np  # noqa: E402
import scipy.io  # noqa: E402
from sklearn.decomposition import NMF  # noqa: E402

from dnmf_h5 import read_model, write_start  # noqa: E402
from harness import data_dir, run_dnmf, use_build_tree  # noqa: E402

SEED_GROUPS = "alt.atheism,comp.graphics,sci.space,talk.religion.misc"


def notebook_gd(V, W, H, iterations, lr=1e-2, lam=1e3, mu=1e-6, dense=True):
    """The notebook's loop: W -= lr*((WH - V)H^T + lam*pen(W)), H likewise (element-wise pen)."""
    for _ in range(iterations):
        R = W @ H - V if dense else np.asarray(W @ H - V)
        W, H = W - lr * (R @ H.T + lam * np.minimum(W - mu, 0)), H - lr * (W.T @ R + lam * np.minimum(H - mu, 0))
    return W, H


def sparse_gd(V, W, H, iterations, lr=1e-2, lam=1e3, mu=1e-6):
    """The same updates with V sparse: (WH - V)H^T = W(HH^T) - VH^T, never forming WH."""
    Vt = V.T.tocsr()
    for _ in range(iterations):
        gradient_w = W @ (H @ H.T) - V @ H.T
        gradient_h = (W.T @ W) @ H - (Vt @ W).T
        W, H = W - lr * (gradient_w + lam * np.minimum(W - mu, 0)), H - lr * (gradient_h + lam * np.minimum(H - mu, 0))
    return W, H


def dnmf(matrix, work, solver, ranks, extra):
    model = os.path.join(work, "%s_np%d.h5" % (solver, ranks))
    out = run_dnmf(["factorize", matrix, "-k", "5", "--solver", solver, "-o", model] + extra, nranks=ranks).stdout
    init = float(re.search(r"init \([a-z]+\) ([0-9.]+) s", out).group(1))
    _, _, history, attributes = read_model(model)
    return init, history, attributes


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook-iterations", type=int, default=50)
    arguments = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dnmf-bench-factorize-")
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
    matrix = os.path.join(work, "seed.h5")
    run_dnmf(["vectorize", corpus, "--groups", SEED_GROUPS, "--encoding", "latin-1", "--strip",
              "headers,footers,quotes", "-o", matrix])
    V = scipy.io.mmread(os.path.join(data_dir("20news4-tfidf"), "tfidf.mtx")).tocsr()
    rng = np.random.default_rng(0)
    W0 = np.abs(rng.normal(0, 0.01, (V.shape[0], 5)))
    H0 = np.abs(rng.normal(0, 0.01, (5, V.shape[1])))
    init = os.path.join(work, "init.h5")
    write_start(init, W0, H0)

    print("(a) 50 iterations of gd (lr 1e-2, lambda 1e3, mu 1e-6) on %d x %d, %d nonzeros" % (V.shape + (V.nnz,)))
    n = arguments.notebook_iterations
    started = time.perf_counter()
    notebook_gd(V.toarray(), W0.copy(), H0.copy(), n)
    notebook = (time.perf_counter() - started) * 50 / n
    started = time.perf_counter()
    sparse_gd(V, W0.copy(), H0.copy(), 50)
    sparse = time.perf_counter() - started
    rows = [("notebook loop, numpy dense" + (" (%d its, scaled)" % n if n != 50 else ""), notebook),
            ("scipy.sparse port", sparse)]
    for ranks in (1, 2):
        _, _, attributes = dnmf(matrix, work, "gd", ranks, ["--init", "file", "--init-file", init, "--max-iter", "50",
                                                             "--tol", "0"])
        rows.append(("dnmf gd, %d rank%s (solve time)" % (ranks, "s" if ranks > 1 else ""),
                     float(attributes["solve_seconds"])))
    for name, seconds in rows:
        print("  %-42s %9.4f s   notebook/this %8.1fx" % (name, seconds, notebook / seconds))
    print("  target: >= 1000x faster than the notebook's loop at 2 ranks -> %s" %
          ("met" if notebook / rows[-1][1] >= 1000 else "NOT met"))

    print("\n(b) seconds to reach scikit-learn's final error (nndsvda start)")
    for solver, sklearn_solver in (("hals", "cd"), ("mu", "mu")):
        started = time.perf_counter()
        model = NMF(n_components=5, solver=sklearn_solver, init="nndsvda", random_state=0)
        model.fit_transform(V)
        sklearn_seconds = time.perf_counter() - started
        target = model.reconstruction_err_
        print("  %-5s scikit-learn %s: %.6f in %.4f s (%d iterations)" % (solver, sklearn_solver, target,
                                                                         sklearn_seconds, model.n_iter_))
        for ranks in (1, 2):
            init_seconds, history, _ = dnmf(matrix, work, solver, ranks, ["--tol", "0", "--max-iter", "200"])
            reached = np.nonzero(history["error"] <= target * (1 + 1e-9))[0]
            if len(reached) == 0:
                print("        dnmf %d ranks: never reached it in 200 iterations" % ranks)
                continue
            seconds = init_seconds + history["seconds"][reached[0]]
            print("        dnmf %d rank%s: iteration %d, %.4f s (init %.4f s) -> %.1fx faster" % (
                ranks, "s" if ranks > 1 else " ", reached[0], seconds, init_seconds, sklearn_seconds / seconds))
    print("  target: >= 10x faster than scikit-learn at 2 ranks")

    print("\n(c) seconds per iteration (100 iterations, nndsvda start)")
    print("  %-6s %12s %12s" % ("solver", "1 rank", "2 ranks"))
    for solver in ("hals", "mu", "gd", "sgd", "adam"):
        figures = []
        for ranks in (1, 2):
            _, _, attributes = dnmf(matrix, work, solver, ranks, ["--tol", "0", "--max-iter", "100"])
            figures.append(float(attributes["solve_seconds"]) / max(int(attributes["iterations"]), 1))
        print("  %-6s %12.5f %12.5f" % (solver, figures[0], figures[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
