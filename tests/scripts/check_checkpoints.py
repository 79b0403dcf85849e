#!/usr/bin/env python3
"""Snapshots and restarts of dnmf factorize, tested the way jobs die.

Usage: check_checkpoints.py MODE WORKDIR   (dnmf, dnmf_generate and the rank count come
from the environment, see harness.py)

  kill       every solver: a run snapshotting every 10 iterations is killed with SIGKILL
             (mpirun and all ranks) at a random moment after its first snapshot, then
             restarted from the folder, as often as it takes to finish; its final W and H
             must equal an uninterrupted run's bit for bit.
  ranks      a 2-rank snapshot resumed on 3 ranks ends with the uninterrupted 2-rank
             run's error to 1e-10 (relative) and its W and H to 1e-8.
  mid-write  runs snapshotting every iteration are killed until one dies while writing a
             snapshot (its temporary file is left behind); the folder's newest complete
             snapshot must read back, and the restart must end bit for bit where an
             uninterrupted run does.
  refusals   a snapshot of another matrix, another k, another solver, a truncated
             snapshot, an unwritable checkpoint folder: one clear error, non-zero exit, no
             hang, no model written; a corrupt newest snapshot in a folder is skipped with
             a warning and the one before it used.
  signal     SIGUSR1 to mpirun and SIGTERM to one rank: every rank stops after the same
             iteration, writes a snapshot and the model, and exits with status 3.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

from check_errors import RESULTS, expect_failure
from harness import dnmf_command, kill_job, ranks, run_dnmf

SOLVERS = ["hals", "mu", "kl-cd", "gd", "adam", "sgd"]
ITERATIONS = 120
# kl-cd's iteration here costs several of the others' (a pass per component on H): fewer,
# still four snapshots' worth, keep the suite's time.
SOLVER_ITERATIONS = {"kl-cd": 40}
INTERRUPTED = 3  # dnmf's exit status for a run stopped on request with its state saved


def generate(work, name="planted.h5", seed=1):
    matrix = os.path.join(work, name)
    command = dnmf_command([], 2)[:-1] + [os.environ["DNMF_GENERATE"], matrix, "--rows", "60000", "--columns",
                                          "10000", "--nnz", "2000000", "--topics", "10", "--seed", str(seed)]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    return matrix


def factorize_arguments(matrix, solver, model, folder, every=10, iterations=None, k=10):
    iterations = iterations or SOLVER_ITERATIONS.get(solver, ITERATIONS)
    # gd and sgd at a rate that keeps them finite on this matrix (their default lr is the
    # notebook's, made for TF-IDF values).
    rate = ["--lr", "1e-4"] if solver in ("gd", "sgd") else []
    return (["factorize", matrix, "-k", str(k), "--solver", solver, "--init", "random", "--max-iter", str(iterations),
             "--tol", "0", "-o", model, "--checkpoint", folder, "--checkpoint-every", str(every)] + rate)


def factors(model):
    with h5py.File(model, "r") as f:
        return f["W"][:], f["H"][:], float(f.attrs["final_error"])


def snapshots(folder):
    return sorted(f for f in os.listdir(folder) if f.startswith("snapshot-") and f.endswith(".h5")) \
        if os.path.isdir(folder) else []


def partial_files(folder):
    return [f for f in os.listdir(folder) if ".partial-" in f] if os.path.isdir(folder) else []


def run_killed(arguments, folder, delay, nranks=None):
    """Starts dnmf; once `folder` holds a snapshot, waits `delay` seconds and kills the job.
    Returns True if the job was killed, False if it finished first."""
    process = subprocess.Popen(dnmf_command(arguments, nranks), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while not snapshots(folder) and process.poll() is None and time.time() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    if process.poll() is not None:
        return False
    kill_job(process)
    return True


def mode_kill(work, rng):
    matrix = generate(work)
    failures = 0
    for solver in SOLVERS:
        reference = os.path.join(work, solver + "_reference.h5")
        run_dnmf(factorize_arguments(matrix, solver, reference, os.path.join(work, solver + "_reference_snapshots")))
        folder = os.path.join(work, solver + "_snapshots")
        model = os.path.join(work, solver + "_model.h5")
        arguments = factorize_arguments(matrix, solver, model, folder)
        delay = rng.uniform(0.0, 1.0)
        kills = int(run_killed(arguments, folder, delay))
        killed_at = snapshots(folder)[-1] if snapshots(folder) else "none"
        # Restart until the run finishes; every restart may itself be killed once more.
        for attempt in range(10):
            if kills < 2 and attempt == 0:
                kills += int(run_killed(arguments + ["--restart", folder], folder, rng.uniform(0.0, 0.5)))
            completed = run_dnmf(arguments + ["--restart", folder], check=False)
            if completed.returncode == 0:
                break
        w, h, error = factors(model)
        w0, h0, error0 = factors(reference)
        same = np.array_equal(w, w0) and np.array_equal(h, h0)
        failures += not same or kills == 0
        print("%-5s killed %d time(s) (first after %s): final W, H %s the uninterrupted run's (error %.12g vs %.12g)"
              % (solver, kills, killed_at, "equal to" if same else "DIFFER from", error, error0))
    print("%d passed, %d failed (%d ranks)" % (len(SOLVERS) - failures, failures, ranks()))
    return 1 if failures else 0


def mode_ranks(work, rng):
    matrix = generate(work)
    failures = 0
    for solver in SOLVERS:
        reference = os.path.join(work, solver + "_reference.h5")
        run_dnmf(factorize_arguments(matrix, solver, reference, os.path.join(work, solver + "_reference_snapshots")),
                 nranks=2)
        folder = os.path.join(work, solver + "_snapshots")
        model = os.path.join(work, solver + "_model.h5")
        arguments = factorize_arguments(matrix, solver, model, folder)
        half = SOLVER_ITERATIONS.get(solver, ITERATIONS) // 2
        run_dnmf(factorize_arguments(matrix, solver, model, folder, iterations=half), nranks=2)
        run_dnmf(arguments + ["--restart", folder], nranks=3)
        w, h, error = factors(model)
        w0, h0, error0 = factors(reference)
        error_gap = abs(error - error0) / error0
        factor_gap = max(np.abs(w - w0).max() / np.abs(w0).max(), np.abs(h - h0).max() / np.abs(h0).max())
        ok = error_gap <= 1e-10 and factor_gap <= 1e-8
        failures += not ok
        print("%-5s 2-rank snapshot at %d resumed on 3 ranks: error %.3g, W/H %.3g relative to the 2-rank run -> %s"
              % (solver, half, error_gap, factor_gap, "ok" if ok else "FAIL"))
    print("%d passed, %d failed" % (len(SOLVERS) - failures, failures))
    return 1 if failures else 0


def mode_mid_write(work, rng):
    matrix = generate(work)
    solver = "hals"
    reference = os.path.join(work, "reference.h5")
    run_dnmf(factorize_arguments(matrix, solver, reference, os.path.join(work, "reference_snapshots"), every=1))
    folder = os.path.join(work, "snapshots")
    model = os.path.join(work, "model.h5")
    arguments = factorize_arguments(matrix, solver, model, folder, every=1)
    for attempt in range(40):
        shutil.rmtree(folder, ignore_errors=True)
        run_killed(arguments, folder, rng.uniform(0.02, 0.6))
        if partial_files(folder):
            break
    else:
        print("FAIL: no kill landed during a snapshot write in 40 tries")
        return 1
    complete = snapshots(folder)
    print("killed while writing %s; complete snapshots left: %s" % (partial_files(folder), complete[-2:]))
    newest = os.path.join(folder, complete[-1])
    with h5py.File(newest, "r") as f:
        readable = f["rows/W"].shape[0] == 60000
    completed = run_dnmf(arguments + ["--restart", folder])
    resumed = [line for line in completed.stdout.splitlines() if "resuming" in line]
    w, h, error = factors(model)
    w0, h0, error0 = factors(reference)
    same = np.array_equal(w, w0) and np.array_equal(h, h0)
    print("newest complete snapshot reads back: %s; %s; final W, H %s the uninterrupted run's"
          % (readable, resumed[0] if resumed else "no resume line", "equal to" if same else "DIFFER from"))
    ok = readable and same and bool(resumed) and complete[-1] in resumed[0]
    print("%d passed, %d failed" % (int(ok), int(not ok)))
    return 0 if ok else 1


def mode_refusals(work, rng):
    matrix = generate(work)
    folder = os.path.join(work, "snapshots")
    model = os.path.join(work, "model.h5")
    run_dnmf(factorize_arguments(matrix, "hals", os.path.join(work, "first.h5"), folder, iterations=30))
    newest = os.path.join(folder, snapshots(folder)[-1])
    out = os.path.join(work, "out", "model.h5")
    os.makedirs(os.path.dirname(out))

    other = os.path.join(work, "other.h5")
    shutil.copy(matrix, other)
    with h5py.File(other, "r+") as f:
        f["tfidf/data"][0] = f["tfidf/data"][0] * 2
    expect_failure("snapshot of another matrix",
                   factorize_arguments(other, "hals", out, os.path.join(work, "c1")) + ["--restart", folder], out,
                   newest, "another matrix")
    expect_failure("snapshot of another k",
                   factorize_arguments(matrix, "hals", out, os.path.join(work, "c2"), k=7) + ["--restart", folder],
                   out, newest, "k = 10 run, not k = 7")
    expect_failure("snapshot of another solver",
                   factorize_arguments(matrix, "mu", out, os.path.join(work, "c3")) + ["--restart", folder], out,
                   newest, "a hals run, not mu")
    expect_failure("snapshot of another penalty",
                   factorize_arguments(matrix, "hals", out, os.path.join(work, "c5")) + ["--alpha-w", "0.5",
                                                                                          "--restart", folder],
                   out, newest, "--alpha-w is 0.5 here but 0 in the snapshot")
    mu_folder = os.path.join(work, "mu_snapshots")
    run_dnmf(factorize_arguments(matrix, "mu", os.path.join(work, "mu_first.h5"), mu_folder, iterations=20))
    expect_failure("snapshot of another loss",
                   factorize_arguments(matrix, "mu", out, os.path.join(work, "c6")) + ["--loss", "kl", "--restart",
                                                                                        mu_folder],
                   out, os.path.join(mu_folder, snapshots(mu_folder)[-1]),
                   "--loss is kullback-leibler here but frobenius in the snapshot")
    truncated = os.path.join(work, "truncated.h5")
    with open(newest, "rb") as source, open(truncated, "wb") as target:
        target.write(source.read()[: os.path.getsize(newest) // 2])
    expect_failure("truncated snapshot",
                   factorize_arguments(matrix, "hals", out, os.path.join(work, "c4")) + ["--restart", truncated],
                   out, truncated)
    blocker = os.path.join(work, "a_file")
    open(blocker, "w").close()
    expect_failure("checkpoint folder under a file",
                   factorize_arguments(matrix, "hals", out, os.path.join(blocker, "snapshots")), out,
                   os.path.join(blocker, "snapshots"), "cannot create")
    if os.geteuid() == 0 and shutil.which("setpriv"):
        locked = os.path.join(work, "locked")
        os.makedirs(locked, mode=0o555)
        os.chmod(locked, 0o555)
        os.chmod(work, 0o755)
        os.chmod(os.path.dirname(out), 0o777)
        expect_failure("read-only checkpoint folder", factorize_arguments(matrix, "hals", out, locked), out, locked,
                       "cannot write", run_as=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])

    # A corrupt newest snapshot in a folder: skipped with a warning, the one before used.
    damaged = os.path.join(work, "damaged")
    shutil.copytree(folder, damaged)
    names = snapshots(damaged)
    with h5py.File(os.path.join(damaged, names[-1]), "r+") as f:
        f["rows/W"][0, 0] = f["rows/W"][0, 0] + 1.0
    completed = run_dnmf(factorize_arguments(matrix, "hals", model, damaged, iterations=40) + ["--restart", damaged])
    warned = any(names[-1] in line and "checksum" in line for line in completed.stderr.splitlines()
                 if line.startswith("dnmf: warning:"))
    resumed_previous = any("resuming" in line and names[-2] in line for line in completed.stdout.splitlines())
    problems = [] if warned and resumed_previous else ["warned %s, resumed from %s: %s" % (warned, names[-2],
                                                                                          resumed_previous)]
    RESULTS.append(("corrupt newest snapshot skipped", "; ".join(problems)))
    print("%-34s %s" % ("corrupt newest snapshot skipped", "ok" if not problems else "FAIL: " + problems[0]))
    failed = [case for case, problem in RESULTS if problem]
    print("%d passed, %d failed (%d ranks)" % (len(RESULTS) - len(failed), len(failed), ranks()))
    return 1 if failed else 0


def mode_signal(work, rng):
    matrix = generate(work)
    failures = 0
    for name, target in (("SIGUSR1 to mpirun", "mpirun"), ("SIGTERM to one rank", "rank")):
        folder = os.path.join(work, target + "_snapshots")
        model = os.path.join(work, target + "_model.h5")
        arguments = factorize_arguments(matrix, "hals", model, folder, every=0, iterations=100000)
        process = subprocess.Popen(dnmf_command(arguments), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        time.sleep(2.0)
        if target == "mpirun":
            process.send_signal(signal.SIGUSR1)
        else:
            ranks_of_job = [pid for pid in subprocess.run(["pgrep", "-s", str(process.pid), "-f", "dnmf factorize"],
                                                          capture_output=True, text=True).stdout.split()
                            if int(pid) != process.pid]
            os.kill(int(rng.choice(ranks_of_job)), signal.SIGTERM)
        try:
            stdout, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            kill_job(process)
            print("%s: FAIL: hung" % name)
            failures += 1
            continue
        stdout = stdout.decode()
        stopped = [line for line in stdout.splitlines() if "received; stopping after iteration" in line]
        iteration = int(stopped[0].rsplit(" ", 1)[1]) if stopped else -1
        ok = (process.returncode == INTERRUPTED and snapshots(folder) == ["snapshot-%010d.h5" % iteration]
              and os.path.exists(model))
        with h5py.File(model, "r") as f:
            reason = f.attrs["stop_reason"]
            reason = reason.decode() if isinstance(reason, bytes) else str(reason)
            ok = ok and int(f.attrs["iterations"]) == iteration and reason == "signal"
        failures += not ok
        print("%s: exit %d, stopped after iteration %d, snapshots %s -> %s"
              % (name, process.returncode, iteration, snapshots(folder), "ok" if ok else "FAIL"))
    print("%d passed, %d failed (%d ranks)" % (2 - failures, failures, ranks()))
    return 1 if failures else 0


def main(mode, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    seed = int(os.environ.get("DNMF_TEST_SEED", str(int(time.time()))))
    print("random seed %d (DNMF_TEST_SEED repeats a run)" % seed)
    modes = {"kill": mode_kill, "ranks": mode_ranks, "mid-write": mode_mid_write, "refusals": mode_refusals,
             "signal": mode_signal}
    return modes[mode](work, random.Random(seed))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
