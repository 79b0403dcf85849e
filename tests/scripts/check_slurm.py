#!/usr/bin/env python3
"""dnmf's job scripts under a real Slurm: tests/slurm/cluster.sh starts slurmctld, slurmd
and munged on this machine, this script submits jobs/*.sbatch to it and stops the
daemons when done.

1. jobs/factorize.sbatch with a run that has no end of its own: Slurm signals the batch
   script (USR1) before the time limit, dnmf snapshots and stops, the job requeues itself,
   resumes with a total set only then, and completes; its model equals an uninterrupted
   run's of that total bit for bit.
2. jobs/vectorize.sbatch on a small corpus completes with the matrix.
3. jobs/sweep.sbatch as a 2-task array over k completes with one model per k.
4. jobs/select-k.sbatch as a 2-task array over k, then its combine step submitted with
   a dependency on the array: the combine reads every run back and writes the table.

Usage: check_slurm.py WORKDIR   (DNMF_BINARY, DNMF_GENERATE, DNMF_MPIEXEC from the
environment, see harness.py; the project folder is found from this file)
"""
import os
import re
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np

from harness import dnmf_command

PROJECT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLUSTER = os.path.join(PROJECT, "tests", "slurm", "cluster.sh")
RESULTS = []
STARTED = time.time()


def check(name, ok, detail):
    RESULTS.append(ok)
    print("%-44s %s  %s (at %.0f s)" % (name, "ok  " if ok else "FAIL", detail, time.time() - STARTED))


def controller_lines(job):
    """The lines of slurmctld's log about the job, to print when a check of it fails."""
    path = os.path.join(os.path.dirname(os.environ["SLURM_CONF"]), "slurmctld.log")
    text = read(path) if os.path.exists(path) else ""
    return [line for line in text.splitlines() if re.search(r"JobId=%s\b" % re.escape(job), line)]


def submit(work, script, arguments, options=(), environment=None):
    env = dict(os.environ, DNMF=os.environ["DNMF_BINARY"], DNMF_HOME=PROJECT, **(environment or {}))
    command = ["sbatch", "--parsable", "--chdir", work] + list(options) + [os.path.join(PROJECT, "jobs", script)]
    job = subprocess.run(command + list(arguments), env=env, check=True, capture_output=True, text=True)
    return job.stdout.strip().split(";")[0]


# States from which a job does not come back by itself.
FINAL_STATES = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
                "DEADLINE", "PREEMPTED"}


# A requeued job is held until its begin time, cred_expire (10 s in cluster.sh) after the
# requeue, and then waits for the backfill scheduler's next pass (every 30 s). The test
# moves the begin time to now once that lifetime is over, as an operator could: earlier,
# the start races the revocation of the old credential, and slurmd kills the job ("Job
# credential revoked"), as one CI run found.
CREDENTIAL_LIFETIME = 10.0
HELD_SINCE = {}


def release_requeued(lines):
    """Starts requeued tasks (squeue lines "ID STATE REASON") held past the credential's
    lifetime."""
    for fields in lines:
        if len(fields) == 3 and fields[1] == "PENDING" and fields[2] == "BeginTime":
            held = HELD_SINCE.setdefault(fields[0], time.time())
            if time.time() - held > CREDENTIAL_LIFETIME + 2.0:
                subprocess.run(["scontrol", "update", "JobId=" + fields[0], "StartTime=now"], capture_output=True)
                del HELD_SINCE[fields[0]]
        else:
            HELD_SINCE.pop(fields[0], None)


def wait_for(job, timeout=600, settle=2.0, until=None, give_up=30.0):
    """Polls until the job (every task of an array) has ended for good: every task absent
    or in a final state (squeue --states=all) for `settle` seconds in a row, and `until()`,
    when given, holding as well. A requeued job passes through final-looking states, so
    the job's own log saying it is done is the surest sign; but a job that stays ended for
    `give_up` seconds without saying so has failed. Requeued tasks are released
    (release_requeued). Returns whether it ended as told, and the states seen in order,
    to print when a check fails."""
    deadline = time.time() + timeout
    ended_since = None
    states = []
    while time.time() < deadline:
        listing = subprocess.run(["squeue", "-h", "--states=all", "-j", job, "-o", "%i %T %r"],
                                 capture_output=True, text=True)
        lines = [line.split(None, 2) for line in listing.stdout.splitlines() if line.strip()]
        # A job purged from slurmctld (MinJobAge after its end) is an invalid id to squeue.
        purged = listing.returncode != 0 and "Invalid job id" in listing.stderr
        seen = "purged" if purged else "; ".join(" ".join(fields) for fields in lines) or "(not listed)"
        if not states or states[-1] != seen:
            states.append(seen)
        ended = purged or (listing.returncode == 0 and bool(lines) and
                           all(fields[1] in FINAL_STATES for fields in lines))
        if not ended:
            ended_since = None
        elif ended_since is None:
            ended_since = time.time()
        elif until is None or until():
            if time.time() - ended_since >= settle:
                return True, states
        elif time.time() - ended_since >= give_up:
            return False, states
        release_requeued(lines)
        time.sleep(0.5)
    subprocess.run(["scancel", job])
    return False, states


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def job_said_done(log):
    """Whether a job's log holds the line its script prints at its very end."""
    text = read(log) if os.path.exists(log) else ""
    return "dnmf job: finished" in text or "dnmf job: dnmf exited" in text


def wait_for_first_stop(job, log, timeout=300):
    """Waits until the job's first run has stopped on Slurm's warning and requeued itself;
    returns the iteration it stopped at, or None if it ended any other way."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = read(log) if os.path.exists(log) else ""
        stop = re.search(r"stopped early \([^)]*\) at iteration (\d+)", text)
        if stop and "requeueing job" in text[stop.end():]:
            return int(stop.group(1))
        if "dnmf job: finished" in text or "dnmf job: dnmf exited" in text:
            return None
        # A warning that came while dnmf was still starting requeues the job without a
        # stop: that run starts afresh, as unbounded as the first.
        if "requeueing job" in text:
            listing = subprocess.run(["squeue", "-h", "-j", job, "-o", "%i %T %r"], capture_output=True, text=True)
            release_requeued([line.split(None, 2) for line in listing.stdout.splitlines() if line.strip()])
        time.sleep(0.2)
    return None


def planted_matrix(path, rows, columns, nnz, topics, nranks):
    subprocess.run(dnmf_command([], nranks)[:-1] + [os.environ["DNMF_GENERATE"], path, "--rows", str(rows),
                                                    "--columns", str(columns), "--nnz", str(nnz), "--topics",
                                                    str(topics)], check=True, capture_output=True)
    return path


def factorize_job(work):
    matrix = planted_matrix(os.path.join(work, "planted.h5"), 60000, 10000, 2000000, 10, 2)
    # The first run has no end of its own (its -max_iter, read from an options file, is
    # out of reach): only Slurm's warning, due 10-40 s into it (slurmctld looks at limits
    # every 30 s), can stop it, however fast the machine is at the moment. Once it has
    # stopped and requeued itself, the test sets the total to 200 iterations beyond the
    # stop, before the requeued run starts (release_requeued), and compares with an
    # uninterrupted run of that total.
    options_file = os.path.join(work, "factorize.options")
    with open(options_file, "w") as f:
        f.write("-max_iter 100000000\n")
    options = ["--init", "random", "--tol", "0", "-options_file", options_file]
    model = os.path.join(work, "model.h5")
    log = os.path.join(work, "factorize.out")
    job = submit(work, "factorize.sbatch", [matrix, model] + options,
                 ["--time=1", "--signal=B:USR1@50", "--output=" + log], {"DNMF_K": "10"})
    stopped_at = wait_for_first_stop(job, log)
    total = (stopped_at or 0) + 200
    with open(options_file, "w") as f:
        f.write("-max_iter %d\n" % total)
    # The uninterrupted run of the same total, meanwhile: it takes as long as the first
    # run did, and the jobs after this one mostly wait on Slurm.
    reference = os.path.join(work, "reference.h5")
    reference_run = subprocess.Popen(
        dnmf_command(["factorize", matrix, "-k", "10", "-o", reference, "--init", "random", "--tol", "0", "--max-iter",
                      str(total)], 2), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Only the log tells a requeued job's end from a pause between its runs: squeue has
    # shown the job in a final state for over 10 s after its requeue (twice in CI).
    left, states = wait_for(job, until=lambda: job_said_done(log))

    def finish():
        """Compares the job's model with the reference run's, once that has ended."""
        _, reference_errors = reference_run.communicate(timeout=600)
        text = read(log) if os.path.exists(log) else ""
        requeues = text.count("requeueing job")
        finished = "dnmf job: finished" in text and ("after %d iterations" % total) in text
        same = False
        if stopped_at is not None and os.path.exists(model) and reference_run.returncode == 0:
            with h5py.File(model, "r") as a, h5py.File(reference, "r") as b:
                same = np.array_equal(a["W"][:], b["W"][:]) and np.array_equal(a["H"][:], b["H"][:])
        check("factorize.sbatch: signalled, requeued, resumed", left and stopped_at is not None and finished,
              "stopped at iteration %s, %d requeue(s), %s" % (stopped_at, requeues,
                                                              "finished at %d" % total if finished else "NOT finished"))
        check("factorize.sbatch: model equals uninterrupted run", same, "W and H compared bit for bit" + (
            "" if reference_run.returncode == 0 else "; the reference run failed: " + reference_errors.decode()[-2000:]))
        if not (left and stopped_at is not None and finished and same):
            print("squeue states, in order: " + " -> ".join(states))
            print("\n".join(["slurmctld.log:"] + controller_lines(job)))
            print(text[-4000:])

    return matrix, finish


def vectorize_job(work):
    corpus = os.path.join(work, "corpus")
    texts = {"space/1": "The shuttle launch to orbit was delayed.", "space/2": "NASA plans a lunar orbit.",
             "space/3": "Orbit insertion of the probe worked.", "graphics/1": "Rendering image files in windows.",
             "graphics/2": "A graphics program reads image files.", "graphics/3": "Convert files to another format."}
    for name, text in texts.items():
        os.makedirs(os.path.join(corpus, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(corpus, name), "w") as f:
            f.write(text + "\n")
    output = os.path.join(work, "corpus.h5")
    log = os.path.join(work, "vectorize.out")
    job = submit(work, "vectorize.sbatch", [corpus, output], ["--output=" + log])
    # Nothing requeues this job, so its end needs no long settling.
    left, _ = wait_for(job, timeout=300, until=lambda: job_said_done(log))
    rows = 0
    if os.path.exists(output):
        with h5py.File(output, "r") as f:
            rows = int(f["tfidf"].attrs["shape"][0])
    check("vectorize.sbatch completes", left and rows == len(texts) and "dnmf job: finished" in read(log),
          "%d documents in %s" % (rows, os.path.basename(output)))


def sweep_job(work, matrix):
    outdir = os.path.join(work, "sweep")
    # Each task one rank with two threads (--cpus-per-task), as on a node of a cluster.
    logs = [os.path.join(work, "sweep-%d.out" % task) for task in (0, 1)]
    job = submit(work, "sweep.sbatch", [matrix, outdir, "--init", "random", "--max-iter", "20", "--tol", "0"],
                 ["--array=0-1", "--ntasks=1", "--cpus-per-task=2", "--output=" + os.path.join(work, "sweep-%a.out")],
                 {"DNMF_KS": "3 4"})
    left, _ = wait_for(job, timeout=300, until=lambda: all(job_said_done(log) for log in logs))
    shapes = []
    for k in (3, 4):
        path = os.path.join(outdir, "model-k%d.h5" % k)
        if os.path.exists(path):
            with h5py.File(path, "r") as f:
                shapes.append(f["W"].shape[1])
    threaded = all(os.path.exists(log) and "on 1 ranks x 2 threads" in read(log) for log in logs)
    check("sweep.sbatch array over k = 3, 4, 1 rank x 2 threads each", left and shapes == [3, 4] and threaded,
          "models with k = %s; %s" % (shapes, "1 rank x 2 threads" if threaded else "NOT 1 rank x 2 threads"))


def select_k_job(work):
    matrix = planted_matrix(os.path.join(work, "planted4.h5"), 3000, 1200, 120000, 4, 1)
    table = os.path.join(work, "select_k.h5")
    arguments = [matrix, table, "--repeats", "3"]
    logs = [os.path.join(work, "select-k-%d.out" % task) for task in (0, 1)]
    array = submit(work, "select-k.sbatch", arguments, ["--array=0-1", "--ntasks=1", "--output=" + os.path.join(
        work, "select-k-%a.out")], {"DNMF_KS": "3 4"})
    log = os.path.join(work, "select-k-combine.out")
    combine = submit(work, "select-k.sbatch", arguments, ["--ntasks=1", "--dependency=afterok:" + array,
                                                          "--output=" + log], {"DNMF_KS": "3 4"})
    left, _ = wait_for(array, timeout=300, until=lambda: all(job_said_done(log) for log in logs))
    combined, _ = wait_for(combine, timeout=300, until=lambda: job_said_done(log))
    text = read(log) if os.path.exists(log) else ""
    reused = text.count("read from an earlier select-k")
    recommended = None
    if os.path.exists(table):
        with h5py.File(table, "r") as f:
            recommended = int(f.attrs["recommended_k"]) if list(f["ks"][:]) == [3, 4] else None
    check("select-k.sbatch array over k = 3, 4 + combine", left and combined and reused == 6 and recommended == 4,
          "the combine read %d of 6 runs back; recommended k = %s" % (reused, recommended))


def main(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cluster = os.path.join(work, "cluster")
    subprocess.run(["bash", CLUSTER, "start", cluster], check=True)
    os.environ["SLURM_CONF"] = os.path.join(cluster, "slurm.conf")
    try:
        matrix, finish_factorize_job = factorize_job(work)
        vectorize_job(work)
        sweep_job(work, matrix)
        select_k_job(work)
        finish_factorize_job()
    finally:
        # Jobs first: processes of a job still running would outlive the daemons.
        subprocess.run(["scancel", "--user", "root" if os.geteuid() == 0 else os.environ.get("USER", "")],
                       capture_output=True)
        for _ in range(40):
            if not subprocess.run(["squeue", "-h"], capture_output=True, text=True).stdout.strip():
                break
            time.sleep(0.5)
        subprocess.run(["bash", CLUSTER, "stop", cluster])
    failed = RESULTS.count(False)
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
