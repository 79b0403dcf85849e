#!/usr/bin/env python3
"""hals recovers planted topics: dnmf_generate writes a matrix whose documents mix two of
T topics with disjoint term blocks; hals with k = T must find each one. Topics are
matched one to one (Hungarian assignment on the cosine of H's rows against the planted
rows) and every match needs cosine >= 0.9.

Usage: check_planted.py WORKDIR   (DNMF_GENERATE names the generator; see harness.py)
"""
import os
import subprocess
import sys

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment

from dnmf_h5 import read_model
from harness import dnmf_command, ranks, run_dnmf

TOPICS = 8


def main(work):
    os.makedirs(work, exist_ok=True)
    matrix, truth, model = (os.path.join(work, name) for name in ("planted.h5", "truth.h5", "model.h5"))
    command = dnmf_command([], ranks())[:-1] + [os.environ["DNMF_GENERATE"], matrix, "--rows", "6000", "--columns",
                                                "4000", "--nnz", "300000", "--topics", str(TOPICS), "--truth", truth]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL)
    run_dnmf(["factorize", matrix, "-k", str(TOPICS), "--solver", "hals", "-o", model])
    _, H, _, _ = read_model(model)
    with h5py.File(truth, "r") as f:
        planted = f["H"][:]
    normalize = lambda X: X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-300)
    cosine = normalize(H) @ normalize(planted).T
    found, planted_index = linear_sum_assignment(-cosine)
    matched = cosine[found, planted_index]
    print("cosine of each recovered topic with its planted match: " + " ".join("%.3f" % c for c in sorted(matched)))
    ok = matched.min() >= 0.9
    print("%d passed, %d failed (%d ranks)" % (int(ok), int(not ok), ranks()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
