#!/usr/bin/env python3
"""Benchmark: memory of `dnmf vectorize` on a synthetic corpus of at least 1 GB.

Usage: bench_vectorize_memory.py [--gigabytes G] [--ranks P] [--workdir DIR] [--keep]

Writes G GB (default 1.1) of text, one document per line, words drawn from a Zipf
distribution over a synthetic vocabulary (so document frequencies look like a real
corpus), runs dnmf vectorize on P ranks (default 2) and prints each rank's peak resident
memory beside its share of the input bytes, and the ratio of the two.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from harness import parse_size, run_dnmf, use_build_tree  # noqa: E402


def write_corpus(path, target_bytes, seed=1):
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    vocabulary = [bytes(rng.choice(letters, size=rng.integers(3, 11))) for _ in range(200_000)]
    vocabulary = np.array(vocabulary, dtype=object)
    written = 0
    documents = 0
    with open(path, "wb") as out:
        while written < target_bytes:
            lengths = rng.integers(20, 300, size=2000)
            words = vocabulary[np.minimum(rng.zipf(1.3, size=lengths.sum()) - 1, len(vocabulary) - 1)]
            starts = np.concatenate(([0], np.cumsum(lengths)))
            chunk = b"".join(b" ".join(words[starts[i]:starts[i + 1]]) + b"\n" for i in range(len(lengths)))
            out.write(chunk)
            written += len(chunk)
            documents += len(lengths)
    return written, documents


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.1)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the corpus and the output")
    arguments = parser.parse_args()
    work = arguments.workdir or tempfile.mkdtemp(prefix="dnmf-bench-memory-")
    os.makedirs(work, exist_ok=True)
    corpus = os.path.join(work, "corpus.txt")
    try:
        started = time.perf_counter()
        size, documents = write_corpus(corpus, int(arguments.gigabytes * 1e9))
        print("corpus: %.2f GB, %d documents, one per line (written in %.0f s)" %
              (size / 1e9, documents, time.perf_counter() - started))
        started = time.perf_counter()
        completed = run_dnmf(["vectorize", corpus, "--format", "lines", "-o", os.path.join(work, "tfidf.h5")],
                             nranks=arguments.ranks, timeout=3600)
        wall = time.perf_counter() - started
        print(completed.stdout, end="")
        memory_line = re.search(r"per rank:(.*)", completed.stdout).group(1)
        pairs = [tuple(parse_size(x.strip()) for x in part.split("/")) for part in memory_line.split(",")]
        print()
        print("%-6s %18s %18s %8s" % ("rank", "peak resident", "input share", "ratio"))
        for rank, (peak, share) in enumerate(pairs):
            print("%-6d %15.0f MiB %15.0f MiB %7.2fx" % (rank, peak / 2**20, share / 2**20, peak / share))
        print("wall time %.1f s on %d ranks (%.0f MB/s of text)" % (wall, arguments.ranks, size / 1e6 / wall))
    finally:
        if not arguments.keep and arguments.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
