#!/usr/bin/env python3
"""Checks that dnmf files made at different rank counts hold identical datasets, byte for
byte, and identical attributes. Usage: compare_outputs.py FIRST.h5 OTHER.h5..."""
import sys

import h5py

from dnmf_h5 import identical_datasets
from harness import data_dir


def attributes(path):
    with h5py.File(path, "r") as f:
        return {k: (v.tobytes() if hasattr(v, "tobytes") else v) for k, v in f.attrs.items()}


def main(first, others):
    data_dir("20news-bydate")  # the files come from the seed corpus: skip/fail as it does
    failures = 0
    for other in others:
        differing = identical_datasets(first, other)
        if attributes(first) != attributes(other):
            differing.append("root attributes")
        print("%s vs %s: %s" % (first, other, "identical" if not differing else "DIFFER in " + ", ".join(differing)))
        failures += bool(differing)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
