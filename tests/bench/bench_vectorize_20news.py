#!/usr/bin/env python3
"""Benchmark: TF-IDF of all of 20 Newsgroups (20 groups, train and test: 18,846 posts),
dnmf at 1 and 2 ranks against scikit-learn, same cleaning, same vectorizer, in one run.

Usage: bench_vectorize_20news.py [--repeat N]   (dnmf from DNMF_BINARY, default build/dnmf;
data from DNMF_DATA, default ../shared/data)

scikit-learn's time covers what fetch_20newsgroups + TfidfVectorizer do from the files:
read as Latin-1, strip headers/footers/quotes, fit_transform. dnmf's is the wall time of
the whole `mpirun dnmf vectorize` command (MPI start-up, reading, writing the HDF5 file
included) and, beside it, the time dnmf reports for its own work. The two matrices are
compared entry by entry, so the figures are for the same result. Best of N runs each.
"""
import argparse
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer, strip_newsgroup_header,  # noqa: E402
                                                 strip_newsgroup_quoting)
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from dnmf_h5 import read_tfidf  # noqa: E402
from harness import data_dir, run_dnmf, use_build_tree  # noqa: E402


def list_posts(folders):
    """(id, path) of every post, in dnmf's row order: inputs in order, paths sorted within."""
    posts = []
    for folder in folders:
        base = os.path.basename(folder)
        found = []
        for group in os.listdir(folder):
            for name in os.listdir(os.path.join(folder, group)):
                found.append((base + "/" + group + "/" + name, os.path.join(folder, group, name)))
        posts += sorted(found, key=lambda post: post[0].encode("utf-8"))
    return posts


def sklearn_tfidf(posts):
    texts = []
    for _, path in posts:
        with open(path, "rb") as f:
            texts.append(f.read().decode("latin-1"))
    texts = [strip_newsgroup_header(t) for t in texts]
    texts = [strip_newsgroup_footer(t) for t in texts]
    texts = [strip_newsgroup_quoting(t) for t in texts]
    vectorizer = TfidfVectorizer(stop_words="english")
    return vectorizer.fit_transform(texts), vectorizer.get_feature_names_out()


def dnmf_tfidf(folders, output, ranks):
    started = time.perf_counter()
    completed = run_dnmf(["vectorize"] + folders + ["--encoding", "latin-1", "--strip", "headers,footers,quotes",
                                                    "-o", output], nranks=ranks)
    wall = time.perf_counter() - started
    own = float(re.search(r"total ([0-9.]+) s", completed.stdout).group(1))
    return wall, own


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    root = data_dir("20news-bydate")
    folders = [os.path.join(root, "20news-bydate-train"), os.path.join(root, "20news-bydate-test")]
    posts = list_posts(folders)
    print("corpus: %d posts, %.1f MB (20 groups, train + test)" %
          (len(posts), sum(os.path.getsize(p) for _, p in posts) / 1e6))

    sklearn_seconds = []
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        expected, vocabulary = sklearn_tfidf(posts)
        sklearn_seconds.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as work:
        results = {}
        for ranks in (1, 2):
            output = os.path.join(work, "np%d.h5" % ranks)
            runs = [dnmf_tfidf(folders, output, ranks) for _ in range(arguments.repeat)]
            results[ranks] = (min(r[0] for r in runs), min(r[1] for r in runs))
            matrix, dnmf_vocabulary, documents, _, _, _ = read_tfidf(output)
            same = (list(dnmf_vocabulary) == list(vocabulary) and documents == [p[0] for p in posts]
                    and abs(matrix - expected).max() <= 1e-12)
            if not same:
                print("MISMATCH: dnmf at %d ranks differs from scikit-learn" % ranks)
                return 1
    best_sklearn = min(sklearn_seconds)
    print("same matrix: %d x %d, %d nonzeros, equal to scikit-learn within 1e-12" %
          (expected.shape[0], expected.shape[1], expected.nnz))
    print()
    print("%-28s %10s %14s %12s" % ("", "seconds", "vs sklearn", ""))
    print("%-28s %10.3f %14s" % ("scikit-learn 1 process", best_sklearn, "1.0x"))
    for ranks in (1, 2):
        wall, own = results[ranks]
        print("%-28s %10.3f %13.1fx   (dnmf's own time %.3f s: %.1fx)" %
              ("dnmf %d rank%s (mpirun wall)" % (ranks, "s" if ranks > 1 else ""), wall, best_sklearn / wall, own,
               best_sklearn / own))
    print()
    print("target: >= 10x faster than scikit-learn at 2 ranks -> %s (wall %.1fx)" %
          ("met" if best_sklearn / results[2][0] >= 10 else "NOT met", best_sklearn / results[2][0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
