#!/usr/bin/env python3
"""The fault suite (issue: faults and hostile input). Each finding is a group of cases;
see faults.py for what every case asserts.

Usage: check_faults.py WORKDIR [GROUP...]   (the named groups only; dnmf and the rank count come from the environment, as
for the other checks: DNMF_BINARY, DNMF_MPIEXEC, DNMF_RANKS)
"""
import contextlib
import os
import random
import shutil
import subprocess
import sys
import time

import numpy as np

import faults
from faults import checksum, run, small_filesystem
from dnmf_h5 import edited_copy  # noqa: E402 (tests/scripts, on the path faults.py sets)
from harness import ranks, run_dnmf  # noqa: E402  (faults.py puts tests/scripts on the path)


def make_corpus(root, documents=600, seed=7):
    """A corpus of three groups whose TF-IDF (~50,000 nonzeros) and models outgrow a
    64 KiB file system."""
    rng = random.Random(seed)
    words = ["w%04d" % i for i in range(3000)]
    for d in range(documents):
        group = os.path.join(root, "group%d" % (d % 3))
        os.makedirs(group, exist_ok=True)
        with open(os.path.join(group, "doc%04d" % d), "w") as f:
            f.write(" ".join(rng.choice(words[(d % 3) * 1000:(d % 3) * 1000 + 1200]) for _ in range(90)) + "\n")
    return root


def disk_full(work, corpus, tfidf):
    """Finding 1: a full disk while writing the TF-IDF file, the model or a snapshot."""
    full = os.path.join(work, "full")
    with small_filesystem(full):
        out = os.path.join(full, "tfidf.h5")
        run("disk full: vectorize output", ["vectorize", corpus, "-o", out], inputs=[corpus], output=out,
            fragments=[out, "no space left on the device"])
        model = os.path.join(full, "model.h5")
        run("disk full: factorize model", ["factorize", tfidf, "-k", "5", "--max-iter", "3", "-o", model],
            inputs=[tfidf], output=model, fragments=[model, "no space left on the device"])
        # A snapshot that cannot be written stops the run, which still writes its model.
        model = os.path.join(work, "model_after_full_snapshot.h5")
        checkpoints = os.path.join(full, "checkpoints")
        done = run("disk full: snapshot", ["factorize", tfidf, "-k", "5", "--max-iter", "20", "--checkpoint",
                                           checkpoints, "--checkpoint-every", "5", "-o", model],
                   inputs=[tfidf], fragments=[checkpoints, "no space left on the device", "write the model"])
        if done is not None and ("stopped: snapshot-failed" not in done.stdout or not os.path.exists(model)):
            faults.report("disk full: snapshot keeps the model", ["no model written after the failed snapshot"])
        # select-k's run files (each group of ranks writes its own: still one message).
        table, runs = os.path.join(full, "select_k.h5"), os.path.join(full, "runs")
        run("disk full: select-k runs", ["select-k", tfidf, "--ks", "2:3", "--repeats", "2", "--no-coherence",
                                         "--runs", runs, "-o", table], inputs=[tfidf], output=table,
            fragments=[runs, "no space left on the device"])
        if os.path.exists(model):
            pictures = os.path.join(full, "pictures")
            run("disk full: plot", ["plot", model, "-o", pictures], inputs=[model],
                fragments=[pictures, "cannot write the picture"])
        faults.temporaries_left(full)


def output_over_input(work, corpus, tfidf):
    """Finding 3: an output path that is an input, inside an input folder, or in the
    checkpoint folder is refused before any work, comparing real paths."""
    inside = os.path.join(corpus, "group0", "doc0000")
    run("-o is a file of the corpus", ["vectorize", corpus, "-o", inside], inputs=[corpus],
        fragments=[inside, "inside the input folder"])
    run("-o is an input file", ["vectorize", inside, os.path.join(corpus, "group1"), "-o", inside], inputs=[corpus],
        fragments=[inside, "would overwrite the input"])
    fresh = os.path.join(corpus, "new.h5")
    run("-o inside the corpus folder", ["vectorize", corpus, "-o", fresh], inputs=[corpus], output=fresh,
        fragments=[fresh, "inside the input folder"])
    run("factorize -o is its input", ["factorize", tfidf, "-k", "3", "-o", tfidf], inputs=[tfidf],
        fragments=[tfidf, "would overwrite the input"])
    link = os.path.join(work, "link.h5")
    os.symlink(tfidf, link)
    roundabout = os.path.join(work, "nowhere", "..", os.path.basename(tfidf))
    run("factorize -o reaches its input another way", ["factorize", link, "-k", "3", "-o", roundabout],
        inputs=[tfidf], fragments=[roundabout, "would overwrite the input"])
    checkpoints = os.path.join(work, "checkpoints")
    run("-o is the checkpoint folder", ["factorize", tfidf, "-k", "3", "--checkpoint", checkpoints, "-o",
                                        checkpoints], inputs=[tfidf], fragments=[checkpoints, "--checkpoint"])
    run("select-k -o is its input", ["select-k", tfidf, "--ks", "2", "-o", tfidf], inputs=[tfidf],
        fragments=[tfidf, "would overwrite the input"])
    inside = os.path.join(checkpoints, "model.h5")
    run("-o inside the checkpoint folder", ["factorize", tfidf, "-k", "3", "--checkpoint", checkpoints, "-o",
                                            inside], inputs=[tfidf], output=inside, fragments=[inside, "--checkpoint"])


def nonsense_numbers(work, corpus, tfidf):
    """Finding 7: values no run can use are refused before any work."""
    model = os.path.join(work, "model_nonsense.h5")
    for option, value, words in [("--lr", "-0.1", "not positive"), ("--lr", "0", "not positive"),
                                 ("--adam-lr", "-1e-3", "not positive"), ("--tol", "-1", "negative"),
                                 ("--max-time", "-5", "negative"), ("--monitor", "-1", "negative"),
                                 ("--lr-decay", "0", "not positive"), ("--lambda", "-1", "negative")]:
        run("factorize %s %s" % (option, value), ["factorize", tfidf, "-k", "3", option, value, "-o", model],
            inputs=[tfidf], output=model, fragments=[option, words], status=2)


def typos(work, corpus, tfidf):
    """Finding 11: a single-dash option nobody uses is an error, not a silent default; a
    bad options file gets one dnmf line; usage errors exit with status 2."""
    model = os.path.join(work, "model_typo.h5")
    run("factorize -max-iter (a typo)", ["factorize", tfidf, "-k", "3", "-max-iter", "5", "-o", model],
        inputs=[tfidf], output=model, fragments=["-max-iter", "unknown option"], status=2)
    out = os.path.join(work, "typo.h5")
    run("vectorize -min-df (a typo)", ["vectorize", corpus, "-min-df", "2", "-o", out], inputs=[corpus],
        output=out, fragments=["-min-df", "unknown option"], status=2)
    run("info -rank (a typo)", ["info", tfidf, "-rank", "2"], inputs=[tfidf], fragments=["-rank", "unknown option"],
        status=2)
    options = os.path.join(work, "options.txt")
    with open(options, "w") as f:
        f.write("-max_iter 5\n-tolerance 1e-3\n")
    run("unknown option in an options file", ["factorize", tfidf, "-k", "3", "-options_file", options, "-o", model],
        inputs=[tfidf, options], output=model, fragments=["-tolerance", "unknown option"], status=2)
    for name, path, words in [("missing", os.path.join(work, "no_options.txt"), "no such file"),
                              ("a folder", work, "not a regular file")]:
        done = run("-options_file %s" % name, ["factorize", tfidf, "-k", "3", "-options_file", path, "-o", model],
                   inputs=[tfidf], output=model, fragments=[path, "-options_file", words], status=2)
        if done is not None and "PETSC ERROR" in done.stderr:
            faults.report("-options_file %s: no PETSc block" % name, ["PETSc printed its own error"])
    for name, arguments, words in [("unknown option", ["factorize", tfidf, "--kk", "3"], "--kk"),
                                   ("no -k", ["factorize", tfidf, "-o", model], "-k K"),
                                   ("a word for a number", ["factorize", tfidf, "-k", "many", "-o", model], "many"),
                                   ("an unknown solver", ["factorize", tfidf, "-k", "3", "--solver", "als", "-o", model], "als"),
                                   ("no input", ["vectorize", "-o", out], "no input"),
                                   ("two models", ["topics", model, model], "one model"),
                                   ("unknown command", ["factorise", tfidf], "unknown command")]:
        run("usage: %s" % name, arguments, inputs=[tfidf], fragments=[words], status=2)
    for command in ("vectorize", "factorize", "topics", "info"):
        run("dnmf %s --help" % command, [command, "--help"], status=0, errors=0)
    # The options file's spelling of a real option is used, and the command line wins over it.
    good = os.path.join(work, "good_options.txt")
    with open(good, "w") as f:
        f.write("-max_iter 5\n")
    done = run("known options in an options file", ["factorize", tfidf, "-k", "3", "-options_file", good,
                                                    "--max-iter", "3", "-o", model], inputs=[tfidf], status=0,
               errors=0)
    if done is not None and "after 3 iterations" not in done.stdout:
        faults.report("the command line wins over an options file", ["not 3 iterations: " + done.stdout[:200]])
    os.remove(model) if os.path.exists(model) else None


def damaged_matrix(work, corpus, tfidf):
    """Finding 2: a damaged TF-IDF file is refused by every rank together, whichever rank
    reads the damage (here the last rows, read by the last rank)."""
    import h5py

    def damaged(name, edit):
        return edited_copy(tfidf, os.path.join(work, "damaged_%s.h5" % name), edit)

    def set_last_row(f, first, second):
        indptr = f["tfidf/indptr"][:]
        start = int(indptr[-2])
        f["tfidf/indices"][start] = first
        if second is not None:
            f["tfidf/indices"][start + 1] = second

    columns = int(h5py.File(tfidf, "r")["tfidf"].attrs["shape"][1])
    model = os.path.join(work, "model_damaged.h5")
    cases = [("column out of range", lambda f: set_last_row(f, columns, None), "out of range"),
             ("negative column", lambda f: set_last_row(f, -1, None), "out of range"),
             ("columns not increasing", lambda f: set_last_row(f, 7, 7), "not increasing"),
             ("shape beyond 32-bit indices",
              lambda f: f["tfidf"].attrs.__setitem__("shape", np.array([3000000000, columns], dtype=np.int64)),
              "more rows or columns than"),
             ("vocabulary offsets decreasing",
              lambda f: f["vocabulary/offsets"].__setitem__(len(f["vocabulary/offsets"]) - 2, 0), "offsets")]
    for name, edit, words in cases:
        path = damaged(name.replace(" ", "_"), edit)
        run("damaged: %s" % name, ["factorize", path, "-k", "3", "--max-iter", "2", "-o", model], inputs=[path],
            output=model, fragments=[path, words])


def unusable_values(work, corpus, tfidf):
    """Finding 7 (rest): values too large for double precision, an all-zero matrix."""
    import h5py

    def scaled(name, factor):
        def scale(f):
            f["tfidf/data"][...] = f["tfidf/data"][:] * factor
        return edited_copy(tfidf, os.path.join(work, "scaled_%s.h5" % name), scale)

    model = os.path.join(work, "model_values.h5")
    huge = scaled("1e200", 1e200)
    run("values whose squares overflow", ["factorize", huge, "-k", "3", "-o", model], inputs=[huge], output=model,
        fragments=[huge, "too large"])
    # Squares that fit, but a starting error that overflows on the way.
    large = scaled("1e152", 1e152)
    run("a start whose error overflows", ["factorize", large, "-k", "3", "--max-iter", "20", "-o", model],
        inputs=[large], output=model, fragments=[model, "not finite"])
    # Large values that double precision can still carry: a finite model. (From a random
    # start: nndsvda's start is not yet scale-equivariant, see the issue notes.)
    large = scaled("1e100", 1e100)
    done = run("large values that still fit", ["factorize", large, "-k", "3", "--init", "random", "--max-iter", "20",
                                                "-o", model], inputs=[large], status=0, errors=0)
    if done is not None and os.path.exists(model):
        with h5py.File(model, "r") as f:
            if not (np.isfinite(f["W"][:]).all() and np.isfinite(f["H"][:]).all()):
                faults.report("large values that still fit: a finite model", ["W or H not finite"])
        os.remove(model)
    zero = scaled("zero", 0.0)
    done = run("an all-zero matrix", ["factorize", zero, "-k", "3", "--max-iter", "5", "-o", model], inputs=[zero],
               status=0, errors=0)
    if done is not None and ("nan" in done.stdout.lower()):
        faults.report("an all-zero matrix: no NaN in the report", [done.stdout.strip().splitlines()[1]])
    if os.path.exists(model):
        with h5py.File(model, "r") as f:
            if not (np.isfinite(f["W"][:]).all() and np.isfinite(f["H"][:]).all()):
                faults.report("an all-zero matrix: a finite model", ["W or H not finite"])
        os.remove(model)


def wrong_kinds_of_files(work, corpus, tfidf):
    """Finding 6: a file option takes regular files only, and a corpus file that grows
    while it is read is read as it was listed."""
    out = os.path.join(work, "kinds.h5")
    for name, path in [("a folder", corpus), ("/dev/zero", "/dev/zero")]:
        run("--stop-words is %s" % name, ["vectorize", corpus, "--stop-words", path, "-o", out], inputs=[corpus],
            output=out, fragments=[path, "not a regular file"], timeout=60)
    # Every other option or argument that names one file, given a folder, a device or a
    # FIFO (which would block the open of a reader without a writer).
    fifo = os.path.join(work, "fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    counts = os.path.join(work, "counts.mtx")
    with open(counts, "w") as f:
        f.write("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 1\n2 2 3\n")
    model = os.path.join(work, "model_kinds.h5")
    for name, arguments, path, words in [
            ("--init-file is a folder", ["factorize", tfidf, "-k", "3", "--init", "file", "--init-file", corpus],
             corpus, "not a regular file (a folder)"),
            ("--init-file is a FIFO", ["factorize", tfidf, "-k", "3", "--init", "file", "--init-file", fifo], fifo,
             "not a regular file (a device, FIFO or socket)"),
            ("the TF-IDF file is a FIFO", ["factorize", fifo, "-k", "3"], fifo, "not a regular file"),
            ("--restart is /dev/zero", ["factorize", tfidf, "-k", "3", "--restart", "/dev/zero"], "/dev/zero",
             "not a regular file"),
            ("the counts file is a folder", ["vectorize", "--format", "mtx", corpus], corpus, "not a regular file"),
            ("the counts file is /dev/zero", ["vectorize", "--format", "uci", "/dev/zero", counts], "/dev/zero",
             "not a regular file"),
            ("the vocabulary file is /dev/zero", ["vectorize", "--format", "mtx", counts, "/dev/zero"], "/dev/zero",
             "vocabulary file: not a regular file"),
            ("topics of a folder", ["topics", corpus], corpus, "not a regular file")]:
        output = [] if arguments[0] == "topics" else ["-o", model if arguments[0] == "factorize" else out]
        run(name, arguments + output, inputs=[tfidf], output=output[-1] if output else None,
            fragments=[path, words], timeout=60)

    growing = os.path.join(work, "growing")
    shutil.copytree(corpus, growing)
    grower = subprocess.Popen([sys.executable, "-c", (
        "import time\n"
        "with open(%r, 'a') as f:\n"
        "    while True:\n"
        "        f.write('more words ' * 100 + '\\n'); f.flush(); time.sleep(0.001)\n") %
        os.path.join(growing, "group0", "doc0000")])
    try:
        run("a corpus file growing while read", ["vectorize", growing, "-o", out], status=0, errors=0, timeout=60)
    finally:
        grower.kill()
        grower.wait()
    if os.path.exists(out):
        os.remove(out)


def messages(work, corpus, tfidf):
    """Finding 12 (part): each message blames what is wrong with what the user gave."""
    small = os.path.join(work, "four")
    for i in range(4):
        os.makedirs(os.path.join(small, "g"), exist_ok=True)
        with open(os.path.join(small, "g", "d%d" % i), "w") as f:
            f.write("orbit launch rocket %d\n" % i)
    out = os.path.join(work, "messages.h5")
    run("--min-df beyond the documents", ["vectorize", small, "--min-df", "10", "-o", out], inputs=[small],
        output=out, fragments=["--min-df 10", "only 4"])
    empty = os.path.join(work, "empty.txt")
    open(empty, "w").close()
    run("an input without documents", ["vectorize", "--format", "lines", empty, "-o", out], inputs=[empty],
        output=out, fragments=[empty, "no documents"])

    # Count files: the stream and the header are blamed for what is wrong with them.
    import gzip
    body = ("%%MatrixMarket matrix coordinate integer general\n4 5 6\n" +
            "".join("%d %d %d\n" % (i % 4 + 1, i % 5 + 1, i + 1) for i in range(6))).encode()
    packed = gzip.compress(body)
    damaged = bytearray(packed)
    damaged[30] ^= 0xFF
    for name, data, words in [("a truncated gzip file", packed[:-12], "ends early, at byte offset"),
                              ("bytes after the gzip stream", packed + b"trailing bytes", "after the end of the gzip"),
                              ("damaged gzip data", bytes(damaged), "damaged gzip data near byte offset"),
                              ("more entries than declared", body + b"1 1 1\n", "holds 7 (a wrong header"),
                              ("fewer entries than declared", body[:body.rindex(b"\n", 0, -1) + 1], "a truncated file"),
                              ("a 0 x 0 matrix", b"%%MatrixMarket matrix coordinate integer general\n0 0 0\n",
                               "no documents")]:
        path = os.path.join(work, name.replace(" ", "_") + (".mtx.gz" if data[:2] == b"\x1f\x8b" else ".mtx"))
        with open(path, "wb") as f:
            f.write(data)
        run("counts: %s" % name, ["vectorize", "--format", "mtx", path, "-o", out], inputs=[path], output=out,
            fragments=[path, words])
    concatenated = os.path.join(work, "two_members.mtx.gz")
    with open(concatenated, "wb") as f:
        f.write(gzip.compress(body[:60]) + gzip.compress(body[60:]))
    run("counts: concatenated gzip members are one stream", ["vectorize", "--format", "mtx", concatenated, "-o", out],
        status=0, errors=0)
    os.remove(out) if os.path.exists(out) else None

    # A TF-IDF file of no rows and no columns (written by hand to dnmf's format): nothing
    # to factorize, said as such, not "k between 1 and 0".
    import h5py
    nothing = os.path.join(work, "nothing.h5")
    with h5py.File(nothing, "w") as f:
        f.attrs["format"] = "dnmf-tfidf"
        f.attrs["format_version"] = np.int64(1)
        f.create_group("tfidf").attrs["shape"] = np.array([0, 0], dtype=np.int64)
        f["tfidf/data"] = np.zeros(0)
        f["tfidf/indices"] = np.zeros(0, dtype=np.int32)
        f["tfidf/indptr"] = np.zeros(1, dtype=np.int64)
        for table in ("vocabulary", "documents"):
            f[table + "/utf8"] = np.zeros(0, dtype=np.uint8)
            f[table + "/offsets"] = np.zeros(1, dtype=np.int64)
        f["idf"] = np.zeros(0)
        f["document_frequency"] = np.zeros(0, dtype=np.int64)
    model = os.path.join(work, "model_nothing.h5")
    run("factorize a 0 x 0 matrix", ["factorize", nothing, "-k", "2", "-o", model], inputs=[nothing], output=model,
        fragments=[nothing, "the matrix is empty (0 x 0)"])


def shared_checkpoint_folder(work, corpus, tfidf):
    """Finding 4: a second run on a --checkpoint folder in use is refused, naming the run
    that holds it, and the first run's snapshots survive."""
    import signal
    import time
    from harness import dnmf_command
    checkpoints = os.path.join(work, "shared_checkpoints")
    first_model = os.path.join(work, "model_first.h5")
    first = subprocess.Popen(dnmf_command(["factorize", tfidf, "-k", "3", "--max-iter", "100000000", "--tol", "0",
                                           "--checkpoint", checkpoints, "--checkpoint-every", "50", "-o",
                                           first_model]), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not (os.path.isdir(checkpoints) and any(
                n.startswith("snapshot-") for n in os.listdir(checkpoints))):
            time.sleep(0.2)
        second_model = os.path.join(work, "model_second.h5")
        run("a second run on a checkpoint folder in use", ["factorize", tfidf, "-k", "3", "--checkpoint", checkpoints,
                                                           "-o", second_model], inputs=[tfidf], output=second_model,
            fragments=[checkpoints, "another dnmf run", "PID"])
    finally:
        os.killpg(first.pid, signal.SIGUSR1)  # as Slurm asks a job to stop: mpirun forwards it
        output = first.communicate(timeout=60)[0].decode("utf-8", "replace")
    if "stopped early (signal)" not in output or not any(n.startswith("snapshot-") for n in os.listdir(checkpoints)):
        faults.report("the first run on a shared folder keeps its work", output.strip().splitlines()[-1:])
    if os.path.exists(first_model):
        os.remove(first_model)
    # Once the first run has ended, its folder is free for the run that continues it.
    done = run("the folder is free after the run ends", ["factorize", tfidf, "-k", "3", "--max-iter", "1",
                                                          "--tol", "0", "--checkpoint", checkpoints, "--restart",
                                                          checkpoints, "-o", first_model], inputs=[tfidf],
               status=0, errors=0)
    if done is not None and "resuming at iteration" not in done.stdout:
        faults.report("the folder is free after the run ends: resumed", [done.stdout[:200]])
    if os.path.exists(first_model):
        os.remove(first_model)


def declared_sizes(work, corpus, tfidf):
    """Finding 5: sizes a header declares are checked before anything is allocated for
    them, and an impossible one ends in one message, not minutes of work or an abort."""
    out = os.path.join(work, "sizes.h5")
    entries = "1 1 2\n2 2 1\n3 1 1\n"
    cases = [("mtx", "1000000000000 5 3", "1000000000000 rows (documents), more than the 2147483647"),
             ("mtx", "3000000000 5 3", "3000000000 rows"),
             ("mtx", "5 3000000000 3", "3000000000 columns (terms), more than the 2147483647"),
             ("mtx", "5 2147483647 3", "per rank"),
             ("mtx", "5 5 100000000", "more than its"),
             ("uci", "3000000000\n5\n3", "3000000000 rows")]
    for number, (kind, sizes, words) in enumerate(cases):
        path = os.path.join(work, "sizes%d.%s" % (number, kind))
        banner = "%%MatrixMarket matrix coordinate integer general\n" if kind == "mtx" else ""
        with open(path, "w") as f:
            f.write(banner + sizes + "\n" + entries)
        arguments = ["vectorize", "--format", kind, path] + (["/dev/null"] if kind == "uci" else []) + ["-o", out]
        run("declared %s: %s" % (kind, sizes.replace("\n", " ")), arguments, inputs=[path], output=out,
            fragments=[path, words], timeout=60)


def inconsistent_files(work, corpus, tfidf):
    """Finding 8: every file dnmf reads is checked against its documented format: lists
    that do not match the factors, label numbers beyond the label names, snapshot
    attributes edited after writing."""
    model = os.path.join(work, "model_consistent.h5")
    checkpoints = os.path.join(work, "consistent_checkpoints")
    run_dnmf(["factorize", tfidf, "-k", "3", "--max-iter", "4", "--checkpoint", checkpoints, "--checkpoint-every",
              "4", "-o", model])
    snapshot = os.path.join(checkpoints, "snapshot-0000000004.h5")
    # info describes each kind of dnmf file (it refused models and snapshots).
    for path, words in [(tfidf, "dnmf TF-IDF matrix"), (model, "3 topics x 3000 terms"),
                        (snapshot, "iteration 4, written by %d ranks" % ranks())]:
        done = run("info of %s" % os.path.basename(path), ["info", path], status=0, errors=0)
        if done is not None and words not in done.stdout:
            faults.report("info of %s: describes it" % os.path.basename(path), [done.stdout[:300]])

    def edited(original, name, edit):
        return edited_copy(original, os.path.join(work, "inconsistent_%s.h5" % name.replace(" ", "_")), edit)

    def shorter_w(f):
        w = f["W"][:-1]
        del f["W"]
        f["W"] = w

    for name, edit, words in [("W shorter than the documents", shorter_w, "/documents holds"),
                              ("a label beyond the names", lambda f: f["labels"].__setitem__(5, 99), "/labels holds 99"),
                              ("a negative label", lambda f: f["labels"].__setitem__(0, -2), "/labels holds -2")]:
        path = edited(model, name, edit)
        run("topics: %s" % name, ["topics", path], inputs=[path], fragments=[path, words])

    def shorter_idf(f):
        idf = f["idf"][:-1]
        del f["idf"]
        f["idf"] = idf

    path = edited(tfidf, "idf shorter than the columns", shorter_idf)
    out = os.path.join(work, "model_inconsistent.h5")
    run("factorize: /idf shorter than the columns", ["factorize", path, "-k", "3", "-o", out], inputs=[path],
        output=out, fragments=[path, "/idf holds"])
    for name, edit, words in [
            ("negative iteration", lambda f: f.attrs.__setitem__("iteration", np.int64(-3)), "not those of a run"),
            ("later iteration", lambda f: f.attrs.__setitem__("iteration", np.int64(40)), "checksum"),
            ("edited solver scalar", lambda f: f.attrs.__setitem__("real:final_error", 1.0), "checksum"),
            ("edited history", lambda f: f["history/error"].__setitem__(0, 1.0), "checksum")]:
        path = edited(snapshot, "snapshot " + name, edit)
        run("restart: snapshot with %s" % name, ["factorize", tfidf, "-k", "3", "--restart", path, "-o", out],
            inputs=[path, tfidf], output=out, fragments=[path, words])
    os.remove(model)


def names_not_utf8(work, corpus, tfidf):
    """Finding 9: file and folder names that are not UTF-8 are stored as valid UTF-8
    (invalid bytes as \\xNN), so the files load and topics prints valid JSON."""
    import h5py
    import json
    root = os.path.join(work, "latin1_names").encode()
    for folder, name, text in [(b"caf\xe9", b"d\xff1", "orbit launch rocket"), (b"plain", b"d2", "god faith church"),
                               (b"plain", b"d3", "orbit faith rocket")]:
        os.makedirs(os.path.join(root, folder), exist_ok=True)
        with open(os.path.join(root, folder, name), "w") as f:
            f.write(text + "\n")
    out = os.path.join(work, "latin1.h5")
    model = os.path.join(work, "latin1_model.h5")
    if run("names not UTF-8: vectorize", ["vectorize", root.decode("utf-8", "surrogateescape"), "-o", out], status=0,
           errors=0) is None:
        return
    run("names not UTF-8: factorize", ["factorize", out, "-k", "2", "-o", model], status=0, errors=0)
    with h5py.File(model, "r") as f:  # the loader of docs/formats.md: strict UTF-8
        try:
            tables = {name: [f[name + "/utf8"][a:b].tobytes().decode("utf-8") for a, b in
                             zip(f[name + "/offsets"][:-1], f[name + "/offsets"][1:])]
                      for name in ("documents", "label_names")}
            if "latin1_names/caf\\xe9/d\\xff1" not in tables["documents"] or "caf\\xe9" not in tables["label_names"]:
                faults.report("names not UTF-8: escaped as \\xNN", ["stored %r" % tables])
        except UnicodeDecodeError as error:
            faults.report("names not UTF-8: tables are UTF-8", [str(error)])
    done = run("names not UTF-8: topics --format json", ["topics", model, "--format", "json"], status=0, errors=0)
    if done is not None:
        try:
            json.loads(done.stdout)
        except ValueError as error:
            faults.report("names not UTF-8: valid JSON", [str(error)])
    for path in (out, model):
        os.remove(path)


def signals_at_random_moments(work, corpus, tfidf):
    """Signals at random moments, and at the worst one (while the output is being
    written): a run ends cleanly or dies of the signal, and either way leaves no
    temporary file and no damaged output; a factorization stopped by a signal keeps its
    model and continues from its snapshots."""
    import signal
    import time
    import h5py
    from harness import dnmf_command
    rng = random.Random(11)
    folder = os.path.join(work, "signalled")
    checkpoints = os.path.join(folder, "checkpoints")
    os.makedirs(folder, exist_ok=True)

    binary = os.path.realpath(shutil.which(dnmf_command([])[-1]) or dnmf_command([])[-1])

    def rank_pids(output):
        """The dnmf processes (not mpirun) whose command line names `output`."""
        pids = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError):
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    words = f.read().decode("utf-8", "replace").split("\0")
                if words and os.path.realpath(words[0]) == binary and output in words:
                    pids.append(int(pid))
        return pids

    def signalled_run(case, arguments, output, delay=None, signal_number=signal.SIGTERM, statuses=None):
        """Runs dnmf, sends the signal after `delay` seconds to the job (mpirun forwards it)
        or, without a delay, as soon as a temporary file appears in `folder`, to the ranks
        themselves (as Slurm signals a step's tasks at its time limit: forwarding by mpirun
        would come after a small write has ended); checks what is left, and the exit
        status when `statuses` are given."""
        before = {path: checksum(path) for path in (corpus, tfidf)}
        process = subprocess.Popen(dnmf_command(arguments), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        started = time.time()
        moment = "after it ended"
        while process.poll() is None and time.time() - started < 60:
            if delay is not None and time.time() - started >= delay:
                moment = "at %.2f s" % delay
                break
            if delay is None and any(".partial-" in name for watched in (folder, checkpoints)
                                     if os.path.isdir(watched) for name in os.listdir(watched)):
                moment = "while writing"
                break
            time.sleep(0.0005)
        # The ranks may not all be up yet when an old temporary is seen: wait for them.
        targets = [process.pid]
        if moment == "while writing":
            targets = rank_pids(output)
            while len(targets) < ranks() and process.poll() is None and time.time() - started < 60:
                time.sleep(0.01)
                targets = rank_pids(output)
        for pid in targets:
            with contextlib.suppress(ProcessLookupError):
                (os.kill if moment == "while writing" else os.killpg)(pid, signal_number)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            faults.report(case, ["hung after SIGTERM"])
            return None
        problems = []
        left = [name for watched in (folder, checkpoints) if os.path.isdir(watched) for name in os.listdir(watched)
                if ".partial-" in name]
        if left:
            problems.append("temporary files left: %s" % left)
        if os.path.exists(output):
            try:
                with h5py.File(output, "r") as f:
                    f.attrs["format"]
            except (OSError, KeyError) as error:
                problems.append("a damaged output: %s" % error)
        errors = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("dnmf: error:")]
        if errors:
            problems.append("error lines %r" % errors)
        if any(checksum(path) != digest for path, digest in before.items()):
            problems.append("an input changed")
        if statuses is not None and process.returncode not in statuses:
            problems.append("exit %d, expected one of %s" % (process.returncode, statuses))
        faults.report(case, problems, "signalled %s, exit %d" % (moment, process.returncode))
        return process.returncode, stdout.decode("utf-8", "replace")

    out = os.path.join(folder, "tfidf.h5")
    signalled_run("SIGTERM while vectorize writes", ["vectorize", corpus, "-o", out], out)
    for delay in sorted(rng.uniform(0.0, 1.0) for _ in range(3)):
        signalled_run("SIGTERM to vectorize", ["vectorize", corpus, "-o", out], out, delay)
    model = os.path.join(folder, "model.h5")
    factorize = ["factorize", tfidf, "-k", "3", "--max-iter", "100000000", "--tol", "0", "--checkpoint", checkpoints,
                 "--checkpoint-every", "1", "-o", model]
    # USR1, as Slurm sends it: mpirun forwards it and exits with dnmf's status (3: stopped
    # on request, 0: it had finished). (SIGTERM to mpirun stops the ranks as cleanly, but
    # mpirun itself then exits with 1; docs/slurm.md.)
    stopped = (0, 3)
    outcomes = [signalled_run("SIGUSR1 while factorize writes", factorize, model, None, signal.SIGUSR1, stopped)]
    for delay in sorted(rng.uniform(0.0, 3.0) for _ in range(3)):
        outcomes.append(signalled_run("SIGUSR1 to factorize", factorize, model, delay, signal.SIGUSR1, stopped))
    for outcome in outcomes:
        if outcome is not None and outcome[0] == 3 and not os.path.exists(model):
            faults.report("a factorization stopped by a signal keeps its model", ["no model"])
    if any(os.path.isdir(checkpoints) and name.startswith("snapshot-") for name in os.listdir(checkpoints)):
        done = run("continue after the signals", ["factorize", tfidf, "-k", "3", "--max-iter", "1", "--tol", "0",
                                                  "--restart", checkpoints, "-o", model], status=0, errors=0)
        if done is not None and "resuming at iteration" not in done.stdout:
            faults.report("continue after the signals: resumed", [done.stdout[:200]])
    shutil.rmtree(folder)


def damage_every_object(work, corpus, tfidf):
    """Every dataset and attribute of a TF-IDF file, a model and a snapshot, damaged one
    at a time: a dataset cut to half its length or removed, an attribute given another
    type or removed. Whatever the damage, the reader either works (the object was only
    informative) or ends with one error line naming the file: never a crash, a hang or
    a partial output. To stay within CI's time, each object is damaged at one rank count
    only: every third at 4 ranks, the others at 2, whose runs cost half as much
    (DNMF_FAULTS_ALL=1: every object, both ways, at the rank count given)."""
    import h5py
    model = os.path.join(work, "model_sweep.h5")
    checkpoints = os.path.join(work, "sweep_checkpoints")
    run_dnmf(["factorize", tfidf, "-k", "3", "--max-iter", "4", "--checkpoint", checkpoints, "--checkpoint-every",
              "4", "-o", model])
    snapshot = os.path.join(checkpoints, "snapshot-0000000004.h5")
    out = os.path.join(work, "model_from_damaged.h5")
    readers = {"tfidf": (tfidf, lambda path: ["factorize", path, "-k", "3", "--max-iter", "2", "-o", out]),
               "model": (model, lambda path: ["topics", path]),
               "snapshot": (snapshot, lambda path: ["factorize", tfidf, "-k", "3", "--restart", path, "-o", out])}

    def objects(path):
        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, item: found.append(("dataset", name, None))
                         if isinstance(item, h5py.Dataset) else None)
            found += [("attribute", "/", name) for name in f.attrs]
            found += [("attribute", group, name) for group in ("tfidf",) if group in f for name in f[group].attrs]
        return sorted(found)

    def damage(f, kind, name, attribute, way):
        if kind == "dataset":
            values = f[name][...]
            del f[name]
            if way == 0:
                f[name] = values[:len(values) // 2]
        else:
            holder = f[name].attrs
            value = holder[attribute]
            del holder[attribute]
            if way == 0:
                holder[attribute] = np.int64(7) if isinstance(value, (str, bytes)) else "seven"

    everything = os.environ.get("DNMF_FAULTS_ALL") == "1"
    at_four_ranks = ranks() == 4
    number = 0
    for file_kind, (original, reader) in sorted(readers.items()):
        for kind, name, attribute in objects(original):
            number += 1
            if not everything and (number % 3 == 0) != at_four_ranks:
                continue
            for way in ((0, 1) if everything else (number // 3 % 2,)):
                label = "%s %s%s %s" % (file_kind, name, "@" + attribute if attribute else "",
                                        ("cut to half", "removed")[way] if kind == "dataset" else
                                        ("of another type", "removed")[way])
                path = edited_copy(original, os.path.join(work, "swept.h5"),
                                   lambda f: damage(f, kind, name, attribute, way))
                run("damaged: " + label, reader(path), inputs=[path], output=out, status=(0, 1), fragments=[path],
                    timeout=60)
                if os.path.exists(out):
                    os.remove(out)
    os.remove(model)


def inputs_changing_while_read(work, corpus, tfidf):
    """Inputs that change while they are read: files removed, emptied or replaced at
    random moments of a vectorize run. Any outcome that tells the truth will do: the run
    works (on the files as it found them) or ends with one line naming a file of the
    corpus; never a hang, a crash or a partial output."""
    import threading
    import time
    rng = random.Random(5)
    out = os.path.join(work, "changing.h5")
    # Many files, so that listing and reading take long enough to be caught in the act.
    many = make_corpus(os.path.join(work, "many_files"), documents=3000)
    started = time.time()
    run_dnmf(["vectorize", many, "-o", out])
    whole = time.time() - started  # mpirun's start, listing, reading, writing
    os.remove(out)
    for attempt, delay in enumerate(sorted(whole * rng.uniform(0.3, 0.9) for _ in range(4))):
        changing = os.path.join(work, "changing%d" % attempt)
        shutil.copytree(many, changing)
        victims = sorted(os.listdir(os.path.join(changing, "group1")))

        def change():
            time.sleep(delay)
            for number, name in enumerate(victims):
                path = os.path.join(changing, "group1", name)
                with contextlib.suppress(OSError):
                    if number % 3 == 0:
                        os.remove(path)
                    elif number % 3 == 1:
                        open(path, "w").close()
                    else:
                        os.replace(os.path.join(changing, "group0", sorted(os.listdir(
                            os.path.join(changing, "group0")))[0]), path)

        changer = threading.Thread(target=change)
        changer.start()
        run("files changing %.2f s into a %.2f s run" % (delay, whole), ["vectorize", changing, "-o", out], output=out,
            status=(0, 1), fragments=[changing], timeout=60)
        changer.join()
        shutil.rmtree(changing)
        if os.path.exists(out):
            os.remove(out)
    shutil.rmtree(many)


def colliding_names(work, corpus, tfidf):
    """Finding 10: two inputs with the same name keep apart: unique ids that say where
    each document came from."""
    import h5py
    paths = []
    for language, text in (("de", "Rechner Speicher Programm"), ("it", "calcolatore memoria programma")):
        path = os.path.join(work, language, "computer")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text + "\n")
        paths.append(path)
    out = os.path.join(work, "colliding.h5")
    done = run("two inputs with the same name", ["vectorize"] + paths + ["-o", out], status=0, errors=0)
    if done is not None and os.path.exists(out):
        with h5py.File(out, "r") as f:
            offsets, utf8 = f["documents/offsets"][:], f["documents/utf8"][:].tobytes()
            ids = [utf8[offsets[i]:offsets[i + 1]].decode() for i in range(len(offsets) - 1)]
        if len(set(ids)) != 2 or not all("de" in i or "it" in i for i in ids):
            faults.report("two inputs with the same name: unique ids", ["ids %r" % ids])
        os.remove(out)


# Groups whose cases are refused while the command line and paths are read, or that
# check one file's kind or content on the rank that reads it, the same way at any rank
# count: CI runs them at 4 ranks only, where a rank left waiting would show
# (DNMF_FAULTS_ALL=1 runs them at every count). The groups whose damage lands on a
# particular rank, signals, full disks and the object sweep run at both.
AT_FOUR_RANKS = {"nonsense_numbers", "typos", "output_over_input", "unusable_values", "wrong_kinds_of_files",
                 "messages", "shared_checkpoint_folder", "names_not_utf8", "colliding_names"}


def main(work, only=()):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    corpus = make_corpus(os.path.join(work, "corpus"))
    tfidf = os.path.join(work, "tfidf.h5")
    run_dnmf(["vectorize", corpus, "-o", tfidf])
    for group in (disk_full, output_over_input, nonsense_numbers, typos, damaged_matrix, unusable_values,
                  wrong_kinds_of_files, messages, shared_checkpoint_folder, declared_sizes,
                  inconsistent_files, names_not_utf8, signals_at_random_moments,
                  damage_every_object, inputs_changing_while_read,
                  colliding_names):
        if not only or group.__name__ in only:
            if (group.__name__ in AT_FOUR_RANKS and ranks() != 4 and os.environ.get("DNMF_FAULTS_ALL") != "1"
                    and not only):
                print("--   %s: run at 4 ranks" % group.__name__)
                continue
            started = time.time()
            group(work, corpus, tfidf)
            print("--   %s: %.1f s" % (group.__name__, time.time() - started))
    faults.no_processes_left(os.environ.get("DNMF_BINARY", "dnmf"))
    faults.temporaries_left(work)
    # The failures once more at the end, where a log cut short in the middle still shows them.
    for failure in faults.FAILURES:
        print("failed: " + failure[:400])
    print("%d failed" % len(faults.FAILURES) if faults.FAILURES else "all cases ended as promised")
    return 1 if faults.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
