#!/usr/bin/env python3
"""dnmf mu for every --loss against scikit-learn's own multiplicative-update loop.

Usage: check_losses.py WORKDIR   (dnmf and the rank count come from the environment)

From the same start, scikit-learn's nndsvda of the matrix (written to an HDF5 file and
passed with --init file), dnmf runs 50 iterations of mu and scikit-learn runs its
`_multiplicative_update_w` / `_multiplicative_update_h` loop (the one NMF(solver="mu")
runs, with its gamma, epsilon and clipping), measuring `_beta_divergence(square_root=True)`
after every iteration. The two error sequences must agree to 1e-9 relative at every
iteration, for:
  beta = 2, 1 (KL)        the seed matrix (2034 x 26576), sparse: only V's entries
  beta = 0.5, 1.5         its first 300 documents and the 2000 terms they use most: every
                          (i, j) enters these, as in scikit-learn
  beta = 0 (IS)           that submatrix plus 0.01 everywhere: IS needs a matrix without zeros
The same runs on one rank must agree with the others to 1e-10 relative (the result does
not depend on the number of ranks).

Penalties: from the same start on the seed matrix, scikit-learn's NMF with alpha_W = 1e-4
(alpha_H "same") run to convergence (tol 1e-6, max_iter 2000) against dnmf with the same
options: dnmf's final objective (scikit-learn's loss, penalties included, as the history's
`objective` records it) must be within 1e-5 relative of scikit-learn's, or lower, for hals
and mu with l1_ratio 0, 0.5 and 1, for mu with KL and l1_ratio 0.5, and for hals with
alpha_W = 1e-6 and l1_ratio 0.5. hals stops by scikit-learn cd's own rule, so its
iteration counts match too.
"""
import os
import sys

import numpy as np
import scipy.io
import scipy.sparse as sp

from dnmf_h5 import read_model, write_start, write_tfidf
from harness import data_dir, ranks, run_dnmf, seed_corner

ITERATIONS = 50


def sklearn_errors(X, W, H, beta):
    """scikit-learn 1.2's _fit_multiplicative_update, unrolled to measure every iteration."""
    from sklearn.decomposition._nmf import _beta_divergence, _multiplicative_update_h, _multiplicative_update_w
    gamma = 1.0 / (2.0 - beta) if beta < 1 else 1.0 / (beta - 1.0) if beta > 2 else 1.0
    W, H = W.copy(), H.copy()
    errors = [_beta_divergence(X, W, H, beta, square_root=True)]
    for _ in range(ITERATIONS):
        W, _, _, _ = _multiplicative_update_w(X, W, H, beta, 0, 0, gamma)
        if beta < 1:
            W[W < np.finfo(np.float64).eps] = 0.0
        H = _multiplicative_update_h(X, W, H, beta, 0, 0, gamma)
        if beta <= 1:
            H[H < np.finfo(np.float64).eps] = 0.0
        errors.append(_beta_divergence(X, W, H, beta, square_root=True))
    return np.array(errors)


def sklearn_objective(X, W, H, beta, alpha, l1_ratio):
    """scikit-learn's objective (NMF's documented loss) of W, H, its weights as NMF scales them."""
    from sklearn.decomposition._nmf import _beta_divergence
    n_samples, n_features = X.shape
    l1_w, l1_h = alpha * l1_ratio * n_features, alpha * l1_ratio * n_samples
    l2_w, l2_h = alpha * (1 - l1_ratio) * n_features, alpha * (1 - l1_ratio) * n_samples
    return (_beta_divergence(X, W, H, beta) + l1_w * W.sum() + l1_h * H.sum() + 0.5 * l2_w * (W ** 2).sum()
            + 0.5 * l2_h * (H ** 2).sum())


def check_penalties(work, X, matrix_path, start_path, W0, H0, failures):
    from sklearn.decomposition import NMF
    # alpha_W = 1e-4 weighs W's L1 penalty at 1e-4 x 26576 terms: more than most TF-IDF
    # values, so with l1_ratio >= 0.5 both programs end near W = 0. 1e-6 keeps the topics.
    cases = [(solver, "frobenius", 2.0, 1e-4, l1_ratio) for solver in ("hals", "mu") for l1_ratio in (0.0, 0.5, 1.0)]
    cases += [("mu", "kullback-leibler", 1.0, 1e-4, 0.5), ("hals", "frobenius", 2.0, 1e-6, 0.5)]
    for solver, loss, beta, alpha, l1_ratio in cases:
        model = NMF(n_components=5, init="custom", solver="cd" if solver == "hals" else "mu", beta_loss=beta,
                    alpha_W=alpha, alpha_H="same", l1_ratio=l1_ratio, tol=1e-6, max_iter=2000)
        W = model.fit_transform(X, W=W0.copy(), H=H0.copy())
        reference = sklearn_objective(X, W, model.components_, beta, alpha, l1_ratio)
        output = os.path.join(work, "penalized_%s_%s_%g_%g.h5" % (solver, loss, alpha, l1_ratio))
        run_dnmf(["factorize", matrix_path, "-k", "5", "--solver", solver, "--loss", loss, "--alpha-w", str(alpha),
                  "--l1-ratio", str(l1_ratio), "--init", "file", "--init-file", start_path, "--max-iter", "2000",
                  "--tol", "1e-6", "-o", output])
        _, _, history, attributes = read_model(output)
        objective = history["objective"][-1]
        excess = (objective - reference) / reference
        ok = excess <= 1e-5 and float(attributes["l1_ratio"]) == l1_ratio
        print("penalized %-4s %-16s alpha %g, l1_ratio %.1f: objective %.9g after %d iterations (scikit-learn %.9g "
              "after %d), %+.1e relative -> %s" % (solver, loss, alpha, l1_ratio, objective,
                                                   len(history["objective"]) - 1, reference, model.n_iter_, excess,
                                                   "ok" if ok else "FAIL"))
        if not ok:
            failures.append("penalized %s %s %g %g" % (solver, loss, alpha, l1_ratio))


def dnmf_errors(work, name, matrix_path, start_path, loss, nranks=None):
    output = os.path.join(work, "%s_%s_np%d.h5" % (name, loss, nranks or ranks()))
    run_dnmf(["factorize", matrix_path, "-k", "5", "--solver", "mu", "--loss", loss, "--init", "file", "--init-file",
              start_path, "--max-iter", str(ITERATIONS), "--tol", "0", "-o", output], nranks=nranks)
    _, _, history, attributes = read_model(output)
    return history["error"], attributes


def prepare(work, name, X):
    from sklearn.decomposition._nmf import _initialize_nmf
    W0, H0 = _initialize_nmf(X, 5, init="nndsvda", random_state=0)
    matrix_path = os.path.join(work, name + ".h5")
    write_tfidf(matrix_path, X)
    start_path = os.path.join(work, name + "_start.h5")
    write_start(start_path, W0, H0)
    return matrix_path, start_path, W0, H0


def main(work):
    os.makedirs(work, exist_ok=True)
    seed = scipy.io.mmread(os.path.join(data_dir("20news4-tfidf"), "tfidf.mtx")).tocsr()
    part = seed_corner(seed)
    positive = sp.csr_matrix(part.toarray() + 0.01)
    cases = [("seed", seed, [("frobenius", 2.0), ("kullback-leibler", 1.0)]),
             ("part", part, [("0.5", 0.5), ("1.5", 1.5)]),
             ("positive", positive, [("itakura-saito", 0.0)])]
    failures = []
    for name, X, losses in cases:
        matrix_path, start_path, W0, H0 = prepare(work, name, X)
        for loss, beta in losses:
            reference = sklearn_errors(X, W0, H0, beta)
            errors, attributes = dnmf_errors(work, name, matrix_path, start_path, loss)
            worst = np.max(np.abs(errors - reference) / reference) if len(errors) == len(reference) else np.inf
            ok = worst <= 1e-9 and attributes["loss"] == loss
            print("%-8s %-16s %4d x %-5d error %.9g -> %.9g (scikit-learn %.9g), worst %.1e relative -> %s" % (
                name, loss, X.shape[0], X.shape[1], errors[0], errors[-1], reference[-1], worst,
                "ok" if ok else "FAIL"))
            if not ok:
                failures.append("%s %s" % (name, loss))
            if ranks() != 1:
                alone, _ = dnmf_errors(work, name, matrix_path, start_path, loss, nranks=1)
                apart = np.max(np.abs(alone - errors) / errors)
                ok = apart <= 1e-10
                print("%-8s %-16s 1 rank vs %d: %.1e relative -> %s" % (name, loss, ranks(), apart,
                                                                       "ok" if ok else "FAIL"))
                if not ok:
                    failures.append("%s %s ranks" % (name, loss))
        if name == "seed":
            check_penalties(work, X, matrix_path, start_path, W0, H0, failures)
    print("%d failed" % len(failures) if failures else "all losses agree with scikit-learn")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
