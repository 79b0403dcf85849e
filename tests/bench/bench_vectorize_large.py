#!/usr/bin/env python3
"""Benchmark: `dnmf vectorize` on a corpus of several GB, as large corpora come: JSON
Lines, gzip-compressed and plain, against scikit-learn on the same documents.

Usage: bench_vectorize_large.py [--gigabytes G] [--files F] [--ranks P] [--workdir DIR]
                                [--skip-sklearn]

The corpus is the 20 Newsgroups posts (train and test, read as Latin-1) repeated with
varied ids until it holds G GB of text (default 2), written as F JSON Lines files
(default 8) twice: gzip-compressed (level 1) and plain. Then, in one run:
- dnmf vectorize on P ranks (default 2) of each form: the wall time of the whole command,
  MB/s of text per rank, and the share of each phase dnmf reports;
- `cat FILES > /dev/null` of each form (the page cache is warm for both: the files were
  just written), as the machine's rate of reading the same bytes;
- scikit-learn's TfidfVectorizer on the same documents, loaded as it would load them
  (gzip, then json.loads per line), timed from the files to the matrix, and the ratio.
The two matrices are checked for the same shape and the same number of nonzeros.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from harness import data_dir, run_dnmf, use_build_tree, work_folder  # noqa: E402


def read_posts():
    posts = []
    root = data_dir("20news-bydate")
    for split in ("20news-bydate-train", "20news-bydate-test"):
        folder = os.path.join(root, split)
        for group in sorted(os.listdir(folder)):
            for name in sorted(os.listdir(os.path.join(folder, group))):
                with open(os.path.join(folder, group, name), "rb") as f:
                    posts.append((group, f.read().decode("latin-1")))
    return posts


def write_corpus(work, posts, target_bytes, files):
    """F plain and F gzip JSON Lines files; returns their paths and the text bytes."""
    plain = [os.path.join(work, "part-%02d.jsonl" % f) for f in range(files)]
    packed = [path + ".gz" for path in plain]
    outputs = [open(path, "wb") for path in plain]
    written = 0
    documents = 0
    repeat = 0
    while written < target_bytes:
        for number, (group, text) in enumerate(posts):
            line = (json.dumps({"id": "%d-%d" % (repeat, number), "group": group, "text": text}) + "\n").encode()
            outputs[documents % files].write(line)
            written += len(line)
            documents += 1
            if written >= target_bytes:
                break
        repeat += 1
    for output in outputs:
        output.close()
    for source, target in zip(plain, packed):
        with open(source, "rb") as f, gzip.open(target, "wb", compresslevel=1) as g:
            shutil.copyfileobj(f, g, 16 << 20)
    return plain, packed, written, documents


def timed_cat(paths):
    started = time.perf_counter()
    subprocess.run(["cat"] + paths, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def dnmf_run(paths, output, ranks):
    started = time.perf_counter()
    completed = run_dnmf(["vectorize"] + paths + ["--format", "jsonl", "--id-field", "id", "--label-field", "group",
                                                  "--progress-seconds", "0", "-o", output], nranks=ranks, timeout=7200)
    wall = time.perf_counter() - started
    phases = dict((name, float(seconds)) for name, seconds in
                  re.findall(r"(\w+) ([0-9.]+) s,", re.search(r"time (.*)", completed.stdout).group(1)))
    shape = re.search(r"(\d+) documents .* x (\d+) terms, (\d+) nonzeros", completed.stdout)
    return wall, phases, tuple(int(x) for x in shape.groups()), completed.stdout


def sklearn_run(paths):
    from sklearn.feature_extraction.text import TfidfVectorizer
    started = time.perf_counter()
    texts = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f]
    loaded = time.perf_counter() - started
    matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return time.perf_counter() - started, loaded, matrix


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--skip-sklearn", action="store_true")
    arguments = parser.parse_args()
    with work_folder(arguments.workdir, "dnmf-bench-large-") as work:
        started = time.perf_counter()
        plain, packed, size, documents = write_corpus(work, read_posts(), int(arguments.gigabytes * 1e9),
                                                      arguments.files)
        packed_size = sum(os.path.getsize(path) for path in packed)
        print("corpus: %d documents, %.2f GB of JSON Lines in %d files, %.2f GB gzip-compressed (written in %.0f s)"
              % (documents, size / 1e9, arguments.files, packed_size / 1e9, time.perf_counter() - started))
        results = {}
        for form, paths, on_disk in (("jsonl.gz", packed, packed_size), ("jsonl", plain, size)):
            wall, phases, shape, _ = dnmf_run(paths, os.path.join(work, "tfidf.h5"), arguments.ranks)
            cat = timed_cat(paths)
            results[form] = (wall, shape)
            total = sum(phases.get(name, 0.0) for name in ("list", "tokenize", "vocabulary", "weight", "write"))
            shares = ", ".join("%s %.0f%%" % (name, 100 * phases[name] / total) for name in
                               ("list", "tokenize", "vocabulary", "weight", "write") if name in phases)
            print("dnmf %-8s %8.1f s whole command on %d ranks: %6.1f MB/s of text per rank; cat of the same "
                  "%.2f GB: %.1f s (%.0f MB/s); phases: %s"
                  % (form, wall, arguments.ranks, size / 1e6 / wall / arguments.ranks, on_disk / 1e9, cat,
                     on_disk / 1e6 / cat, shares))
            print("     %d documents x %d terms, %d nonzeros" % shape)
        if not arguments.skip_sklearn:
            seconds, loaded, matrix = sklearn_run(packed)
            print("scikit-learn TfidfVectorizer from the jsonl.gz files: %.1f s (of which %.1f s loading), "
                  "%d x %d, %d nonzeros" % (seconds, loaded, matrix.shape[0], matrix.shape[1], matrix.nnz))
            same = (matrix.shape[0], matrix.shape[1], matrix.nnz) == results["jsonl.gz"][1]
            for form, (wall, _) in results.items():
                print("ratio scikit-learn / dnmf (%s, %d ranks): %.1fx" % (form, arguments.ranks, seconds / wall))
            print("same shape and nonzeros as scikit-learn: %s" % ("yes" if same else "NO"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
