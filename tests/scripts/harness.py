"""Running dnmf under MPI from the Python checks.

The test registration (tests/CMakeLists.txt) passes the dnmf binary and the launcher
through the environment: DNMF_BINARY, DNMF_MPIEXEC (the launcher with its flags, e.g.
"mpiexec --oversubscribe"), DNMF_RANKS.
"""
import bz2
import contextlib
import gzip
import lzma
import os
import shlex
import shutil
import signal
import subprocess
import tempfile


def ranks():
    return int(os.environ.get("DNMF_RANKS", "1"))


def dnmf_command(arguments, nranks=None):
    launcher = shlex.split(os.environ.get("DNMF_MPIEXEC", "mpiexec --oversubscribe"))
    binary = os.environ.get("DNMF_BINARY", "dnmf")
    return launcher + ["-n", str(nranks or ranks()), binary] + list(arguments)


def run_dnmf(arguments, nranks=None, timeout=300, check=True):
    """Runs dnmf; returns the CompletedProcess (stdout/stderr as text)."""
    completed = subprocess.run(dnmf_command(arguments, nranks), capture_output=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
    completed.stdout = completed.stdout.decode("utf-8", "replace")
    completed.stderr = completed.stderr.decode("utf-8", "replace")
    if check and completed.returncode != 0:
        raise AssertionError("dnmf %s failed (exit %d):\n%s%s" % (" ".join(arguments), completed.returncode,
                                                                completed.stdout, completed.stderr))
    return completed


def kill_job(process):
    """SIGKILL to mpirun and every rank: the whole session mpirun leads."""
    subprocess.run(["pkill", "-KILL", "-s", str(process.pid)], check=False)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def data_dir(name):
    """Path of a shared data set under DNMF_DATA (default ../shared/data beside the project).

    A missing data set skips the test (exit 77), except under CI=true, where it fails.
    """
    import sys
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
    root = os.environ.get("DNMF_DATA") or default
    path = os.path.join(root, name)
    if os.path.isdir(path):
        return path
    message = "data set %s not found under %s (set DNMF_DATA)" % (name, root)
    if os.environ.get("CI") == "true":
        print("FAIL: " + message)
        sys.exit(1)
    print("SKIP: " + message)
    sys.exit(77)


# The seed notebook's topics, as sets of words that one topic's top 8 must all contain.
NOTEBOOK_TOPICS = [{"space", "nasa", "launch", "shuttle", "orbit"}, {"god", "jesus", "bible", "believe"},
                   {"graphics", "image", "files"}]


SEED_GROUPS = "alt.atheism,comp.graphics,sci.space,talk.religion.misc"


def seed_posts(split="train"):
    """(id, group, text) of each post of the seed's four groups in a split, in the folder's
    order, read as latin-1 as fetch_20newsgroups reads them."""
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-" + split)
    posts = []
    for group in SEED_GROUPS.split(","):
        for name in sorted(os.listdir(os.path.join(corpus, group))):
            with open(os.path.join(corpus, group, name), "rb") as post:
                posts.append(("20news-bydate-%s/%s/%s" % (split, group, name), group, post.read().decode("latin-1")))
    return posts


def cleaned_seed_texts(split="train"):
    """The texts of seed_posts(split) cleaned by scikit-learn's own fetch_20newsgroups
    helpers (headers, footers and quotes removed)."""
    from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer, strip_newsgroup_header,
                                                     strip_newsgroup_quoting)
    return [strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(text)))
            for _, _, text in seed_posts(split)]


def check_notebook_topics(model, failures):
    """Prints `dnmf topics` of `model` and whether each notebook topic is among them;
    appends the missing ones to `failures`."""
    text = run_dnmf(["topics", model, "--top", "8"]).stdout
    print(text, end="")
    lines = [set(line.split(":", 1)[1].split()) for line in text.splitlines() if "%):" in line]
    for topic in NOTEBOOK_TOPICS:
        found = any(topic <= words for words in lines)
        print("topic %s -> %s" % (" ".join(sorted(topic)), "found" if found else "MISSING"))
        if not found:
            failures.append("topic " + " ".join(sorted(topic)))


def vectorize_20news_train(matrix, nranks=None):
    """All 20 newsgroups' train split, headers, footers and quotes removed, into `matrix`."""
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
    run_dnmf(["vectorize", corpus, "--encoding", "latin-1", "--strip", "headers,footers,quotes", "-o", matrix],
             nranks=nranks)


def seed_corner(seed):
    """The seed matrix's first 300 documents and the 2000 terms they use most (the empty
    rows dropped): small enough for dense passes over every (document, term)."""
    import numpy as np
    part = seed[:300]
    part = part[:, np.argsort(-np.asarray((part != 0).sum(axis=0)).ravel(), kind="stable")[:2000]]
    part = part[np.asarray(part.sum(axis=1)).ravel() > 0].tocsr()
    part.sort_indices()
    return part


def use_build_tree():
    """For benchmarks run by hand: dnmf, dnmf_generate and dnmf_row_probe from the project's build/ folder
    and Open MPI allowed as root, unless the environment already says otherwise."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    os.environ.setdefault("DNMF_BINARY", os.path.join(root, "build", "dnmf"))
    os.environ.setdefault("DNMF_GENERATE", os.path.join(root, "build", "tests", "dnmf_generate"))
    os.environ.setdefault("DNMF_ROW_PROBE", os.path.join(root, "build", "tests", "dnmf_row_probe"))
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")


def parse_size(text):
    """Bytes in a size dnmf prints, such as "784.1 MiB"."""
    units = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
    number, unit = text.split()
    return float(number) * units[unit]


@contextlib.contextmanager
def work_folder(given, prefix, keep=False):
    """A benchmark's working folder: `given` (--workdir), kept afterwards, or a new
    temporary one, removed afterwards unless `keep`."""
    folder = given or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(folder, exist_ok=True)
    try:
        yield folder
    finally:
        if given is None and not keep:
            shutil.rmtree(folder, ignore_errors=True)


def peak_resident(output):
    """Each rank's peak resident bytes, from the "peak resident per rank:" line dnmf prints."""
    import re
    line = re.search(r"peak resident per rank:(.*)", output).group(1)
    return [parse_size(part.strip()) for part in line.split(",")]


def add_scale_arguments(parser):
    """The scale benchmarks' problem: a planted-topics matrix (dnmf_generate) and k."""
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=100_000)
    parser.add_argument("--nnz", type=int, default=100_000_000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--workdir", default=None)


def generate_planted(matrix, arguments):
    """Writes the planted-topics matrix of add_scale_arguments' options (in parallel);
    returns the generator's summary line."""
    command = dnmf_command([], arguments.ranks)[:-1] + [
        os.environ["DNMF_GENERATE"], matrix, "--rows", str(arguments.rows), "--columns", str(arguments.columns),
        "--nnz", str(arguments.nnz), "--topics", str(arguments.k)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def zstd_compress(data):
    """data compressed by Debian's zstd program (Python 3.11 has no zstd module)."""
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


# The compressed formats dnmf reads, each with a function that writes it.
COMPRESSORS = {"gzip": gzip.compress, "zstd": zstd_compress, "bzip2": bz2.compress, "xz": lzma.compress}
