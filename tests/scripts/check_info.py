#!/usr/bin/env python3
"""`dnmf info` reports the file's shape and nonzeros and the row split P ranks would
read; the split is recomputed here from indptr by the documented rule (block j starts at
the first row whose indptr reaches nnz * j // P). Usage: check_info.py FILE.h5"""
import re
import sys

import h5py
import numpy as np

from harness import data_dir, run_dnmf


def main(path):
    data_dir("20news-bydate")
    with h5py.File(path, "r") as f:
        indptr = f["tfidf/indptr"][:]
        rows, columns = (int(x) for x in f["tfidf"].attrs["shape"])
    failures = []
    for ranks in (1, 3, 7):
        output = run_dnmf(["info", path, "--ranks", str(ranks)]).stdout
        nnz = int(indptr[-1])
        starts = [int(np.searchsorted(indptr, nnz * j // ranks, side="left")) for j in range(ranks)] + [rows]
        reported = [(int(a), int(b)) for a, b in re.findall(r"rank \d+\s+(\d+), (\d+)", output)]
        expected = [(starts[j], starts[j + 1] - starts[j]) for j in range(ranks)]
        if reported != expected:
            failures.append("split for %d ranks: %s, expected %s" % (ranks, reported, expected))
        if "%d documents x %d terms" % (rows, columns) not in output or "nonzeros  %d " % nnz not in output:
            failures.append("shape/nnz missing from:\n" + output)
    print("ok" if not failures else "FAIL: " + "\n".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
