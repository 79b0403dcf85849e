#!/usr/bin/env python3
"""End-to-end checks of `dnmf factorize` and `dnmf topics`.

  check_factorize.py seed WORKDIR      the seed matrix: hals and mu from nndsvda reach
                                       scikit-learn's errors (computed here, with
                                       scikit-learn, on its own TF-IDF) within 1e-4
                                       relative; the notebook's topics come out; hals and
                                       mu never increase the error
  check_factorize.py run WORKDIR       every solver, 30 iterations, at DNMF_RANKS ranks
  check_factorize.py compare DIR...    the runs at 1, 2, 3 and 4 ranks (one folder each)
                                       agree: final error to 1e-10 relative, W and H to 1e-8
  check_factorize.py threads WORKDIR   every solver at 2 ranks gives bitwise the same model
                                       and history with 1, 2 and 3 threads per rank
                                       (OMP_NUM_THREADS), and with 2 threads and
                                       --transposed-copy, at a topic count with a fixed-width
                                       kernel (7) and one without (33); and 1 rank x 2
                                       threads agrees with 2 ranks x 1 thread as rank counts do
"""
import glob
import os
import re
import sys

import numpy as np

from dnmf_h5 import read_model
from harness import check_notebook_topics, data_dir, ranks, run_dnmf

SEED_GROUPS = "alt.atheism,comp.graphics,sci.space,talk.religion.misc"
SOLVERS = ["hals", "mu", "kl-cd", "gd", "sgd", "adam"]


def seed_matrix(work):
    path = os.path.join(work, "seed.h5")
    if not os.path.exists(path):
        corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
        run_dnmf(["vectorize", corpus, "--groups", SEED_GROUPS, "--encoding", "latin-1",
                  "--strip", "headers,footers,quotes", "-o", path])
    return path


def carries_vectorizer(model, matrix):
    """Whether `model` holds `matrix`'s /idf, /document_frequency and, as attributes of
    /vectorizer, its root attributes but format and format_version."""
    import h5py
    with h5py.File(model, "r") as m, h5py.File(matrix, "r") as t:
        options = {k: v for k, v in t.attrs.items() if k not in ("format", "format_version")}
        carried = dict(m["vectorizer"].attrs)
        return (np.array_equal(m["idf"][:], t["idf"][:])
                and np.array_equal(m["document_frequency"][:], t["document_frequency"][:])
                and options.keys() == carried.keys() and all(np.array_equal(options[k], carried[k]) for k in options))


def seed(work):
    import scipy.io
    from sklearn.decomposition import NMF
    matrix = seed_matrix(work)
    reference = scipy.io.mmread(os.path.join(data_dir("20news4-tfidf"), "tfidf.mtx")).tocsr()
    failures = []
    for solver, sklearn_solver in (("hals", "cd"), ("mu", "mu")):
        model = NMF(n_components=5, solver=sklearn_solver, init="nndsvda", random_state=0, max_iter=200, tol=1e-4)
        model.fit_transform(reference)
        target = model.reconstruction_err_
        output = os.path.join(work, "seed_%s.h5" % solver)
        run_dnmf(["factorize", matrix, "-k", "5", "--solver", solver, "--init", "nndsvda", "-o", output])
        _, _, history, attributes = read_model(output)
        final = float(attributes["final_error"])
        ok = final <= target * (1 + 1e-4)
        print("%-5s |V-WH| %.6f after %d iterations; scikit-learn's %s: %.6f -> %s" %
              (solver, final, int(attributes["iterations"]), sklearn_solver, target, "ok" if ok else "FAIL"))
        if not ok:
            failures.append(solver + " error")
        increases = np.diff(history["error"])
        worst = increases.max() / history["error"][0]
        ok = worst <= 1e-13
        print("%-5s error never increases (largest step %+.2e relative) -> %s" % (solver, worst, "ok" if ok else "FAIL"))
        if not ok:
            failures.append(solver + " monotone")
        if solver == "hals":
            check_notebook_topics(output, failures)
            carried = carries_vectorizer(output, matrix)
            print("hals model carries the TF-IDF file's idf, document frequencies and options -> %s" % (
                "ok" if carried else "FAIL"))
            if not carried:
                failures.append("vectorizer carried")
    # --precision single: V H^T from H rounded to float moves the model by about float's
    # rounding (6e-8) relative, far from anything a user would see in the topics.
    double_model = os.path.join(work, "seed_hals.h5")
    single_model = os.path.join(work, "seed_hals_single.h5")
    run_dnmf(["factorize", matrix, "-k", "5", "--precision", "single", "-o", single_model])
    W, H, _, attributes = read_model(single_model)
    W1, H1, _, attributes1 = read_model(double_model)
    error = abs(float(attributes["final_error"]) - float(attributes1["final_error"])) / float(
        attributes1["final_error"])
    h = np.max(np.abs(H - H1)) / np.max(np.abs(H1))
    ok = error <= 1e-6 and h <= 1e-3
    print("hals --precision single vs double: error %.1e, H %.1e relative, %s vs %s iterations -> %s" % (
        error, h, attributes["iterations"], attributes1["iterations"], "ok" if ok else "FAIL"))
    if not ok:
        failures.append("precision single")
    # Progress lines: stderr is no terminal here, so a plain line every --progress-seconds,
    # from rank 0 alone, its iteration rising.
    completed = run_dnmf(["factorize", matrix, "-k", "5", "--max-iter", "60", "--tol", "0", "--progress-seconds",
                          "0.01", "-o", os.path.join(work, "seed_progress.h5")])
    found = [int(m.group(1)) for m in re.finditer(r"^dnmf factorize: iteration (\d+) of 60 \(\d+%\), relative error "
                                                   r"[0-9.]+, [0-9.e-]+ s/iteration, (ETA [0-9hmins ]+)?$",
                                                   completed.stderr, re.M)]
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    ok = 0 < len(found) == len(lines) and found == sorted(set(found))
    print("progress lines: %d, iterations %s -> %s" % (len(lines), found[:3] + ["..."] + found[-2:] if len(found) > 5
                                                       else found, "ok" if ok else "FAIL:\n" + completed.stderr))
    if not ok:
        failures.append("progress lines")
    print("%d passed, %d failed" % (10 - len(failures), len(failures)))
    return 1 if failures else 0


def run(work):
    matrix = seed_matrix(work)
    for solver in SOLVERS:
        output = os.path.join(work, "%s_np%d.h5" % (solver, ranks()))
        # gd and sgd at their default rate multiply entries below mu by 1 - lr lambda = -9,
        # so which entries cross mu depends on the last bits of sums that are added in a
        # different order on different rank counts; at lr 1e-3 the factor is 0.
        rate = ["--lr", "1e-3"] if solver in ("gd", "sgd") else []
        run_dnmf(["factorize", matrix, "-k", "5", "--solver", solver, "--init", "nndsvdar", "--seed", "7",
                  "--max-iter", "30", "--tol", "0", "--batch-size", "300", "-o", output] + rate)
    # A batch of 3 documents: at 4 ranks some rank holds none of its rows and must add
    # nothing to H's batch gradient.
    run_dnmf(["factorize", matrix, "-k", "5", "--solver", "sgd", "--init", "nndsvdar", "--seed", "7", "--max-iter",
              "30", "--tol", "0", "--batch-size", "3", "--lr", "1e-3", "-o",
              os.path.join(work, "sgd-batch3_np%d.h5" % ranks())])
    # More ranks than documents, and the default --tol: every rank must take the same
    # stopping decision even where rounding could differ (a hang here once).
    import scipy.sparse as sp
    from dnmf_h5 import write_tfidf
    tiny = os.path.join(work, "tiny.h5")
    write_tfidf(tiny, sp.csr_matrix(np.array([[1.0, 2.0, 0.0, 0.5], [0.0, 1.0, 3.0, 0.0]])))
    for solver in SOLVERS:
        run_dnmf(["factorize", tiny, "-k", "2", "--solver", solver, "-o", os.path.join(work, "tiny_model.h5")],
                 timeout=60)
    print("ran %s at %d ranks, on the seed matrix and on a 2-row matrix" % (", ".join(SOLVERS), ranks()))
    return 0


def agree(model, reference):
    """Relative differences of final error, W and H between two models."""
    W1, H1, _, attributes1 = read_model(reference)
    W, H, _, attributes = read_model(model)
    error = abs(float(attributes["final_error"]) - float(attributes1["final_error"])) / float(
        attributes1["final_error"])
    w = np.max(np.abs(W - W1)) / max(np.max(np.abs(W1)), 1e-300)
    h = np.max(np.abs(H - H1)) / max(np.max(np.abs(H1)), 1e-300)
    return error, w, h, error <= 1e-10 and w <= 1e-8 and h <= 1e-8


def threads(work):
    matrix = seed_matrix(work)
    failures = []
    cases = [(solver, 7) for solver in SOLVERS] + [("hals", 33), ("mu", 33)]
    for solver, k in cases:
        rate = ["--lr", "1e-3"] if solver in ("gd", "sgd") else []
        def factorize(nranks, nthreads, extra=()):
            output = os.path.join(work, "%s_k%d_%dx%d%s.h5" % (solver, k, nranks, nthreads, "".join(extra)))
            os.environ["OMP_NUM_THREADS"] = str(nthreads)
            run_dnmf(["factorize", matrix, "-k", str(k), "--solver", solver, "--init", "nndsvdar", "--seed", "7",
                      "--max-iter", "12", "--tol", "0", "--batch-size", "300", "-o", output] + rate + list(extra),
                     nranks)
            return output
        single = factorize(2, 1)
        W1, H1, history1, _ = read_model(single)
        # --transposed-copy changes how V^T W is summed (gathered by column), not the order.
        for nthreads, extra in ((2, ()), (3, ()), (2, ("--transposed-copy",))):
            W, H, history, _ = read_model(factorize(2, nthreads, extra))
            same = (np.array_equal(W, W1) and np.array_equal(H, H1) and
                    np.array_equal(history["error"], history1["error"]))
            print("%-5s k=%-2d 2 ranks x %d threads%s vs x 1: %s" % (solver, k, nthreads, " ".join(("",) + extra),
                                                                   "bitwise equal" if same else "FAIL"))
            if not same:
                failures.append("%s k=%d %d threads %s" % (solver, k, nthreads, " ".join(extra)))
        error, w, h, ok = agree(factorize(1, 2), single)
        print("%-5s k=%-2d 1 rank x 2 threads vs 2 ranks x 1: error %.1e, W %.1e, H %.1e -> %s" % (
            solver, k, error, w, h, "ok" if ok else "FAIL"))
        if not ok:
            failures.append("%s k=%d 1x2" % (solver, k))
    del os.environ["OMP_NUM_THREADS"]
    print("%d passed, %d failed" % (4 * len(cases) - len(failures), len(failures)))
    return 1 if failures else 0


def compare(folders):
    data_dir("20news-bydate")
    failures = []
    compared = SOLVERS + ["sgd-batch3"]
    for solver in compared:
        runs = sorted(path for folder in folders for path in glob.glob(os.path.join(folder, "%s_np*.h5" % solver)))
        if len(runs) < 4:
            failures.append("%s: only %d rank counts ran" % (solver, len(runs)))
            continue
        for other in runs[1:]:
            error, w, h, ok = agree(other, runs[0])
            print("%-5s %s vs %s: error %.1e, W %.1e, H %.1e -> %s" % (
                solver, os.path.basename(other), os.path.basename(runs[0]), error, w, h, "ok" if ok else "FAIL"))
            if not ok:
                failures.append(solver)
    print("%d passed, %d failed" % (len(compared) - len(set(failures)), len(set(failures))))
    return 1 if failures else 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "compare":
        sys.exit(compare(sys.argv[2:]))
    os.makedirs(sys.argv[2], exist_ok=True)
    sys.exit({"seed": seed, "run": run, "threads": threads}[mode](sys.argv[2]))
