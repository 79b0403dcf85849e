#!/usr/bin/env python3
"""Acceptance check of `dnmf vectorize` against scikit-learn's TF-IDF of the seed corpus.

Usage: check_seed_tfidf.py DNMF_OUTPUT.h5 REFERENCE_DIR
       check_seed_tfidf.py --run DNMF_OUTPUT.h5   (runs dnmf vectorize first, at DNMF_RANKS
                                                  ranks, on the data under DNMF_DATA)

With --run at 4 ranks, the same posts as JSON Lines (--format jsonl), plain and
compressed, and as a compressed CSV file must then give the same matrix, and the posts
with n-grams and other options must equal scikit-learn's TfidfVectorizer with them.

REFERENCE_DIR holds scikit-learn's own output for the four groups (tfidf.mtx, vocab.txt,
idf.txt, docs.txt, labels.txt; see its README). The reference rows are in
fetch_20newsgroups' shuffled order, dnmf's in sorted path order: rows are matched by
document id. Checks shape, nonzero count, vocabulary, idf and every row to 1e-12.
"""
import csv
import gzip
import io
import json
import os
import shutil
import sys

import numpy as np
import scipy.io

from dnmf_h5 import read_tfidf
from harness import COMPRESSORS, SEED_GROUPS, cleaned_seed_texts, data_dir, ranks, run_dnmf, seed_posts

def vectorize_seed(output):
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
    completed = run_dnmf(["vectorize", corpus, "--groups", SEED_GROUPS, "--encoding", "latin-1",
                          "--strip", "headers,footers,quotes", "-o", output])
    print(completed.stdout, end="")
    return data_dir("20news4-tfidf")


def main(output, reference_dir):
    matrix, vocabulary, documents, labels, attributes, idf = read_tfidf(output)
    reference = scipy.io.mmread(reference_dir + "/tfidf.mtx").tocsr()
    with open(reference_dir + "/vocab.txt", encoding="utf-8") as f:
        reference_vocabulary = f.read().split("\n")[:-1]
    reference_idf = np.loadtxt(reference_dir + "/idf.txt")
    with open(reference_dir + "/docs.txt") as f:
        reference_documents = f.read().split()
    with open(reference_dir + "/labels.txt") as f:
        reference_labels = f.read().split()

    failures = []
    def expect(condition, message):
        if not condition:
            failures.append(message)

    expect(matrix.shape == (2034, 26576), "shape %s, expected (2034, 26576)" % (matrix.shape,))
    expect(matrix.nnz == 133634, "nnz %d, expected 133634" % matrix.nnz)
    expect(matrix.shape == reference.shape, "shape differs from the reference %s" % (reference.shape,))
    expect(vocabulary == reference_vocabulary, "vocabulary differs from vocab.txt")
    if len(idf) == len(reference_idf):
        expect(np.max(np.abs(idf - reference_idf)) <= 1e-12, "idf differs from idf.txt by %g" %
               np.max(np.abs(idf - reference_idf)))
    else:
        failures.append("idf has %d entries, idf.txt %d" % (len(idf), len(reference_idf)))
    row_of = {doc: i for i, doc in enumerate(documents)}
    expect(sorted(row_of) == sorted(reference_documents), "document ids differ from docs.txt")
    if not failures:
        order = [row_of[doc] for doc in reference_documents]
        reordered = matrix[order]
        difference = abs(reordered - reference)
        largest = difference.max() if difference.nnz else 0.0
        expect(largest <= 1e-12, "rows differ from tfidf.mtx by up to %g" % largest)
        pattern = (reordered != 0).astype(int) - (reference != 0).astype(int)
        expect(pattern.nnz == 0, "sparsity pattern differs in %d places" % pattern.nnz)
        expect([labels[i] for i in order] == reference_labels, "labels differ from labels.txt")
    if failures:
        print("FAIL: " + "\n      ".join(failures))
        return 1
    print("ok: %s equals scikit-learn's TF-IDF (2034 x 26576, 133634 nonzeros, rows within 1e-12)" % output)
    return 0


def seed_as_records(folder_output):
    """The seed posts as JSON Lines (the raw posts read as latin-1, with their ids and
    groups as fields, in the folder's order), in five files: plain, gzip, zstd, bzip2
    and xz, and as a gzip-compressed CSV file, must give the folder's matrix: same ids,
    labels and vocabulary, values within 1e-12."""
    posts = seed_posts()
    lines = [json.dumps({"id": id_, "newsgroup": group, "post": text}) + "\n" for id_, group, text in posts]
    folder = os.path.splitext(folder_output)[0] + "_jsonl"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    forms = [("", bytes), (".gz", COMPRESSORS["gzip"]), (".zst", COMPRESSORS["zstd"]), (".bz2", COMPRESSORS["bzip2"]),
             (".xz", COMPRESSORS["xz"])]
    for part, (suffix, compress) in enumerate(forms):
        text = "".join(lines[part * len(lines) // 5:(part + 1) * len(lines) // 5]).encode("utf-8")
        with open(os.path.join(folder, "part%d.jsonl%s" % (part, suffix)), "wb") as f:
            f.write(compress(text))
    # And as one gzip-compressed CSV file in latin-1, as Python's csv module writes it.
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(["id", "post", "newsgroup"])
    writer.writerows([id_, text, group] for id_, group, text in posts)
    with open(folder + ".csv.gz", "wb") as f:
        f.write(gzip.compress(table.getvalue().encode("latin-1")))
    from_folder = read_tfidf(folder_output)
    failed = 0
    for name, arguments in (("JSON Lines (plain, gzip, zstd, bzip2, xz)", [folder, "--format", "jsonl"]),
                            ("a gzip CSV in latin-1", [folder + ".csv.gz", "--format", "csv", "--encoding", "latin-1"])):
        output = folder + ("_csv.h5" if "CSV" in name else ".h5")
        run_dnmf(["vectorize"] + arguments + ["--text-field", "post", "--id-field", "id", "--label-field", "newsgroup",
                                              "--strip", "headers,footers,quotes", "-o", output])
        other = read_tfidf(output)
        failures = [what for what, index in (("vocabulary", 1), ("ids", 2), ("labels", 3))
                    if list(from_folder[index]) != list(other[index])]
        if not failures and (from_folder[0].shape != other[0].shape or abs(from_folder[0] - other[0]).max() > 1e-12):
            failures.append("matrix")
        if failures:
            print("FAIL: the seed as %s differs from the folder in: %s" % (name, ", ".join(failures)))
            failed = 1
        else:
            print("ok: the seed as %s gives the folder's matrix, ids and labels" % name)
    return failed


# Two mixes of the vectorizer's options, each with its scikit-learn counterpart.
SEED_OPTION_MIXES = [
    ("n-grams 1-2, min_df 2, ascii accents, sublinear tf",
     ["--ngram-range", "1,2", "--min-df", "2", "--strip-accents", "ascii", "--sublinear-tf"],
     dict(stop_words="english", ngram_range=(1, 2), min_df=2, strip_accents="ascii", sublinear_tf=True)),
    ("a letters-only token pattern, unicode accents, no lowercase, binary, no idf",
     ["--token-pattern", r"(?u)\b[^\W\d_][^\W\d_]+\b", "--strip-accents", "unicode", "--no-lowercase", "--binary",
      "--no-idf"],
     dict(stop_words="english", token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b", strip_accents="unicode",
          lowercase=False, binary=True, use_idf=False)),
]


def seed_with_options(folder_output):
    """The seed posts with each mix of options in SEED_OPTION_MIXES, against scikit-learn's
    TfidfVectorizer on the same posts, cleaned by its own fetch_20newsgroups helpers:
    vocabulary, idf and every entry within 1e-12."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
    texts = cleaned_seed_texts()
    failed = 0
    for number, (name, options, sklearn_options) in enumerate(SEED_OPTION_MIXES):
        output = os.path.splitext(folder_output)[0] + "_options%d.h5" % number
        run_dnmf(["vectorize", corpus, "--groups", SEED_GROUPS, "--encoding", "latin-1", "--strip",
                  "headers,footers,quotes", "-o", output] + options)
        vectorizer = TfidfVectorizer(**sklearn_options)
        expected = vectorizer.fit_transform(texts)
        matrix, vocabulary, _, _, _, idf = read_tfidf(output)
        problems = []
        if vocabulary != list(vectorizer.get_feature_names_out()):
            problems.append("vocabulary (%d terms, scikit-learn %d)" % (len(vocabulary), len(vectorizer.vocabulary_)))
        elif (vectorizer.use_idf and np.max(np.abs(idf - vectorizer.idf_)) > 1e-12) or abs(matrix - expected).max() > 1e-12:
            problems.append("values")
        if problems:
            print("FAIL: the seed with %s differs from scikit-learn in: %s" % (name, ", ".join(problems)))
            failed = 1
        else:
            print("ok: the seed with %s equals scikit-learn (%d x %d, %d nonzeros)"
                  % (name, matrix.shape[0], matrix.shape[1], matrix.nnz))
    return failed


def seed_progress(folder_output):
    """Progress lines: stderr is no terminal here, so a plain line every
    --progress-seconds, from rank 0 alone, its bytes and documents rising."""
    import re
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
    output = os.path.splitext(folder_output)[0] + "_progress.h5"
    completed = run_dnmf(["vectorize", corpus, "--groups", SEED_GROUPS, "--encoding", "latin-1", "--strip",
                          "headers,footers,quotes", "--progress-seconds", "0.0005", "-o", output])
    pattern = re.compile(r"^dnmf vectorize: rank 0 read [0-9.]+ [KMG]?i?B of [0-9.]+ [KMG]?i?B \((\d+)%\), (\d+) "
                         r"documents, [0-9.]+ [KMG]?i?B/s, (ETA [0-9hmins ]+)?$")
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    found = [pattern.match(line) for line in lines]
    shares = [(int(m.group(1)), int(m.group(2))) for m in found if m]
    ok = bool(lines) and all(found) and shares == sorted(shares) and all(share[0] <= 100 for share in shares)
    if not ok:
        print("FAIL: progress lines of the seed's vectorize:\n" + completed.stderr)
        return 1
    print("ok: %d progress lines, rank 0's share and documents rising to %d%%, %d documents"
          % (len(lines), shares[-1][0], shares[-1][1]))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--run":
        reference = vectorize_seed(sys.argv[2])
        status = main(sys.argv[2], reference)
        # The other forms and options on the real posts, at 4 ranks (CI time; at every
        # rank count check_vectorizer.py covers them on its generated corpora).
        if ranks() == 4:
            status = (status or seed_as_records(sys.argv[2]) or seed_with_options(sys.argv[2]) or
                      seed_progress(sys.argv[2]))
        sys.exit(status)
    sys.exit(main(sys.argv[1], sys.argv[2]))
