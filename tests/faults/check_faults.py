#!/usr/bin/env python3
"""The fault suite (issue: faults and hostile input). Each finding is a group of cases;
see faults.py for what every case asserts.

Usage: check_faults.py WORKDIR   (dnmf and the rank count come from the environment, as
for the other checks: DNMF_BINARY, DNMF_MPIEXEC, DNMF_RANKS)
"""
import os
import random
import shutil
import sys

import faults
from faults import run, small_filesystem
from harness import run_dnmf  # noqa: E402  (faults.py puts tests/scripts on the path)


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
            inputs=[tfidf], output=model, fragments=[option, words])


def typos(work, corpus, tfidf):
    """Finding 11: a single-dash option nobody uses is an error, not a silent default."""
    model = os.path.join(work, "model_typo.h5")
    run("factorize -max-iter (a typo)", ["factorize", tfidf, "-k", "3", "-max-iter", "5", "-o", model],
        inputs=[tfidf], output=model, fragments=["-max-iter", "unknown option"])
    out = os.path.join(work, "typo.h5")
    run("vectorize -min-df (a typo)", ["vectorize", corpus, "-min-df", "2", "-o", out], inputs=[corpus],
        output=out, fragments=["-min-df", "unknown option"])
    options = os.path.join(work, "options.txt")
    with open(options, "w") as f:
        f.write("-max_iter 5\n-tolerance 1e-3\n")
    run("unknown option in an options file", ["factorize", tfidf, "-k", "3", "-options_file", options, "-o", model],
        inputs=[tfidf, options], output=model, fragments=["-tolerance", "unknown option"])
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


def main(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    corpus = make_corpus(os.path.join(work, "corpus"))
    tfidf = os.path.join(work, "tfidf.h5")
    run_dnmf(["vectorize", corpus, "-o", tfidf])
    for group in (disk_full, output_over_input, nonsense_numbers, typos):
        group(work, corpus, tfidf)
    faults.no_processes_left(os.environ.get("DNMF_BINARY", "dnmf"))
    faults.temporaries_left(work)
    print("%d failed" % len(faults.FAILURES) if faults.FAILURES else "all cases ended as promised")
    return 1 if faults.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
