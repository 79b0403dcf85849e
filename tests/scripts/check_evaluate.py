#!/usr/bin/env python3
"""Acceptance of `dnmf evaluate`: label agreement and topic diversity, against
scikit-learn and numpy; coherence against gensim.

Usage: check_evaluate.py WORKDIR

The seed's four groups: a k = 5 model of the train split, and the test split through it
(dnmf transform), each evaluated at 1 and 3 ranks with --format json. The dominant topic
of a document is the argmax of its row of W (the first of equal weights), -1 for a row of
zeros. Against it and the labels, NMI, the adjusted Rand index, homogeneity, completeness
and V-measure must equal scikit-learn's normalized_mutual_info_score,
adjusted_rand_score and homogeneity_completeness_v_measure within 1e-12, and purity
(the sum over topics of their most common label's count, over the documents) the one
computed here; the topic diversity must be the share of distinct terms among the
topics' top 25, computed here from H and the vocabulary.

Coherence: the model's u_mass, c_uci, c_npmi and c_v per topic at 1 to 4 ranks must equal
gensim's CoherenceModel (processes=1) within 1e-9, on the training texts as scikit-learn
cleans (fetch_20newsgroups' helpers) and tokenizes them (TfidfVectorizer's analyzer with
the English stop words) and the top 10 words dnmf reports. gensim fails on a text without
tokens in its sliding windows, where dnmf counts no window: those texts are left out of
its windowed measures, and kept for u_mass, where each counts as a document.
"""
import json
import os
import sys

import h5py
import numpy as np

from dnmf_h5 import read_strings
from harness import SEED_GROUPS, cleaned_seed_texts, data_dir, ranks, run_dnmf


def expected(path, top=25):
    from sklearn import metrics
    with h5py.File(path, "r") as f:
        W, H = f["W"][:], f["H"][:]
        vocabulary = read_strings(f["vocabulary"])
        labels = f["labels"][:]
    dominant = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    h, c, v = metrics.homogeneity_completeness_v_measure(labels, dominant)
    table = metrics.cluster.contingency_matrix(dominant, labels)
    order = [sorted(range(H.shape[1]), key=lambda j: (-H[t, j], j))[:top] for t in range(H.shape[0])]
    distinct = {vocabulary[j] for row in order for j in row}
    return {"nmi": metrics.normalized_mutual_info_score(labels, dominant),
            "adjusted_rand": metrics.adjusted_rand_score(labels, dominant),
            "homogeneity": h, "completeness": c, "v_measure": v,
            "purity": table.max(axis=1).sum() / len(labels)}, len(distinct) / (H.shape[0] * top)


def check(path, failures):
    reference, diversity = expected(path)
    for nranks in (1, 3):
        got = json.loads(run_dnmf(["evaluate", path, "--no-coherence", "--format", "json"], nranks=nranks).stdout)
        problems = ["%s %.17g, expected %.17g" % (name, got["labels"][name], value)
                    for name, value in reference.items() if abs(got["labels"][name] - value) > 1e-12]
        if abs(got["diversity"] - diversity) > 1e-12:
            problems.append("diversity %.17g, expected %.17g" % (got["diversity"], diversity))
        print("%s at %d ranks: %s" % (os.path.basename(path), nranks, "; ".join(problems) or "agrees (" + ", ".join(
            "%s %.6f" % (name, value) for name, value in reference.items()) + ", diversity %.4f)" % diversity))
        failures += problems


def gensim_coherence(top_words):
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel
    from sklearn.feature_extraction.text import TfidfVectorizer
    analyze = TfidfVectorizer(stop_words="english").build_analyzer()
    texts = [analyze(text) for text in cleaned_seed_texts()]
    dictionary = Dictionary(texts)
    measures = {}
    for measure in ("u_mass", "c_uci", "c_npmi", "c_v"):
        used = texts if measure == "u_mass" else [text for text in texts if text]
        model = CoherenceModel(topics=top_words, texts=used, dictionary=dictionary, coherence=measure, topn=len(
            top_words[0]), processes=1)
        measures[measure] = model.get_coherence_per_topic()
    return measures


def check_coherence(model, failures):
    reference = None
    for nranks in sorted({1, 2, 3, 4, ranks()}):
        got = json.loads(run_dnmf(["evaluate", model, "--format", "json"], nranks=nranks).stdout)["coherence"]
        if reference is None:
            reference = gensim_coherence(got["top_words"])
        problems = ["%s of topic %d: %.17g, gensim %.17g" % (measure, t, got[measure][t], value)
                    for measure, values in reference.items() for t, value in enumerate(values)
                    if not abs(got[measure][t] - value) <= 1e-9]
        worst = max(abs(got[measure][t] - value) for measure, values in reference.items()
                    for t, value in enumerate(values))
        print("coherence at %d ranks: %s" % (nranks, "; ".join(problems) or "agrees with gensim (largest difference "
                                             "%.2g; means %s)" % (worst, ", ".join(
                                                 "%s %.6f" % (m, np.mean(v)) for m, v in reference.items()))))
        failures += problems


def hand_made_model(path, W, labels, label_count):
    """A model file of dnmf's layout (docs/formats.md) with the given W and labels, H
    random: the corner cases a fitted model does not reach."""
    from dnmf_h5 import write_strings
    rng = np.random.default_rng(3)
    H = rng.random((W.shape[1], 40))
    with h5py.File(path, "w") as f:
        f.attrs["format"] = np.bytes_(b"dnmf-model")
        f.attrs["format_version"] = np.int64(1)
        f["W"], f["H"], f["labels"] = W, H, np.asarray(labels, dtype=np.int32)
        write_strings(f.create_group("vocabulary"), ["term%02d" % j for j in range(40)])
        write_strings(f.create_group("label_names"), ["label%d" % i for i in range(label_count)])
    return path


def main(work):
    os.makedirs(work, exist_ok=True)
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-")
    train, model = os.path.join(work, "train.h5"), os.path.join(work, "model.h5")
    run_dnmf(["vectorize", corpus + "train", "--groups", SEED_GROUPS, "--encoding", "latin-1", "--strip",
              "headers,footers,quotes", "-o", train], nranks=2)
    run_dnmf(["factorize", train, "-k", "5", "-o", model], nranks=2)
    new = os.path.join(work, "test_topics.h5")
    run_dnmf(["transform", model, corpus + "test", "--groups", SEED_GROUPS, "--encoding", "latin-1", "-o", new],
             nranks=2)
    # Corner cases: rows of zeros (a cluster of their own), one topic for every document,
    # one label for every document.
    rng = np.random.default_rng(5)
    W = rng.random((60, 3)) * (rng.random((60, 3)) < 0.5)
    one_topic = np.zeros((60, 3))
    one_topic[:, 1] = rng.random(60) + 0.1
    corners = [hand_made_model(os.path.join(work, "zero_rows.h5"), W, rng.integers(0, 4, 60), 4),
               hand_made_model(os.path.join(work, "one_topic.h5"), one_topic, rng.integers(0, 3, 60), 3),
               hand_made_model(os.path.join(work, "one_label.h5"), W, np.zeros(60, dtype=int), 2)]
    failures = []
    for path in [model, new] + corners:
        check(path, failures)
    check_coherence(model, failures)
    print("%d problems" % len(failures) if failures else "all agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
