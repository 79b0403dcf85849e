#!/usr/bin/env python3
"""Benchmark: memory of `dnmf vectorize` is bounded by what it keeps, not what it reads.

Usage: bench_vectorize_memory.py [--gigabytes G[,G2...]] [--ranks P] [--workdir DIR] [--keep]

For each size (default 1,4 GB) writes that much text, one document per line, words drawn
from a Zipf distribution over a synthetic vocabulary (so document frequencies look like a
real corpus), runs dnmf vectorize on P ranks (default 2) and prints per rank: peak
resident memory, its share of the input, the term counts and term table it kept, and its
CSR rows. Then, between the smallest and the largest size: the growth of each rank's peak
against the growth of its counts, and each peak against the target (its CSR rows plus
256 MiB). dnmf reads in bounded chunks and keeps only counts, so the peak should follow
the counts, not the input.
"""
import argparse
import os
import re
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from harness import parse_size, run_dnmf, use_build_tree, work_folder  # noqa: E402


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


def measure(work, gigabytes, ranks):
    """Writes the corpus, vectorizes it; returns a list of per-rank dicts."""
    corpus = os.path.join(work, "corpus-%g.txt" % gigabytes)
    started = time.perf_counter()
    size, documents = write_corpus(corpus, int(gigabytes * 1e9))
    print("corpus: %.2f GB, %d documents, one per line (written in %.0f s)" %
          (size / 1e9, documents, time.perf_counter() - started))
    started = time.perf_counter()
    completed = run_dnmf(["vectorize", corpus, "--format", "lines", "-o", os.path.join(work, "tfidf.h5")],
                         nranks=ranks, timeout=7200)
    wall = time.perf_counter() - started
    print(completed.stdout, end="")
    os.remove(corpus)

    def pairs(label):
        line = re.search(label + r".*per rank:(.*)", completed.stdout).group(1)
        return [tuple(parse_size(x.strip()) for x in part.split("/")) for part in line.split(",")]
    memory, counts = pairs("memory"), pairs("counts")
    print("wall time %.1f s on %d ranks (%.0f MB/s of text)\n" % (wall, ranks, size / 1e6 / wall))
    return [dict(peak=peak, share=share, counts=kept, rows=rows) for (peak, share), (kept, rows) in zip(memory, counts)]


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", default="1,4", help="input sizes in GB, comma-separated")
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the output")
    arguments = parser.parse_args()
    sizes = [float(x) for x in arguments.gigabytes.split(",")]
    with work_folder(arguments.workdir, "dnmf-bench-memory-", keep=arguments.keep) as work:
        mib = 2.0**20
        results = {size: measure(work, size, arguments.ranks) for size in sizes}
        print("%-5s %-5s %12s %12s %12s %12s %12s" % ("GB", "rank", "peak MiB", "input MiB", "counts MiB",
                                                      "CSR MiB", "peak/input"))
        for size in sizes:
            for rank, r in enumerate(results[size]):
                print("%-5g %-5d %12.0f %12.0f %12.1f %12.1f %11.2fx" % (size, rank, r["peak"] / mib, r["share"] / mib,
                                                                     r["counts"] / mib, r["rows"] / mib,
                                                                     r["peak"] / r["share"]))
        small, large = results[min(sizes)], results[max(sizes)]
        print()
        print("%-5s %16s %16s %16s %22s" % ("rank", "peak growth MiB", "counts growth", "CSR growth",
                                            "peak - (CSR + 256 MiB)"))
        for rank, (a, b) in enumerate(zip(small, large)):
            print("%-5d %16.0f %16.0f %16.0f %22.0f %s" % (
                rank, (b["peak"] - a["peak"]) / mib, (b["counts"] - a["counts"]) / mib, (b["rows"] - a["rows"]) / mib,
                (b["peak"] - b["rows"] - 256 * mib) / mib, "(met)" if b["peak"] <= b["rows"] + 256 * mib else "(over)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
