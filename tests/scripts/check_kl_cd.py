#!/usr/bin/env python3
"""dnmf kl-cd (coordinate descent with safeguarded Newton steps on the Kullback-Leibler
loss) against a numpy transcription of its update, and on the seed corpus.

Usage: check_kl_cd.py WORKDIR   (dnmf and the rank count come from the environment)

1. From scikit-learn's nndsvda start on the first 300 seed documents and the 2000 terms
   they use most (k = 5), dnmf's errors and objectives over 10 iterations match the numpy
   loop below within 1e-9 relative, without penalties and with alpha_W = 1e-4,
   l1_ratio 0.5; one rank agrees with the others within 1e-10.
2. On the seed matrix (k = 5, dnmf's defaults but the solver), the objective never
   increases, the final KL error is at or below scikit-learn mu's (tol 1e-4) from the same
   kind of start, and the topics contain the notebook's space, religion and graphics ones.
"""
import os
import sys

import numpy as np
import scipy.io

from dnmf_h5 import read_model, write_tfidf
from check_losses import prepare
from harness import check_notebook_topics, data_dir, ranks, run_dnmf, seed_corner

EPSILON = np.finfo(np.float32).eps


def safeguarded_step(x, sum_a, sum_b, c, l1, l2):
    """The step of src/nmf/solver_kl_cd.cpp's header, element-wise."""
    gradient = c + l1 + l2 * x - sum_a
    curvature = sum_b + l2
    with np.errstate(divide="ignore", invalid="ignore"):
        newton = np.where(curvature > 0, np.maximum(0.0, x - gradient / curvature), np.where(gradient > 0, 0.0, x))
        linear = c + l1
        if l2 > 0:
            mm = (np.sqrt(linear * linear + 4 * l2 * x * sum_a) - linear) / (2 * l2)
        else:
            mm = np.where(linear > 0, x * sum_a / linear, x)
    return np.where(gradient < 0, newton, np.where(gradient > 0, np.maximum(newton, mm), x))


def kl_error(X, W, H):
    from sklearn.decomposition._nmf import _beta_divergence
    return _beta_divergence(X, W, H, 1, square_root=True)


def reference_run(X, W, H, iterations, alpha, l1_ratio):
    """(errors, objectives) of the numpy transcription: every row of W (components in
    order, WH at the row's entries moved after each), then every row of H, WH carried on
    from the W sweep and recomputed only at the start of each iteration."""
    W, H = W.copy(), H.copy()
    n_samples, n_features = X.shape
    l1_w, l2_w = alpha * l1_ratio * n_features, alpha * (1 - l1_ratio) * n_features
    l1_h, l2_h = alpha * l1_ratio * n_samples, alpha * (1 - l1_ratio) * n_samples
    rows = np.repeat(np.arange(n_samples), np.diff(X.indptr))

    def objective(error):
        return (error ** 2 / 2 + l1_w * W.sum() + l2_w / 2 * (W ** 2).sum() + l1_h * H.sum()
                + l2_h / 2 * (H ** 2).sum())

    errors = [kl_error(X, W, H)]
    objectives = [objective(errors[0])]
    for _ in range(iterations):
        product = np.einsum("ek,ke->e", W[rows], H[:, X.indices])
        h_sums = H.sum(axis=1)
        for i in range(n_samples):
            entries = slice(X.indptr[i], X.indptr[i + 1])
            columns, values = X.indices[entries], X.data[entries]
            for t in range(H.shape[0]):
                a = H[t, columns]
                safe = np.where(product[entries] == 0, EPSILON, product[entries])
                ratio = values / safe
                new = safeguarded_step(W[i, t], (a * ratio).sum(), (a * a * ratio / safe).sum(), h_sums[t], l1_w, l2_w)
                product[entries] += (new - W[i, t]) * a
                W[i, t] = new
        w_sums = W.sum(axis=0)
        for t in range(H.shape[0]):
            safe = np.where(product == 0, EPSILON, product)
            ratio = X.data / safe
            weight = W[rows, t]
            sum_a = np.bincount(X.indices, weight * ratio, minlength=n_features)
            sum_b = np.bincount(X.indices, weight * weight * ratio / safe, minlength=n_features)
            new = safeguarded_step(H[t], sum_a, sum_b, w_sums[t], l1_h, l2_h)
            product += weight * (new - H[t])[X.indices]
            H[t] = new
        errors.append(kl_error(X, W, H))
        objectives.append(objective(errors[-1]))
    return np.array(errors), np.array(objectives)


def dnmf_run(work, name, matrix, start, iterations, alpha, l1_ratio, nranks=None):
    output = os.path.join(work, "%s_np%d.h5" % (name, nranks or ranks()))
    run_dnmf(["factorize", matrix, "-k", "5", "--solver", "kl-cd", "--init", "file", "--init-file", start,
              "--alpha-w", str(alpha), "--l1-ratio", str(l1_ratio), "--max-iter", str(iterations), "--tol", "0", "-o",
              output], nranks=nranks)
    _, _, history, _ = read_model(output)
    return history["error"], history["objective"]


def against_numpy(work, seed, failures):
    part = seed_corner(seed)
    matrix, start, W0, H0 = prepare(work, "part", part)
    for alpha, l1_ratio in ((0.0, 0.0), (1e-4, 0.5)):
        name = "part_alpha%g" % alpha
        errors, objectives = dnmf_run(work, name, matrix, start, 10, alpha, l1_ratio)
        reference_errors, reference_objectives = reference_run(part, W0, H0, 10, alpha, l1_ratio)
        worst = max(np.max(np.abs(errors - reference_errors) / reference_errors),
                    np.max(np.abs(objectives - reference_objectives) / reference_objectives))
        ok = worst <= 1e-9
        print("kl-cd alpha %g: error %.9g -> %.9g (numpy %.9g), worst %.1e relative -> %s" % (
            alpha, errors[0], errors[-1], reference_errors[-1], worst, "ok" if ok else "FAIL"))
        if not ok:
            failures.append("numpy alpha %g" % alpha)
        if ranks() != 1:
            alone, _ = dnmf_run(work, name, matrix, start, 10, alpha, l1_ratio, nranks=1)
            apart = np.max(np.abs(alone - errors) / errors)
            ok = apart <= 1e-10
            print("kl-cd alpha %g: 1 rank vs %d: %.1e relative -> %s" % (alpha, ranks(), apart, "ok" if ok else "FAIL"))
            if not ok:
                failures.append("ranks alpha %g" % alpha)


def on_the_seed(work, seed, failures):
    from sklearn.decomposition import NMF
    matrix = os.path.join(work, "seed.h5")
    with open(os.path.join(data_dir("20news4-tfidf"), "vocab.txt"), encoding="utf-8") as f:
        vocabulary = f.read().splitlines()
    write_tfidf(matrix, seed, vocabulary=vocabulary)
    output = os.path.join(work, "seed_kl_cd.h5")
    run_dnmf(["factorize", matrix, "-k", "5", "--solver", "kl-cd", "-o", output])
    _, _, history, attributes = read_model(output)
    steps = np.diff(history["objective"]) / history["objective"][0]
    reference = NMF(n_components=5, solver="mu", beta_loss="kullback-leibler", init="nndsvda", random_state=0,
                    max_iter=1000).fit(seed).reconstruction_err_
    final = history["error"][-1]
    ok = steps.max() <= 1e-13 and final <= reference and attributes["loss"] == "kullback-leibler"
    print("kl-cd on the seed: KL error %.6f after %d iterations (scikit-learn mu %.6f), largest objective step "
          "%+.1e relative -> %s" % (final, len(steps), reference, steps.max(), "ok" if ok else "FAIL"))
    if not ok:
        failures.append("seed")
    check_notebook_topics(output, failures)


def main(work):
    os.makedirs(work, exist_ok=True)
    seed = scipy.io.mmread(os.path.join(data_dir("20news4-tfidf"), "tfidf.mtx")).tocsr()
    failures = []
    against_numpy(work, seed, failures)
    on_the_seed(work, seed, failures)
    print("%d failed" % len(failures) if failures else "kl-cd: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
