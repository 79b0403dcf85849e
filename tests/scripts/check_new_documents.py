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

Usage: check_new_documents.py transform WORKDIR
  dnmf transform of the test split with the seed's model, against scikit-learn's
  NMF.transform with the same H (tol 1e-10, max_iter 2000): hals and mu on the Frobenius
  loss, hals with penalties, mu on the Kullback-Leibler loss with an L2 penalty. The
  objective must agree within 1e-6 relative and W within 1e-4 (Frobenius, relative).
  Transforming the training documents with a converged model gives back its W within
  1e-4; with the defaults, the dominant topic of at least 99.5% of the test documents is
  scikit-learn's; the output is the same at 1 and 3 ranks, and dnmf topics prints its
  topic x label table.
"""
import os
import sys

import h5py
import numpy as np

from dnmf_h5 import identical_datasets, read_model, read_strings, read_tfidf
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


def transformed(path):
    """(W, document ids) of a dnmf transform output."""
    with h5py.File(path, "r") as f:
        return f["W"][:], read_strings(f["documents"])


def objective(X, W, H, beta, l1, l2):
    """scikit-learn's loss of W with H fixed: D_beta(X || WH) + l1 sum W + l2 / 2 ||W||^2."""
    from sklearn.decomposition._nmf import _beta_divergence
    return _beta_divergence(X, W, H, beta) + l1 * W.sum() + l2 / 2 * (W * W).sum()


def sklearn_transform(X, H, solver, beta, alpha_w, l1_ratio, tol, max_iter):
    """scikit-learn's NMF.transform of X with H as the fitted components."""
    from sklearn.decomposition import NMF
    nmf = NMF(n_components=H.shape[0], solver=solver, beta_loss=beta, alpha_W=alpha_w, l1_ratio=l1_ratio, tol=tol,
              max_iter=max_iter)
    nmf.components_, nmf.n_components_, nmf.n_features_in_ = H, H.shape[0], H.shape[1]
    return nmf.transform(X)


def relative(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def transform_case(work, name, model, test, test_ids, options, sklearn_options, failures):
    """dnmf transform against scikit-learn's on the test split (rows matched by id)."""
    output = os.path.join(work, name + ".h5")
    run_dnmf(["transform", model, test, "-o", output, "--tol", "1e-10", "--max-iter", "2000"] + options, nranks=2)
    W, ids = transformed(output)
    X = read_tfidf(test)[0]
    _, H, _, attributes = read_model(model)
    row_of = {document: row for row, document in enumerate(ids)}
    W = W[[row_of[document] for document in test_ids]]
    beta = {"frobenius": 2, "kullback-leibler": 1}[attributes["loss"]]
    alpha_w, l1_ratio = float(attributes["alpha_w"]), float(attributes["l1_ratio"])
    reference = sklearn_transform(X, H, tol=1e-10, max_iter=2000, beta=beta, alpha_w=alpha_w, l1_ratio=l1_ratio,
                                  **sklearn_options)
    l1, l2 = alpha_w * l1_ratio * H.shape[1], alpha_w * (1 - l1_ratio) * H.shape[1]
    ours, theirs = objective(X, W, H, beta, l1, l2), objective(X, reference, H, beta, l1, l2)
    objective_gap, w_gap = abs(ours - theirs) / theirs, relative(W, reference)
    ok = objective_gap <= 1e-6 and w_gap <= 1e-4
    print("%-34s objective %.12g against %.12g (%.1e), W %.1e  %s" % (name, ours, theirs, objective_gap, w_gap,
                                                                       "ok" if ok else "FAIL"))
    if not ok:
        failures.append(name)
    return output


def transform(work):
    os.makedirs(work, exist_ok=True)
    train, test = os.path.join(work, "train.h5"), os.path.join(work, "test.h5")
    vectorize_split("train", train, ["--strip", "headers,footers,quotes"], 2)
    vectorize_split("test", test, ["--vocabulary-from", train], 2)
    test_ids = read_tfidf(test)[2]
    failures = []
    models = {}
    for name, options in [("hals", []), ("penalized", ["--alpha-w", "1e-6", "--l1-ratio", "0.5"]),
                          ("kl", ["--solver", "mu", "--loss", "kl", "--alpha-w", "1e-6"])]:
        models[name] = os.path.join(work, "model_%s.h5" % name)
        run_dnmf(["factorize", train, "-k", "5", "-o", models[name]] + options, nranks=2)
    for name, model, options, sklearn_options in [
            ("hals, Frobenius", models["hals"], ["--solver", "hals"], dict(solver="cd")),
            ("mu, Frobenius", models["hals"], ["--solver", "mu"], dict(solver="mu")),
            ("hals, L1 and L2 penalties", models["penalized"], [], dict(solver="cd")),
            ("mu, Kullback-Leibler, L2 penalty", models["kl"], [], dict(solver="mu"))]:
        transform_case(work, name.replace(",", "").replace(" ", "_"), model, test, test_ids, options,
                       sklearn_options, failures)

    # The training documents through a converged model: its own W back.
    converged = os.path.join(work, "model_converged.h5")
    run_dnmf(["factorize", train, "-k", "5", "--tol", "1e-9", "--max-iter", "5000", "-o", converged], nranks=2)
    again = os.path.join(work, "train_again.h5")
    run_dnmf(["transform", converged, train, "--tol", "1e-10", "--max-iter", "2000", "-o", again], nranks=2)
    W_model = read_model(converged)[0]
    W_again = transformed(again)[0]
    gap = relative(W_again, W_model)
    print("training documents through the converged model: W %.1e from the model's  %s" % (
        gap, "ok" if gap <= 1e-4 else "FAIL"))
    if gap > 1e-4:
        failures.append("training documents")

    # Defaults (the model's tol and max_iter): the same at 1 and 3 ranks; the dominant topics.
    for name in ("kl", "hals"):
        outputs = []
        for nranks in (1, 3):
            outputs.append(os.path.join(work, "%s_defaults_np%d.h5" % (name, nranks)))
            run_dnmf(["transform", models[name], test, "-o", outputs[-1]], nranks=nranks)
        differing = identical_datasets(outputs[0], outputs[1])
        print("%s model, defaults, at 1 and 3 ranks: %s" % (name, "differ in " + ", ".join(differing) if differing
                                                            else "identical"))
        failures += differing
    W, ids = transformed(outputs[0])
    row_of = {document: row for row, document in enumerate(ids)}
    W = W[[row_of[document] for document in test_ids]]
    _, H, _, _ = read_model(models["hals"])
    reference = sklearn_transform(read_tfidf(test)[0], H, "cd", 2, 0.0, 0.0, 1e-4, 200)
    with h5py.File(outputs[0], "r") as f:
        dominant = f["dominant_topic"][:][[row_of[document] for document in test_ids]]
        sums = f["W"][:].sum(axis=1, keepdims=True)
        shares = np.divide(f["W"][:], sums, out=np.zeros_like(f["W"][:]), where=sums > 0)
        if not np.allclose(f["topic_shares"][:], shares, rtol=1e-12, atol=0):
            failures.append("/topic_shares is not W's rows over their sums")
    theirs = np.where(reference.max(axis=1) > 0, reference.argmax(axis=1), -1)
    agreement = float(np.mean(dominant == theirs))
    print("dominant topic of the test documents: %.2f%% agree with scikit-learn's  %s" % (
        100 * agreement, "ok" if agreement >= 0.995 else "FAIL"))
    if agreement < 0.995:
        failures.append("dominant topics")
    table = run_dnmf(["topics", outputs[0]], nranks=2).stdout
    print(table, end="")
    if "alt.atheism" not in table:
        failures.append("no label table")
    failures += representative_documents(outputs[0])
    return failures


def representative_documents(output):
    """topics --documents 3 names, for each topic, the three test documents of largest
    weight in it, with their first words: the cleaned text's, spaces collapsed."""
    import json
    import re
    listed = json.loads(run_dnmf(["topics", output, "--documents", "3", "--format", "json"], nranks=3).stdout)
    W, ids = transformed(output)
    cleaned = {name: re.sub(r"[\x00-\x20]+", " ", text).strip()
               for (name, _, _), text in zip(seed_posts("test"), cleaned_seed_texts("test"))}
    problems = []
    for t, topic in enumerate(listed["topics"]):
        order = sorted(range(len(ids)), key=lambda i: (-W[i, t], i))[:3]
        expected = [(ids[i], W[i, t]) for i in order]
        got = [(document["id"], document["weight"]) for document in topic["documents"]]
        if [name for name, _ in got] != [name for name, _ in expected] or not np.allclose(
                [weight for _, weight in got], [weight for _, weight in expected], rtol=1e-5):
            problems.append("topic %d: documents %s, expected %s" % (t + 1, got, expected))
        for document in topic["documents"]:
            snippet = document["snippet"]
            if not snippet or len(snippet.encode()) > 80 or not cleaned[document["id"]].startswith(snippet):
                problems.append("topic %d: snippet %r of %s" % (t + 1, snippet, document["id"]))
    print("topics --documents 3: %s" % ("; ".join(problems) or "the heaviest documents, with their first words"))
    return problems


def main(mode, work):
    failures = {"vocabulary": vocabulary, "transform": transform}[mode](work)
    print("%d problems" % len(failures) if failures else "all agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
