#!/usr/bin/env python3
"""Acceptance of `dnmf select-k` (issue 14, items 3 and 6).

Usage: check_select_k.py WORKDIR            (DNMF_GENERATE names the generator; see harness.py)
       check_select_k.py 20news WORKDIR     (item 4, quickly: all 20 groups)

20news: all 20 newsgroups (train, 11,314 documents) through `select-k --ks 5:40:5
--repeats 5` at 2 ranks, each run cut at 10 iterations (the full runs are
tests/bench/bench_select_k.py's): the table is printed and written with all eight k's,
every entry finite (c_npmi counted in the corpus the matrix records), the recommended k
one of them.

- Planted matrices (tests/tools/generate_planted.cpp) with 4, 7 and 12 topics: select-k
  over 2:8, 4:10 and 9:15 must recommend the planted k; the table file holds one entry
  per k; the silhouettes equal scikit-learn's silhouette_samples (cosine metric) of the runs' topics,
  read back from the run files, with the clusters the table records: each cluster's mean,
  their minimum and the overall mean within 1e-9; every cluster holds one topic of each
  run; the picture of the table is drawn from it (its silhouette line is the file's).
- Killed (SIGKILL) mid-way and rerun, it reads the runs that finished instead of
  factorizing them again, and its table equals an uninterrupted run's bit for bit.
  Stopped by SIGUSR1 to mpirun: exit status 3, no table, the finished runs read back.
- Refused with one clear message and no output: a k larger than the matrix allows, runs
  made with other settings, fewer than 2 repeats, a matrix that is not a TF-IDF file.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

from harness import dnmf_command, kill_job, ranks, run_dnmf, vectorize_20news_train

# Each planted k among 7 k's, with 2 to 4 below it.
KS = {4: "2:8", 7: "4:10", 12: "9:15"}
TABLE_FIELDS = ("silhouette_min", "silhouette_mean", "relative_error", "c_npmi", "diversity")


def generate(work, topics):
    matrix = os.path.join(work, "planted%d.h5" % topics)
    command = dnmf_command([], ranks())[:-1] + [os.environ["DNMF_GENERATE"], matrix, "--rows", "3000", "--columns",
                                                "1200", "--nnz", "120000", "--topics", str(topics)]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    return matrix


def check_silhouettes(table, runs_folder, repeats):
    """Problems of the table's silhouettes against scikit-learn's, from the run files."""
    from sklearn.metrics import silhouette_samples
    problems = []
    with h5py.File(table, "r") as f:
        for i, k in enumerate(f["ks"][:]):
            clusters = f["clusters/k%d" % k][:]
            topics = np.vstack([h5py.File(os.path.join(runs_folder, "k%d-run%d.h5" % (k, r)), "r")["Ht"][:].T
                                for r in range(repeats)])
            for r in range(repeats):
                if sorted(clusters[r * k:(r + 1) * k]) != list(range(k)):
                    problems.append("k = %d: run %d's topics are not one per cluster" % (k, r))
            samples = silhouette_samples(topics, clusters, metric="cosine")
            per_cluster = [samples[clusters == c].mean() for c in range(k)]
            expected = {"silhouette_min": min(per_cluster), "silhouette_mean": samples.mean()}
            for name, value in expected.items():
                if not abs(f[name][i] - value) <= 1e-9:
                    problems.append("k = %d: %s %.17g, scikit-learn %.17g" % (k, name, f[name][i], value))
    return problems


def check_picture(table, pictures):
    sys.path.insert(0, os.path.dirname(os.environ["DNMF_BINARY"]))
    import dnmf_plot
    problems = []
    with h5py.File(table, "r") as f:
        figure = dnmf_plot.select_k_figure("table", f)
        line = figure.axes[0].lines[0]
        if not (np.array_equal(line.get_xdata(), f["ks"][:]) and np.array_equal(line.get_ydata(),
                                                                                f["silhouette_min"][:])):
            problems.append("the picture's silhouette line is not the table's")
    name = os.path.basename(table)[:-3]
    for extension in ("png", "svg"):
        if not os.path.getsize(os.path.join(pictures, "select-k-%s.%s" % (name, extension))):
            problems.append("select-k-%s.%s is empty" % (name, extension))
    return problems


def planted(work, failures):
    for topics in (4, 7, 12):
        matrix = generate(work, topics)
        table = os.path.join(work, "select%d.h5" % topics)
        output = run_dnmf(["select-k", matrix, "--ks", KS[topics], "--repeats", "4", "-o", table]).stdout
        print(output[output.index("     k  silhouette"):].rstrip())
        problems = []
        with h5py.File(table, "r") as f:
            if int(f.attrs["recommended_k"]) != topics:
                problems.append("recommended k = %d, planted %d" % (f.attrs["recommended_k"], topics))
            problems += ["%s has %d entries" % (name, len(f[name])) for name in TABLE_FIELDS if len(f[name]) != 7]
        problems += check_silhouettes(table, table + ".runs", 4)
        pictures = os.path.join(work, "pictures")
        run_dnmf(["plot", table, "-o", pictures], nranks=1)
        problems += check_picture(table, pictures)
        print("planted %d topics: %s" % (topics, "; ".join(problems) or "recommended k = %d, silhouettes agree with "
                                                                          "scikit-learn, picture drawn" % topics))
        failures += problems


def killed_and_resumed(work, failures):
    matrix = os.path.join(work, "planted7.h5")
    arguments = ["select-k", matrix, "--ks", "5:9", "--repeats", "4", "--tol", "0", "--max-iter", "150"]
    whole, resumed = os.path.join(work, "whole.h5"), os.path.join(work, "resumed.h5")
    run_dnmf(arguments + ["-o", whole])
    runs = resumed + ".runs"
    process = subprocess.Popen(dnmf_command(arguments + ["-o", resumed]), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    finished = []
    deadline = time.time() + 120
    while process.poll() is None and time.time() < deadline:
        finished = [name for name in os.listdir(runs) if name.endswith(".h5")] if os.path.isdir(runs) else []
        if len(finished) >= 6:
            break
        time.sleep(0.02)
    kill_job(process)
    finished = [name for name in os.listdir(runs) if name.endswith(".h5") and ".partial-" not in name]
    problems = []
    if os.path.exists(resumed):
        problems.append("killed at %d runs of 20, yet the table was written" % len(finished))
    output = run_dnmf(arguments + ["-o", resumed]).stdout
    reused = output.count("read from an earlier select-k")
    if reused != len(finished):
        problems.append("%d runs had finished, the rerun read %d" % (len(finished), reused))
    with h5py.File(whole, "r") as a, h5py.File(resumed, "r") as b:
        problems += ["%s differs from the uninterrupted run's" % name for name in TABLE_FIELDS + ("ks",)
                     if not np.array_equal(a[name][:], b[name][:], equal_nan=name != "ks")]
    print("killed after %d of 20 runs and rerun: %s" % (len(finished), "; ".join(problems) or
                                                        "read them back, the table equals an uninterrupted run's"))
    failures += problems


def stopped_and_resumed(work, failures):
    """SIGUSR1 to mpirun (Slurm's warning before a time limit): exit status 3, no table, the
    finished runs kept; the rerun reads them back."""
    matrix = os.path.join(work, "planted7.h5")
    table = os.path.join(work, "stopped.h5")
    arguments = ["select-k", matrix, "--ks", "5:9", "--repeats", "4", "--tol", "0", "--max-iter", "300", "-o", table]
    process = subprocess.Popen(dnmf_command(arguments), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, text=True)
    runs = table + ".runs"
    deadline = time.time() + 120
    while process.poll() is None and time.time() < deadline and not (
            os.path.isdir(runs) and sum(name.endswith(".h5") for name in os.listdir(runs)) >= 4):
        time.sleep(0.02)
    process.send_signal(signal.SIGUSR1)
    output, _ = process.communicate(timeout=120)
    finished = [name for name in os.listdir(runs) if name.endswith(".h5") and ".partial-" not in name]
    problems = []
    if process.returncode != 3:
        problems.append("exit status %d, not 3" % process.returncode)
    if "run the same command again to go on" not in output:
        problems.append("no word of where the finished runs are")
    if os.path.exists(table):
        problems.append("the table was written")
    reused = run_dnmf(arguments).stdout.count("read from an earlier select-k")
    if reused != len(finished):
        problems.append("%d runs had finished, the rerun read %d" % (len(finished), reused))
    print("SIGUSR1 after %d of 20 runs: %s" % (len(finished), "; ".join(problems) or
                                               "exit 3, runs kept, the rerun read them back"))
    failures += problems


def refusals(work, failures):
    """Each a case of the error tests' kind (check_errors.expect_failure): one message, a
    non-zero exit, no output and no runs folder left."""
    import check_errors
    matrix = os.path.join(work, "planted4.h5")
    output = os.path.join(work, "refused.h5")
    expect = check_errors.expect_failure
    expect("k above the matrix", ["select-k", matrix, "--ks", "2,1201", "-o", output], output, "k = 1201", matrix,
           "at most 1200")
    expect("runs of other settings", ["select-k", matrix, "--ks", "2:7", "--repeats", "4", "--perturb", "0.1",
                                      "--runs", os.path.join(work, "select4.h5.runs"), "-o", output], output,
           "k2-run0.h5", "perturb")
    expect("one repeat", ["select-k", matrix, "--ks", "3", "--repeats", "1", "-o", output], output, "--repeats 1")
    model = os.path.join(work, "model4.h5")
    run_dnmf(["factorize", matrix, "-k", "4", "-o", model])
    expect("a model as matrix", ["select-k", model, "--ks", "3", "-o", output], output, model)
    failures += ["%s: %s" % (case, problem) for case, problem in check_errors.RESULTS if problem]


def all_20_groups(work):
    os.makedirs(work, exist_ok=True)
    matrix, table = os.path.join(work, "20news_train.h5"), os.path.join(work, "select_k.h5")
    vectorize_20news_train(matrix, nranks=2)
    output = run_dnmf(["select-k", matrix, "--ks", "5:40:5", "--repeats", "5", "--max-iter", "5", "--runs",
                       os.path.join(work, "runs-%d" % os.getpid()), "-o", table], nranks=2).stdout
    print(output[output.index("     k  silhouette"):].rstrip())
    problems = []
    with h5py.File(table, "r") as f:
        if list(f["ks"][:]) != list(range(5, 41, 5)):
            problems.append("ks %s" % list(f["ks"][:]))
        problems += ["%s is not finite everywhere" % name for name in TABLE_FIELDS if not np.isfinite(f[name][:]).all()]
        if int(f.attrs["recommended_k"]) not in range(5, 41, 5):
            problems.append("recommended k = %d" % f.attrs["recommended_k"])
    rows = sum(1 for line in output.splitlines() if line.split()[:1] in (["%d" % k] for k in range(5, 41, 5)))
    if rows != 8:
        problems.append("%d rows printed" % rows)
    print("; ".join(problems) or "all 20 groups: the table of 8 k's, c_npmi counted in the corpus")
    return 1 if problems else 0


def main(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []
    planted(work, failures)
    killed_and_resumed(work, failures)
    stopped_and_resumed(work, failures)
    refusals(work, failures)
    print("%d problems" % len(failures) if failures else "all passed (%d ranks)" % ranks())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(all_20_groups(sys.argv[2]) if sys.argv[1] == "20news" else main(sys.argv[1]))
