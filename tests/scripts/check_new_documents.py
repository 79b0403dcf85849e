#!/usr/bin/env python3
"""Acceptance of using a model on new documents: `vectorize --vocabulary-from` and
`dnmf transform`, against scikit-learn.

Usage: check_new_documents.py vocabulary WORKDIR
  The seed's four groups: the train split vectorized, then the test split with
  --vocabulary-from the train file at 1, 2, 3 and 4 ranks. Each must equal scikit-learn's
  TfidfVectorizer(stop_words="english").fit(train).transform(test) within 1e-12
  (vocabulary, idf, every row matched by document id), and the four files must hold
  identical datasets and attributes. A model's vocabulary gives the same matrix; options
  that disagree with the file's, or that would choose another vocabulary, are refused.
"""
import os
import sys

import h5py
import numpy as np

from dnmf_h5 import identical_datasets, read_tfidf
from harness import SEED_GROUPS, cleaned_seed_texts, data_dir, run_dnmf, seed_posts


def attributes(path):
    with h5py.File(path, "r") as f:
        return {name: (value.tobytes() if hasattr(value, "tobytes") else value) for name, value in f.attrs.items()}


def vectorize_split(split, output, options, nranks):
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-" + split)
    return run_dnmf(["vectorize", corpus, "--groups", SEED_GROUPS, "--encoding", "latin-1", "-o", output] + options,
                    nranks=nranks)


def compare_with_sklearn(path, expected, vocabulary, idf, ids):
    """Problems of the TF-IDF file at `path` against scikit-learn's rows `expected`, whose
    documents are `ids`."""
    matrix, got_vocabulary, got_ids, _, _, got_idf = read_tfidf(path)
    if got_vocabulary != vocabulary:
        return ["the vocabulary differs from scikit-learn's"]
    problems = []
    if np.max(np.abs(got_idf - idf)) > 1e-12:
        problems.append("idf differs by %g" % np.max(np.abs(got_idf - idf)))
    if sorted(got_ids) != sorted(ids):
        return problems + ["the documents differ from the test split's"]
    row_of = {name: row for row, name in enumerate(got_ids)}
    reordered = matrix[[row_of[name] for name in ids]]
    difference = abs(reordered - expected)
    if difference.nnz and difference.max() > 1e-12:
        problems.append("entries differ by %g" % difference.max())
    return problems


def vocabulary(work):
    from sklearn.feature_extraction.text import TfidfVectorizer
    os.makedirs(work, exist_ok=True)
    train = os.path.join(work, "train.h5")
    vectorize_split("train", train, ["--strip", "headers,footers,quotes"], 2)
    vectorizer = TfidfVectorizer(stop_words="english").fit(cleaned_seed_texts("train"))
    expected = vectorizer.transform(cleaned_seed_texts("test")).tocsr()
    names = list(vectorizer.get_feature_names_out())
    ids = [name for name, _, _ in seed_posts("test")]
    failures = []
    outputs = []
    for nranks in (1, 2, 3, 4):
        output = os.path.join(work, "test_np%d.h5" % nranks)
        # --strip given again, with the value the file records: taken.
        options = ["--vocabulary-from", train] + (["--strip", "headers,footers,quotes"] if nranks == 3 else [])
        vectorize_split("test", output, options, nranks)
        problems = compare_with_sklearn(output, expected, names, vectorizer.idf_, ids)
        print("test split at %d ranks against scikit-learn: %s" % (nranks, "; ".join(problems) or "ok"))
        failures += problems
        outputs.append(output)
    for other in outputs[1:]:
        differing = identical_datasets(outputs[0], other)
        if attributes(outputs[0]) != attributes(other):
            differing.append("root attributes")
        print("%s against %s: %s" % (os.path.basename(other), os.path.basename(outputs[0]),
                                     "differ in " + ", ".join(differing) if differing else "identical datasets"))
        failures += differing

    # A model carries the vocabulary too: the same rows from it.
    model = os.path.join(work, "model.h5")
    run_dnmf(["factorize", train, "-k", "5", "--max-iter", "3", "-o", model], nranks=2)
    from_model = os.path.join(work, "test_from_model.h5")
    vectorize_split("test", from_model, ["--vocabulary-from", model], 2)
    differing = identical_datasets(outputs[0], from_model)
    print("the vocabulary of the model: %s" % ("differ in " + ", ".join(differing) if differing else "the same rows"))
    failures += differing

    refused = os.path.join(work, "refused.h5")
    for options, words in [(["--norm", "l1"], "--norm l1 disagrees with " + train),
                           (["--sublinear-tf"], "--sublinear-tf disagrees with " + train),
                           (["--min-df", "2"], "--min-df chooses a vocabulary")]:
        done = run_dnmf(["vectorize", os.path.join(data_dir("20news-bydate"), "20news-bydate-test", "sci.space"),
                         "--vocabulary-from", train, "-o", refused] + options, nranks=2, check=False)
        message = [line for line in done.stderr.splitlines() if line.startswith("dnmf: error:")]
        ok = done.returncode == 1 and len(message) == 1 and words in message[0] and not os.path.exists(refused)
        print("%-40s %s" % (" ".join(options) + " refused", "ok" if ok else "FAIL: exit %d, %r" % (done.returncode,
                                                                                                  message)))
        if not ok:
            failures.append(" ".join(options))
    return failures


def main(mode, work):
    failures = {"vocabulary": vocabulary}[mode](work)
    print("%d problems" % len(failures) if failures else "all agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
