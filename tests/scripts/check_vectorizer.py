#!/usr/bin/env python3
"""Cross-check of `dnmf vectorize` against scikit-learn on generated corpora.

Usage: check_vectorizer.py WORKDIR   (dnmf and the rank count come from the environment,
see harness.py)

Each case writes a corpus, runs dnmf on it and runs scikit-learn's TfidfVectorizer (or,
for count input, TfidfTransformer) with the same parameters; the vocabulary, idf and
every matrix entry must agree to 1e-12. The text mixes the Unicode cases the analyzer has
to get right: final sigma, dotted capital I, superscripts and other numerics, combining
marks (not word characters in Python), CJK, fullwidth and titlecase letters, and
Python-only whitespace (U+001C..U+001F) next to the newsgroup cleaning rules.
"""
import bz2
import csv
import gzip
import json
import lzma
import os
import random
import sys

import numpy as np
import scipy.io
import scipy.sparse as sp
from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer, strip_newsgroup_header,
                                                 strip_newsgroup_quoting)
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer, CountVectorizer

from dnmf_h5 import read_tfidf
from harness import ranks, run_dnmf

PIECES = [
    "space", "nasa", "orbit", "shuttle", "launch", "god", "jesus", "bible", "image", "graphics", "files",
    "Data", "DATA", "the", "and", "about", "x", "a1", "_", "__init__", "foo_bar", "3d", "1993", "0x1f",
    "ΟΔΟΣ", "ΣΟΦΙΑ", "σοφός", "İstanbul", "İİ", "STRASSE", "Straße", "ǅemal", "ǄEMAL", "ﬁne",
    "in¹", "with¹", "x²y", "½cup", "ⅫⅣ", "٣٤", "১২", "漢字", "かな", "한국어", "ｆｕｌｌ", "ＡＢ",
    "cafe\u0301", "e\u0301t\u0301", "naïve", "CAFÉ", "ingénieur", "deluxeý", "Ωmega", "ΑΣ",
    "हिन्दी", "ไทย", "Ꮳherokee", "ꭰꭱ", "𝐁𝐨𝐥𝐝", "𝟙𝟚", "emoji😀ok", "a\u200db", "x\u00a0y",
    "tab\tsep", "dash-word", "apostrophe's", "don't", "e-mail", "U.S.A.", "3.14159", "---", "|",
]


def random_text(rng, words):
    separators = [" ", " ", " ", "\n", ", ", ". ", "\t", "\u00a0", "\u3000", "\u001c", "\u0085", "-", "/"]
    return "".join(rng.choice(PIECES) + rng.choice(separators) for _ in range(words))


def compare(case, dnmf_file, expected, expected_vocabulary, expected_idf, order=None):
    matrix, vocabulary, documents, labels, attributes, idf = read_tfidf(dnmf_file)
    if order is not None:
        matrix = matrix[order]
    problems = []
    if vocabulary != list(expected_vocabulary):
        extra = sorted(set(vocabulary) - set(expected_vocabulary))[:10]
        missing = sorted(set(expected_vocabulary) - set(vocabulary))[:10]
        problems.append("vocabulary differs: extra %r, missing %r" % (extra, missing))
    elif matrix.shape != expected.shape:
        problems.append("shape %s, expected %s" % (matrix.shape, expected.shape))
    else:
        if np.max(np.abs(idf - expected_idf)) > 1e-12:
            problems.append("idf differs by %g" % np.max(np.abs(idf - expected_idf)))
        difference = abs(matrix - sp.csr_matrix(expected))
        if difference.nnz and difference.max() > 1e-12:
            problems.append("matrix differs by %g" % difference.max())
    print("%-36s %s" % (case, "ok" if not problems else "FAIL: " + "; ".join(problems)))
    return not problems


def sklearn_case(work, case, dnmf_arguments, texts, sklearn_options=None):
    """Runs `dnmf vectorize` with the arguments, TfidfVectorizer on the same texts, and
    compares the two."""
    output = os.path.join(work, case + ".h5")
    run_dnmf(["vectorize"] + dnmf_arguments + ["-o", output])
    vectorizer = TfidfVectorizer(**(sklearn_options or dict(stop_words="english")))
    expected = vectorizer.fit_transform(texts)
    vocabulary = vectorizer.get_feature_names_out()
    # Without idf scikit-learn keeps none; dnmf's file holds the weights used: ones.
    idf = vectorizer.idf_ if vectorizer.use_idf else np.ones(len(vocabulary))
    return compare(case, output, expected, vocabulary, idf)


def vectorizer_case(work, case, documents, dnmf_options, sklearn_options):
    """One document per line of a file."""
    path = os.path.join(work, case + ".txt")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for document in documents:
            f.write(document.replace("\n", " ").replace("\r", " ").replace("\u0085", " ") + "\n")
    with open(path, encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")[:-1]
    return sklearn_case(work, case, [path, "--format", "lines"] + dnmf_options, lines, sklearn_options)


def encoding_cases(work, rng):
    """Encodings beyond UTF-8 and Latin-1, through ICU's converters, against Python's
    codecs (what TfidfVectorizer(encoding=...) uses): single-byte and multi-byte ones as
    lines, and UTF-16, whose bytes are not ASCII, as one document per file. Each corpus
    holds only the pieces the encoding can write."""
    results = []
    for encoding, form in (("cp1252", "lines"), ("koi8-r", "lines"), ("shift_jis", "lines"), ("gb18030", "files"),
                           ("utf-16", "files")):
        def writable(text):
            try:
                text.encode(encoding)
                return True
            except UnicodeEncodeError:
                return False
        pieces = [piece for piece in PIECES if writable(piece)] + ["ёлка", "Ελλάδα", "東京", "€uro", "“quoted”"]
        pieces = [piece for piece in pieces if writable(piece)]
        texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(60)]
        case = "encoding-%s-%s" % (encoding, form)
        if form == "lines":
            path = os.path.join(work, case + ".txt")
            with open(path, "wb") as f:
                f.write("".join(text + "\n" for text in texts).encode(encoding))
            arguments = [path, "--format", "lines"]
        else:
            path = os.path.join(work, case)
            os.makedirs(path, exist_ok=True)
            for number, text in enumerate(texts):
                with open(os.path.join(path, "%03d.txt" % number), "wb") as f:
                    f.write(text.encode(encoding))
            arguments = [path]
        results.append(sklearn_case(work, case, arguments + ["--encoding", encoding], texts))
    return results


def skip_malformed_case(work, documents):
    """--on-error skip: JSON lines and CSV rows that cannot be read are counted and left
    out; the matrix is scikit-learn's of the good records."""
    good = [document.replace("\r", " ") for document in documents[:60]]
    bad_lines = ['{"text": unquoted}', "[1, 2]", '{"body": "no text field"}', '{"text": 7}', '{"text": "open']
    path = os.path.join(work, "skip.jsonl")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for number, document in enumerate(good):
            f.write(json.dumps({"text": document}) + "\n")
            if number % 12 == 5:
                f.write(bad_lines[number // 12] + "\n")
    table = os.path.join(work, "skip.csv")
    with open(table, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["id", "text"])
        for number, document in enumerate(good):
            writer.writerow([number, document])
            if number % 20 == 7:
                f.write('%d,"quoted"then text\r\n' % number if number % 40 == 7 else "%d\r\n" % number)
    results = []
    for case, arguments, skipped in (("skip-malformed-jsonl", [path, "--format", "jsonl"], 5),
                                     ("skip-malformed-csv", [table, "--format", "csv", "--id-field", "id"], 3)):
        output = os.path.join(work, case + ".h5")
        completed = run_dnmf(["vectorize"] + arguments + ["--on-error", "skip", "-o", output])
        vectorizer = TfidfVectorizer(stop_words="english")
        expected = vectorizer.fit_transform(good)
        ok = compare(case, output, expected, vectorizer.get_feature_names_out(), vectorizer.idf_)
        counted = "skipped  %d malformed records" % skipped in completed.stdout
        if not counted:
            print("%-36s FAIL: the summary does not count %d skipped records:\n%s" % (case, skipped, completed.stdout))
        results.append(ok and counted)
    return results


def jsonl_case(work, documents):
    """JSON Lines: two text fields joined by a blank line, integer ids, string labels,
    fields dnmf does not read, blank lines between records; texts with newlines and the
    other characters JSON escapes, half the lines ASCII with \\u escapes."""
    rng = random.Random(11)
    titles = [random_text(rng, rng.randint(0, 5)) for _ in documents]
    groups = [rng.choice(["beta", "alpha", "gamma"]) for _ in documents]
    path = os.path.join(work, "records.jsonl")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for i, (title, body, group) in enumerate(zip(titles, documents, groups)):
            record = {"n": 1000 + i, "title": title, "other": [1, {"x": None}], "body": body, "group": group}
            f.write(json.dumps(record, ensure_ascii=i % 2 == 0) + "\n")
            if i % 50 == 0:
                f.write(" \t\n")
    texts = [title + "\n\n" + body for title, body in zip(titles, documents)]
    ok = sklearn_case(work, "jsonl-two-fields-ids-labels",
                      [path, "--format", "jsonl", "--text-field", "title,body", "--id-field", "n",
                       "--label-field", "group"], texts)
    _, _, ids, labels, _, _ = read_tfidf(os.path.join(work, "jsonl-two-fields-ids-labels.h5"))
    if list(ids) != [str(1000 + i) for i in range(len(documents))] or list(labels) != groups:
        print("%-36s FAIL: ids or labels differ from the records' fields" % "jsonl-two-fields-ids-labels")
        return False
    return ok


def table_case(work, documents):
    """CSV as Python's csv module writes it (CRLF, quoted fields with separators, quotes
    and line breaks), compressed by xz, the texts and ids as csv.reader reads them back."""
    path = os.path.join(work, "table.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["\ufeffkey", "body", "note"])
        for i, body in enumerate(documents):
            writer.writerow(["k%d" % i, body + ('"quoted", and more' if i % 7 == 0 else ""), "n,%d" % i])
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    with open(path, "rb") as f:
        packed = lzma.compress(f.read())
    with open(path + ".xz", "wb") as f:
        f.write(packed)
    ok = sklearn_case(work, "csv-xz-quotes-line-breaks",
                      [path + ".xz", "--format", "csv", "--text-field", "body,note", "--id-field", "key"],
                      [row[1] + "\n\n" + row[2] for row in rows])
    _, _, ids, _, _, _ = read_tfidf(os.path.join(work, "csv-xz-quotes-line-breaks.h5"))
    if list(ids) != [row[0] for row in rows]:
        print("%-36s FAIL: ids differ from the key column" % "csv-xz-quotes-line-breaks")
        return False
    return ok


def main(work):
    os.makedirs(work, exist_ok=True)
    rng = random.Random(20261128)
    documents = [random_text(rng, rng.randint(0, 60)) for _ in range(300)]
    documents += ["", "the and about", "ΟΔΟΣ ΟΔΟΣ"]
    results = []
    # The options and input forms beyond the defaults run at 1 rank, which reads every
    # byte itself, and at 4, which splits every file (CI time); the rest at every count.
    every_option_here = ranks() in (1, 4)
    results.append(vectorizer_case(work, "lines-defaults", documents, [], dict(stop_words="english")))
    results.append(vectorizer_case(
        work, "lines-df-sublinear-l1-nosmooth", documents,
        ["--min-df", "2", "--max-df", "0.5", "--sublinear-tf", "--norm", "l1", "--no-smooth-idf"],
        dict(stop_words="english", min_df=2, max_df=0.5, sublinear_tf=True, norm="l1", smooth_idf=False)))
    results.append(vectorizer_case(work, "lines-fraction-min-count-max", documents,
                                   ["--min-df", "0.05", "--max-df", "150", "--norm", "none"],
                                   dict(stop_words="english", min_df=0.05, max_df=150, norm=None)))

    if every_option_here:
        results.append(vectorizer_case(work, "lines-binary", documents, ["--binary"],
                                       dict(stop_words="english", binary=True)))
        results.append(vectorizer_case(work, "lines-no-idf-l1", documents, ["--no-idf", "--norm", "l1"],
                                       dict(stop_words="english", use_idf=False, norm="l1")))
        results.append(vectorizer_case(work, "lines-no-lowercase", documents, ["--no-lowercase"],
                                       dict(stop_words="english", lowercase=False)))
        results.append(vectorizer_case(
            work, "lines-binary-no-idf-no-lowercase-sublinear", documents,
            ["--binary", "--no-idf", "--no-lowercase", "--sublinear-tf", "--min-df", "2"],
            dict(stop_words="english", binary=True, use_idf=False, lowercase=False, sublinear_tf=True, min_df=2)))

        for mode in ("ascii", "unicode"):
            results.append(vectorizer_case(work, "lines-strip-accents-" + mode, documents, ["--strip-accents", mode],
                                           dict(stop_words="english", strip_accents=mode)))
        results.append(vectorizer_case(work, "lines-ngrams-1-2-min-df-2", documents, ["--ngram-range", "1,2", "--min-df", "2"],
                                       dict(stop_words="english", ngram_range=(1, 2), min_df=2)))
        results.append(vectorizer_case(
            work, "lines-ngrams-2-3-accents-no-lowercase", documents,
            ["--ngram-range", "2,3", "--strip-accents", "unicode", "--no-lowercase", "--binary"],
            dict(stop_words="english", ngram_range=(2, 3), strip_accents="unicode", lowercase=False, binary=True)))
        # Token patterns users reach for, in Python's syntax: one-letter tokens, ASCII
        # letters only, a capturing group, Python's \s (with U+001C..1F), \W inside a class,
        # the ASCII flag, and one that matches empty strings (scikit-learn keeps '' as a term).
        patterns = [r"(?u)\b\w+\b", r"\b[a-zA-Z]{3,}\b", r"(\w+)[-']\w+", r"\S+", r"[^\W\d_]{2,}", r"(?a)\b\w\w+\b",
                    r"(?i)[a-zß]+(?=\s|$)", r"\w*"]
        for number, pattern in enumerate(patterns):
            results.append(vectorizer_case(work, "lines-token-pattern-%d" % number, documents,
                                           ["--token-pattern", pattern, "--stop-words", "none"],
                                           dict(stop_words=None, token_pattern=pattern)))
        results.append(vectorizer_case(
            work, "lines-token-pattern-ngrams-accents-no-lowercase", documents,
            ["--token-pattern", r"\b\w+\b", "--ngram-range", "1,2", "--min-df", "2", "--strip-accents", "ascii",
             "--no-lowercase", "--binary", "--no-idf"],
            dict(stop_words="english", token_pattern=r"\b\w+\b", ngram_range=(1, 2), min_df=2, strip_accents="ascii",
                 lowercase=False, binary=True, use_idf=False)))

    # --max-features: pick a cut-off where the term counts do not tie, since scikit-learn
    # breaks ties arbitrarily (numpy's unstable argsort).
    counts = np.asarray(CountVectorizer(stop_words=None).fit_transform(documents).sum(axis=0)).ravel()
    ordered = np.sort(counts)[::-1]
    limit = next(k for k in range(20, len(ordered)) if ordered[k - 1] != ordered[k])
    results.append(vectorizer_case(work, "lines-max-features-no-stop-words", documents,
                                   ["--max-features", str(limit), "--stop-words", "none"],
                                   dict(stop_words=None, max_features=limit)))
    stop_file = os.path.join(work, "stop.txt")
    with open(stop_file, "w", encoding="utf-8") as f:
        f.write("space\nnasa\nοδος\n漢字\n")
    results.append(vectorizer_case(work, "lines-stop-word-file", documents, ["--stop-words", stop_file],
                                   dict(stop_words=["space", "nasa", "οδος", "漢字"])))
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    stop_documents = [w + " keepme " + w.upper() for w in sorted(ENGLISH_STOP_WORDS)] + ["abouts amoungst2 thereof"]
    results.append(vectorizer_case(work, "lines-every-english-stop-word", stop_documents, [],
                                   dict(stop_words="english")))

    # Records (the fortune format) and newsgroup cleaning on a folder of posts.
    records_path = os.path.join(work, "records.txt")
    records = documents[:80]
    with open(records_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n%\n".join(records) + "\n%\n")
    results.append(sklearn_case(work, "records-percent-separator",
                                [records_path, "--format", "records", "--separator", "%"], records))
    if every_option_here:
        # The same records and the first case's lines, compressed (read whole by one rank).
        with open(records_path, "rb") as f:
            records_bytes = f.read()
        with open(records_path + ".bz2", "wb") as f:
            f.write(bz2.compress(records_bytes))
        results.append(sklearn_case(work, "records-bzip2", [records_path + ".bz2", "--format", "records"], records))
        lines_path = os.path.join(work, "lines-defaults.txt")
        with open(lines_path, "rb") as f:
            lines_bytes = f.read()
        with open(lines_path + ".gz", "wb") as f:
            f.write(gzip.compress(lines_bytes[:len(lines_bytes) // 2]) + gzip.compress(lines_bytes[len(lines_bytes) // 2:]))
        results.append(sklearn_case(work, "lines-gzip-two-members", [lines_path + ".gz", "--format", "lines"],
                                    lines_bytes.decode("utf-8").split("\n")[:-1]))

    if every_option_here:
        results.append(jsonl_case(work, documents))
        results.append(table_case(work, documents))
        results += encoding_cases(work, rng)
        results += skip_malformed_case(work, documents)

    posts_dir = os.path.join(work, "posts")
    posts = []
    for group in ("alpha", "beta"):
        os.makedirs(os.path.join(posts_dir, group), exist_ok=True)
    post_rng = random.Random(7)
    for i in range(60):
        header = "From: someone@example.org\nSubject: %s\n" % random_text(post_rng, 3).replace("\n", " ")
        body_lines = [random_text(post_rng, post_rng.randint(0, 12)).replace("\n", " ") for _ in range(post_rng.randint(0, 8))]
        quote_lines = ["In article <1@x> you write:", "> quoted " + random_text(post_rng, 3).replace("\n", " "),
                       "| piped", "Someone writes: hi", "He said: no", "wrote: yes"]
        for q in quote_lines:
            if post_rng.random() < 0.4:
                body_lines.insert(post_rng.randint(0, len(body_lines)), q)
        signature = post_rng.choice(["", "\n\n-- \nSig Nature nasa", "\n--------\nsignature orbit",
                                     "\n\u00a0\n\u001cfooter space\n", "\n\n\n", "   \n"])
        separator = post_rng.choice(["\n\n", "\n", "\n\n\n"])
        text = header + separator + "\n".join(body_lines) + signature
        if post_rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        group = "alpha" if i % 2 else "beta"
        name = os.path.join(posts_dir, group, "%03d" % i)
        with open(name, "wb") as f:
            f.write(text.encode("latin-1", "replace") if i % 3 == 0 else text.encode("utf-8"))
        posts.append(name)
    # Read every post as latin-1, as fetch_20newsgroups does.
    posts.sort()
    cleaned = []
    for name in posts:
        with open(name, "rb") as f:
            text = f.read().decode("latin-1")
        text = strip_newsgroup_header(text)
        text = strip_newsgroup_footer(text)
        text = strip_newsgroup_quoting(text)
        cleaned.append(text)
    results.append(sklearn_case(work, "files-latin1-strip-all",
                                [posts_dir, "--encoding", "latin-1", "--strip", "headers,footers,quotes"], cleaned))

    # Invalid UTF-8 replaced as Python's errors='replace' does.
    broken = os.path.join(work, "broken.txt")
    raw = b"caf\xc3\xa9 ok\xffword \xe2\x82 tail\xed\xa0\x80x \xf0\x9f\x98 end\xc3\n\xf4\x90\x80\x80zz last\n"
    with open(broken, "wb") as f:
        f.write(raw)
    lines = raw.decode("utf-8", "replace").split("\n")[:-1]
    results.append(sklearn_case(work, "lines-utf8-replace", [broken, "--format", "lines", "--decode-error", "replace"],
                                lines))

    # Count input: UCI bag of words and Matrix Market, against TfidfTransformer.
    count_rng = np.random.default_rng(5)
    counts = sp.random(120, 50, density=0.1, random_state=count_rng, format="csr")
    counts.data = np.ceil(counts.data * 5)
    counts = counts.tolil()
    counts[7, :] = 0  # an empty document
    counts[:, 3] = 0  # a word no document uses: kept, as TfidfTransformer keeps it
    counts = counts.tocsr()
    counts.eliminate_zeros()
    words = ["w%02d" % j for j in range(50)]
    coo = counts.tocoo()
    order = count_rng.permutation(coo.nnz)  # entries in any order
    uci = os.path.join(work, "docword.test.txt")
    with open(uci, "w") as f:
        f.write("%d\n%d\n%d\n" % (120, 50, coo.nnz))
        for k in order:
            f.write("%d %d %d\n" % (coo.row[k] + 1, coo.col[k] + 1, coo.data[k]))
    with open(os.path.join(work, "vocab.test.txt"), "w") as f:
        f.write("\n".join(words) + "\n")
    transformer = TfidfTransformer()
    expected = transformer.fit_transform(counts)
    for kind, path in (("uci", uci), ("mtx", os.path.join(work, "counts.mtx"))):
        if kind == "mtx":
            scipy.io.mmwrite(path, counts.astype(np.int64), field="integer")
            extra = [os.path.join(work, "vocab.test.txt")]
        else:
            extra = []
        output = os.path.join(work, kind + ".h5")
        run_dnmf(["vectorize", "--format", kind, path] + extra + ["-o", output])
        results.append(compare("counts-" + kind, output, expected, words, transformer.idf_))
    # A filter given by the user applies to counts as to text: --min-df 1 drops the
    # unused word, as CountVectorizer(min_df=1) would never have made it.
    used = np.asarray((counts != 0).sum(axis=0)).ravel() > 0
    filtered = TfidfTransformer()
    output = os.path.join(work, "uci_min_df.h5")
    run_dnmf(["vectorize", "--format", "uci", uci, "--min-df", "1", "-o", output])
    results.append(compare("counts-uci --min-df 1", output, filtered.fit_transform(counts[:, used]),
                           [w for w, u in zip(words, used) if u], filtered.idf_))

    passed = sum(results)
    print("%d passed, %d failed (%d ranks)" % (passed, len(results) - passed, ranks()))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
