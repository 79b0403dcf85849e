#!/usr/bin/env python3
"""Every input error a user can make ends the same way at any rank count: one line
"dnmf: error: ..." naming the file (and line or byte offset), a non-zero exit, no rank
left hanging (each run has a time limit), and no output file, finished or partial.

Usage: check_errors.py WORKDIR   (dnmf and the rank count come from the environment)
"""
import gzip
import os
import shutil
import subprocess
import sys

from harness import COMPRESSORS, dnmf_command, ranks, run_dnmf

RESULTS = []


def leftovers(output):
    folder = os.path.dirname(output) or "."
    name = os.path.basename(output)
    return [f for f in os.listdir(folder) if f.startswith(name)] if os.path.isdir(folder) else []


def expect_failure(case, arguments, output, *fragments, run_as=None):
    command = dnmf_command(arguments)
    if run_as is not None:
        command = run_as + command
    try:
        completed = subprocess.run(command, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        RESULTS.append((case, "hung (no exit within 120 s)"))
        return
    stderr = completed.stderr.decode("utf-8", "replace")
    errors = [line for line in stderr.splitlines() if line.startswith("dnmf: error:")]
    problems = []
    if completed.returncode == 0:
        problems.append("exit code 0")
    if len(errors) != 1:
        problems.append("%d error lines: %r" % (len(errors), errors))
    else:
        for fragment in fragments:
            if fragment not in errors[0]:
                problems.append("message %r lacks %r" % (errors[0], fragment))
    if output and leftovers(output):
        problems.append("left files behind: %s" % leftovers(output))
    RESULTS.append((case, "; ".join(problems)))
    print("%-34s %s" % (case, errors[0] if errors and not problems else "FAIL: " + "; ".join(problems)))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def corpus(root, files):
    for name, data in files.items():
        write(os.path.join(root, name), data)
    return root


def main(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "out", "result.h5")
    os.makedirs(os.path.dirname(out))
    good = {"g1/a": b"Some words about space.\n", "g1/b": b"More words here.\n", "g2/c": b"Other text\n",
            "g2/d": b"", "g2/e": b"the and of\n", "g1/f": b"orbit orbit\n"}

    expect_failure("missing path", ["vectorize", os.path.join(work, "nowhere"), "-o", out], out,
                   os.path.join(work, "nowhere"), "no such file")
    os.makedirs(os.path.join(work, "empty"))
    expect_failure("empty folder", ["vectorize", os.path.join(work, "empty"), "-o", out], out,
                   os.path.join(work, "empty"), "no documents")

    bad_utf8 = corpus(os.path.join(work, "bad_utf8"), dict(good, **{"g2/z": b"fine text\nthen caf\xe9 here\n"}))
    expect_failure("invalid utf-8", ["vectorize", bad_utf8, "-o", out], out,
                   os.path.join(bad_utf8, "g2/z"), "invalid UTF-8 at byte offset 18")
    binary = corpus(os.path.join(work, "binary"), dict(good, **{"g1/zz": b"text\x00\x01\x02binary"}))
    expect_failure("binary file", ["vectorize", binary, "-o", out], out,
                   os.path.join(binary, "g1/zz"), "binary file", "byte offset 4")
    groups = corpus(os.path.join(work, "groups"), good)
    expect_failure("--groups names no folder", ["vectorize", groups, "--groups", "g1,nope", "-o", out], out,
                   "nope", groups)

    unreadable = corpus(os.path.join(work, "unreadable"), good)
    secret = os.path.join(unreadable, "g2/c")
    os.chmod(secret, 0)
    run_as = None
    if os.geteuid() == 0:
        # root reads any file: run this case as an unprivileged user instead.
        os.chmod(work, 0o755)
        os.chmod(os.path.dirname(out), 0o777)
        run_as = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    expect_failure("unreadable file", ["vectorize", unreadable, "-o", out], out, secret, "cannot", run_as=run_as)

    uci = os.path.join(work, "docword.bad.txt")
    write(uci, b"3\n4\n3\n1 1 2\n2 x 1\n3 4 1\n")
    write(os.path.join(work, "vocab.bad.txt"), b"a\nb\nc\nd\n")
    expect_failure("malformed UCI line", ["vectorize", "--format", "uci", uci, "-o", out], out, uci + ":5:")
    uci_range = os.path.join(work, "docword.range.txt")
    write(uci_range, b"3\n4\n3\n1 1 2\n2 2 1\n3 9 1\n")
    write(os.path.join(work, "vocab.range.txt"), b"a\nb\nc\nd\n")
    expect_failure("UCI word out of range", ["vectorize", "--format", "uci", uci_range, "-o", out], out,
                   uci_range + ":6:", "1..4")
    uci_gz = os.path.join(work, "docword.gz.txt.gz")
    with gzip.open(uci_gz, "wb") as f:
        f.write(b"3\n4\n3\n1 1 2\n2 2 1\n3 4 -1\n")
    write(os.path.join(work, "vocab.gz.txt"), b"a\nb\nc\nd\n")
    expect_failure("malformed gzip UCI line", ["vectorize", "--format", "uci", uci_gz, "-o", out], out,
                   uci_gz + ":6:")
    truncated = os.path.join(work, "docword.short.txt")
    write(truncated, b"3\n4\n5\n1 1 2\n2 2 1\n")
    write(os.path.join(work, "vocab.short.txt"), b"a\nb\nc\nd\n")
    expect_failure("truncated UCI file", ["vectorize", "--format", "uci", truncated, "-o", out], out,
                   truncated, "declares 5 entries")
    wrong_vocabulary = os.path.join(work, "docword.vocab.txt")
    write(wrong_vocabulary, b"3\n4\n1\n1 1 2\n")
    write(os.path.join(work, "vocab.vocab.txt"), b"a\nb\n")
    expect_failure("UCI vocabulary too short", ["vectorize", "--format", "uci", wrong_vocabulary, "-o", out], out,
                   os.path.join(work, "vocab.vocab.txt"), "2 terms")
    mtx = os.path.join(work, "bad.mtx")
    write(mtx, b"%%MatrixMarket matrix coordinate integer general\n% comment\n3 3 2\n1 1 1\n2 2 1 7\n")
    expect_failure("malformed Matrix Market line", ["vectorize", "--format", "mtx", mtx, "-o", out], out,
                   mtx + ":5:")
    not_mtx = os.path.join(work, "dense.mtx")
    write(not_mtx, b"%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n")
    expect_failure("dense Matrix Market file", ["vectorize", "--format", "mtx", not_mtx, "-o", out], out,
                   not_mtx + ":1:", "coordinate")

    if ranks() == 4:  # parsing the content: the same at any rank count; 4 shows a hang
        jsonl_cases(work, out)
        expect_failure("unknown encoding", ["vectorize", groups, "--encoding", "klingon-8", "-o", out], out,
                       "--encoding", "unknown encoding 'klingon-8'")
        expect_failure("UTF-16 split into lines", ["vectorize", groups, "--format", "lines", "--encoding", "utf-16", "-o",
                                                    out], out, "--encoding utf-16", "--format files")
        cut_short = os.path.join(work, "cut_short_sjis.txt")
        write(cut_short, "ok 東京\n".encode("shift_jis") + b"ok \x82\n")
        expect_failure("Shift_JIS cut short", ["vectorize", cut_short, "--format", "lines", "--encoding", "shift_jis", "-o",
                                               out], out, cut_short, "bytes not valid in shift_jis at byte offset 11")  # 8 bytes of line 1, then "ok "
        expect_failure("--on-error with a typo", ["vectorize", groups, "--format", "lines", "--on-error", "skp", "-o",
                                                  out], out, "--on-error", "skp")
        # Token patterns Python's re refuses, or scikit-learn does.
        for name, pattern, fragment in (("an ICU-only escape", r"\p{L}+", "bad escape \\p at position 0"),
                                        ("two capturing groups", r"(\w)(\w+)", "more than 1 capturing group"),
                                        ("an unterminated class", r"\b[a-z\b", "unterminated character set")):
            expect_failure("--token-pattern with " + name, ["vectorize", groups, "--token-pattern", pattern, "-o", out],
                           out, "--token-pattern '%s'" % pattern, fragment)

    blocker = os.path.join(work, "a_file")
    write(blocker, b"x")
    expect_failure("unwritable output path", ["vectorize", groups, "-o", os.path.join(blocker, "out.h5")], None,
                   os.path.join(blocker, "out.h5"), "cannot write")
    expect_failure("output is a directory", ["vectorize", groups, "-o", os.path.join(work, "out")], None,
                   os.path.join(work, "out"), "directory")
    expect_failure("unknown option", ["vectorize", groups, "--frobnicate", "-o", out], out, "--frobnicate")
    expect_failure("bad --min-df", ["vectorize", groups, "--min-df", "1.5", "-o", out], out, "--min-df", "1.5")
    expect_failure("bad --format", ["vectorize", groups, "--format", "pdf", "-o", out], out, "--format", "pdf")
    expect_failure("--ngram-range 2,1", ["vectorize", groups, "--ngram-range", "2,1", "-o", out], out,
                   "--ngram-range 2,1", "MIN <= MAX")
    expect_failure("--strip-accents latin", ["vectorize", groups, "--strip-accents", "latin", "-o", out], out,
                   "--strip-accents", "latin")
    expect_failure("max-df below min-df", ["vectorize", groups, "--min-df", "3", "--max-df", "2", "-o", out], out,
                   "--max-df", "--min-df")
    expect_failure("missing stop-word file", ["vectorize", groups, "--stop-words", "/no/such/list", "-o", out], out,
                   "/no/such/list")
    only_stop_words = corpus(os.path.join(work, "stop_only"), {"g/a": b"the and of", "g/b": b"a an"})
    expect_failure("only stop words", ["vectorize", only_stop_words, "-o", out], out, "empty vocabulary")
    expect_failure("info on a non-HDF5 file", ["info", blocker], None, blocker, "not an HDF5 file")

    # Empty documents are kept as empty rows and counted.
    completed = run_dnmf(["vectorize", groups, "-o", out])
    empty_ok = "(2 empty)" in completed.stdout and os.path.exists(out) and leftovers(out) == ["result.h5"]
    RESULTS.append(("empty documents kept", "" if empty_ok else "summary: " + completed.stdout))
    print("%-34s %s" % ("empty documents kept", "ok" if empty_ok else "FAIL"))
    plain = os.path.join(work, "plain.h5")
    write_plain_h5(plain)
    expect_failure("info on a non-dnmf HDF5 file", ["info", plain], None, plain, "not a dnmf TF-IDF file")

    factorize_cases(work)
    transform_cases(work)

    failed = [case for case, problem in RESULTS if problem]
    print("%d passed, %d failed (%d ranks)" % (len(RESULTS) - len(failed), len(failed), ranks()))
    return 1 if failed else 0


def jsonl_cases(work, out):
    """--format jsonl: a bad line names the file and the line's byte offset (each bad line
    below starts at byte 25, after a good line and a blank one)."""
    good_line = b'{"text": "space orbit"}\n\n'
    for case, line, fragments in (
            ("jsonl: unterminated string", b'{"text": "no end}\n', ["not valid JSON", "closing quotation mark"]),
            ("jsonl: missing text field", b'{"body": "orbit"}\n', ['no field "text"']),
            ("jsonl: text field a number", b'{"text": 12}\n', ['"text" that is a number']),
            ("jsonl: not an object", b'["orbit"]\n', ["an array, not a JSON object"]),
            ("jsonl: invalid UTF-8", b'{"text": "caf\xe9"}\n', ["Invalid encoding", "--decode-error replace"]),
            ("jsonl: deep nesting", b"[" * 200000 + b"\n", ["not valid JSON"])):
        path = os.path.join(work, case.replace(" ", "_").replace(":", "") + ".jsonl")
        write(path, good_line + line)
        expect_failure(case, ["vectorize", path, "--format", "jsonl", "-o", out], out, path + ": the JSON line",
                       "byte offset 25", *fragments)
    labelled = os.path.join(work, "labelled.jsonl")
    write(labelled, b'{"text": "space orbit", "group": "sci"}\n{"text": "orbit", "group": 1.5}\n')
    expect_failure("jsonl: label a fraction", ["vectorize", labelled, "--format", "jsonl", "--label-field", "group",
                                               "-o", out], out, labelled, '"group" that is a number')
    # Tables: the file and the line of the row at fault.
    for case, table, fragments in (
            ("csv: unbalanced quote", b'text,id\r\n"space orbit",1\r\n"no end,2\r\nmore,3\r\n',
             ["line 3", "not closed"]),
            ("csv: text after a closing quote", b'text,id\n"space" orbit,1\n', ["line 2", "after the closing quote"]),
            ("csv: a row too short", b'text,id\nspace orbit,1\nnasa\n', ["line 3", "1 field,", "header has 2"]),
            ("csv: no text column", b'body,id\nspace orbit,1\n', ['no column "text"', "body, id"])):
        path = os.path.join(work, case.split(": ")[1].replace(" ", "_") + ".csv")
        write(path, table)
        expect_failure(case, ["vectorize", path, "--format", "csv", "-o", out], out, path, *fragments)
    tsv = os.path.join(work, "empty.tsv")
    write(tsv, b"")
    expect_failure("tsv: an empty file", ["vectorize", tsv, "--format", "tsv", "-o", out], out, tsv, "no documents")

    # Compressed input cut short, or followed by bytes that start no further stream.
    text = good_line * 200
    for name, data in ((name, compress(text)) for name, compress in COMPRESSORS.items()):
        truncated = os.path.join(work, "truncated.jsonl." + name)
        write(truncated, data[:len(data) // 2])
        expect_failure("jsonl: a truncated %s file" % name, ["vectorize", truncated, "--format", "jsonl", "-o", out],
                       out, truncated, "the %s stream ends early, at byte offset" % name)
        trailing = os.path.join(work, "trailing.jsonl." + name)
        write(trailing, data + b"not compressed")
        expect_failure("jsonl: bytes after a %s stream" % name, ["vectorize", trailing, "--format", "jsonl", "-o", out],
                       out, trailing, "bytes after the end of the %s stream, at byte offset %d" % (name, len(data)))
    expect_failure("jsonl: --encoding", ["vectorize", labelled, "--format", "jsonl", "--encoding", "latin-1", "-o",
                                         out], out, "--encoding")
    expect_failure("--text-field with lines", ["vectorize", labelled, "--format", "lines", "--text-field", "body",
                                               "-o", out], out, "--text-field")


def factorize_cases(work):
    import numpy as np
    import scipy.sparse as sp
    from dnmf_h5 import read_model, write_tfidf
    rng = np.random.default_rng(1)
    matrix = sp.random(40, 30, density=0.2, random_state=rng, format="csr")
    good = os.path.join(work, "v.h5")
    write_tfidf(good, matrix)
    model = os.path.join(work, "out", "model.h5")
    expect_failure("k = 0", ["factorize", good, "-k", "0", "-o", model], model, "-k 0", "between 1 and 30")
    expect_failure("k too large", ["factorize", good, "-k", "31", "-o", model], model, "-k 31", good)
    for name, value in (("negative", -1.0), ("NaN", float("nan")), ("infinite", float("inf"))):
        bad = matrix.copy()
        bad.data[[3, 5]] = value
        path = os.path.join(work, "v_%s.h5" % name)
        write_tfidf(path, bad)
        row = int(np.searchsorted(bad.indptr, 3, side="right") - 1)
        expect_failure("%s values in V" % name, ["factorize", path, "-k", "2", "-o", model], model, path,
                       "2 entries", "first at row %d, column %d" % (row, bad.indices[3]))
    expect_failure("unknown solver", ["factorize", good, "-k", "2", "--solver", "als", "-o", model], model,
                   "--solver", "als")
    expect_failure("unknown factorize option", ["factorize", good, "-k", "2", "--learning-rate", "1", "-o", model],
                   model, "--learning-rate")
    expect_failure("unknown loss", ["factorize", good, "-k", "2", "--solver", "mu", "--loss", "hellinger", "-o", model],
                   model, "--loss", "hellinger")
    expect_failure("hals with another loss", ["factorize", good, "-k", "2", "--loss", "kl", "-o", model], model,
                   "--loss kullback-leibler", "--solver hals", "frobenius loss only")
    expect_failure("kl-cd with another loss", ["factorize", good, "-k", "2", "--solver", "kl-cd", "--loss",
                                               "frobenius", "-o", model], model, "--solver kl-cd",
                   "kullback-leibler loss only")
    expect_failure("negative --alpha-w", ["factorize", good, "-k", "2", "--alpha-w", "-0.1", "-o", model], model,
                   "--alpha-w", "negative")
    expect_failure("negative --alpha-h", ["factorize", good, "-k", "2", "--alpha-h", "-1", "-o", model], model,
                   "--alpha-h", "negative")
    expect_failure("--l1-ratio above 1", ["factorize", good, "-k", "2", "--l1-ratio", "1.5", "-o", model], model,
                   "--l1-ratio", "above 1")
    expect_failure("--l1-ratio below 0", ["factorize", good, "-k", "2", "--l1-ratio", "-0.5", "-o", model], model,
                   "--l1-ratio", "negative")
    for solver in ("gd", "sgd", "adam"):
        expect_failure("a penalty with " + solver, ["factorize", good, "-k", "2", "--solver", solver, "--alpha-w",
                                                    "0.1", "-o", model], model, "--solver " + solver, "--lambda")
    # Itakura-Saito divides by V's entries: refused on a sparse matrix, agreed by every rank.
    expect_failure("itakura-saito on zeros", ["factorize", good, "-k", "2", "--solver", "mu", "--loss", "is", "-o",
                                              model], model, good, "--loss itakura-saito", "entries are zero")
    plain = os.path.join(work, "plain_matrix.h5")
    write_plain_h5(plain)
    expect_failure("not a dnmf matrix", ["factorize", plain, "-k", "2", "-o", model], model, plain, "not a dnmf")
    text = os.path.join(work, "a_file")
    expect_failure("not HDF5 at all", ["factorize", text, "-k", "2", "-o", model], model, text, "not an HDF5 file")
    expect_failure("init file of the wrong shape", ["factorize", good, "-k", "3", "--init", "file", "--init-file", good,
                                                    "-o", model], model, good, "/W")

    # A diverging gd stops, says so, and keeps its last finite iterate.
    completed = run_dnmf(["factorize", good, "-k", "3", "--solver", "gd", "--lr", "50", "--max-iter", "100",
                          "--tol", "0", "-o", model])
    W, H, history, attributes = read_model(model)
    ok = ("diverged" in completed.stdout and attributes["stop_reason"] == "diverged" and np.isfinite(W).all()
          and np.isfinite(H).all() and np.isfinite(history["error"]).all())
    RESULTS.append(("diverging gd keeps its last finite iterate", "" if ok else completed.stdout))
    print("%-34s %s" % ("diverging gd", "ok" if ok else "FAIL: " + completed.stdout))


def transform_cases(work):
    """A model applied to documents it cannot take, or a model that cannot be applied."""
    import numpy as np
    from dnmf_h5 import edited_copy
    texts = {"g1/a": b"orbit launch rocket nasa\n", "g1/b": b"rocket orbit moon\n", "g2/c": b"god faith church\n",
             "g2/d": b"church god bible faith\n", "g1/e": b"nasa moon launch\n"}
    texts_corpus = corpus(os.path.join(work, "transform_corpus"), texts)
    train = os.path.join(work, "transform_train.h5")
    model = os.path.join(work, "transform_model.h5")
    run_dnmf(["vectorize", texts_corpus, "-o", train])
    run_dnmf(["factorize", train, "-k", "2", "-o", model])
    out = os.path.join(work, "out", "topics_of_new.h5")

    def edited(name, edit):
        return edited_copy(model, os.path.join(work, "transform_%s.h5" % name), edit)

    old_model = edited("old_model", lambda f: f.__delitem__("vectorizer"))
    expect_failure("transform: a model without its vectorizer", ["transform", old_model, texts_corpus, "-o", out], out,
                   old_model, "before models kept their vectorizer")
    no_vocabulary = edited("no_vocabulary", lambda f: f.__delitem__("vocabulary"))
    expect_failure("transform: a model without vocabulary", ["transform", no_vocabulary, texts_corpus, "-o", out], out,
                   no_vocabulary, "/vocabulary")

    def nan_in_h(f):
        f["H"][0, 1] = np.nan
    nan_model = edited("nan", nan_in_h)
    expect_failure("transform: NaN in the model's H", ["transform", nan_model, train, "-o", out], out, nan_model,
                   "/H holds nan")
    other = os.path.join(work, "transform_other.h5")
    run_dnmf(["vectorize", corpus(os.path.join(work, "other_corpus"), {"x/1": b"cats dogs\n", "x/2": b"dogs mice\n"}),
              "-o", other])
    expect_failure("transform: another vocabulary", ["transform", model, other, "-o", out], out, other,
                   "vocabulary is not", "--vocabulary-from " + model)
    expect_failure("transform: a disagreeing option", ["transform", model, texts_corpus, "--norm", "l1", "-o", out],
                   out, "--norm l1 disagrees with " + model)
    empty = os.path.join(work, "transform_empty.txt")
    write(empty, b"")
    expect_failure("transform: no documents", ["transform", model, empty, "--format", "lines", "-o", out], out, empty,
                   "no documents")
    expect_failure("transform: a model as input", ["transform", model, model, "-o", out], out, model,
                   "not a TF-IDF file or a corpus")
    expect_failure("transform: hals for another loss", ["transform", edited("kl", lambda f: f.attrs.__setitem__(
        "loss", "kullback-leibler")), train, "--solver", "hals", "-o", out], out, "--solver hals", "use --solver mu")
    expect_failure("transform: a TF-IDF file as model", ["transform", train, train, "-o", out], out, train,
                   "not a dnmf model")
    expect_failure("evaluate: a TF-IDF file (no topics)", ["evaluate", train], None, train, "not a dnmf model")
    expect_failure("evaluate: --diversity-top 0", ["evaluate", model, "--diversity-top", "0"], None,
                   "--diversity-top")
    evaluation = os.path.join(work, "out", "evaluation.json")
    other_texts = corpus(os.path.join(work, "evaluate_other"), dict(texts, **{"g2/f": b"faith comet moon\n"}))
    expect_failure("evaluate: not the model's corpus", ["evaluate", model, other_texts, "-o", evaluation], evaluation,
                   other_texts, "is not the corpus of " + model, "vocabulary differs")
    expect_failure("evaluate: --top above the vocabulary", ["evaluate", model, "--top", "100", "-o", evaluation],
                   evaluation, "--top 100", "has only")
    missing = os.path.join(work, "no_such_corpus")
    expect_failure("evaluate: a missing corpus", ["evaluate", model, missing, "-o", evaluation], evaluation, missing)
    expect_failure("evaluate: -o over the model", ["evaluate", model, "-o", model], None, model, "-o")
    if ranks() == 2:  # dnmf plot draws on rank 0 alone: its errors are the same at any count
        plot_cases(work, train, model, texts_corpus)
    counts_model = edited("counts", lambda f: f["vectorizer"].attrs.__setitem__("input_format", "mtx"))
    expect_failure("evaluate: coherence of counts", ["evaluate", counts_model, texts_corpus], None, "coherence",
                   "made from counts")


def plot_cases(work, train, model, texts_corpus):
    pictures = os.path.join(work, "out", "pictures")
    expect_failure("plot: a TF-IDF file", ["plot", train, "-o", pictures], pictures, train,
                   "not a dnmf model, transform output or select-k table")
    expect_failure("plot: a missing file", ["plot", os.path.join(work, "nothing.h5"), "-o", pictures], pictures,
                   os.path.join(work, "nothing.h5"), "no such file")
    expect_failure("plot: not HDF5", ["plot", texts_corpus + "/g1/a", "-o", pictures], pictures,
                   texts_corpus + "/g1/a", "not an HDF5 file")
    expect_failure("plot: -o a file", ["plot", model, "-o", texts_corpus + "/g1/b"], None, texts_corpus + "/g1/b",
                   "cannot make the folder")
    expect_failure("plot: no -o", ["plot", model], None, "-o/--output", "dnmf plot --help")
    damaged = os.path.join(work, "transform_no_vocabulary.h5")  # made by transform_cases
    expect_failure("plot: a model without vocabulary", ["plot", damaged, "-o", pictures], None, damaged,
                   "cannot draw topics-transform_no_vocabulary")


def write_plain_h5(path):
    import h5py
    with h5py.File(path, "w") as f:
        f["x"] = [1, 2, 3]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
