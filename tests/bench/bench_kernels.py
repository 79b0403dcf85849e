#!/usr/bin/env python3
"""Benchmark: the factorization's kernels against the machine's limits, and against an
older dnmf build.

dnmf_generate writes a uniform random 200,000 x 50,000 matrix with about 10M nonzeros
(--topics 0: every column equally likely, the hardest case for the caches). hals and mu
then run 10 iterations from a random start at k = 20, 50 and 100 on 2 ranks, three times
each, in double (the default) and with --precision single, --transposed-copy and both;
with --old BINARY every round of the new build's runs is paired with one of the old
build, alternating, so both see the same machine. Printed per case: seconds per
iteration (min and median of 3) and the speedup over the old build's median; then, for
the new build, the sparse products' GFLOP/s per core (dnmf's kernel report) as shares of
two ceilings measured in this script: a one-core DGEMM (OpenBLAS, through cblas_dgemm,
when installed; else numpy's BLAS, named) and the plain loops of dnmf_row_probe, the
products' own memory accesses on a matrix of the same shape with none of dnmf's
bookkeeping, on the same number of ranks at once. Last, hals at k = 50 on 1 rank x 2
threads beside 2 ranks x 1 thread.

Usage: bench_kernels.py [--old BINARY] [--rows M] [--columns N] [--nnz Z] [--ranks P]
                        [--iterations I] [--repeats R] [--ks 20,50,100] [--workdir DIR]

Targets (issue 10; figures, not tests): hals at k = 50 at least 5x faster per iteration
than the old main; the sparse products at least 20% of DGEMM's rate at k = 50.
"""
import argparse
import ctypes
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import numpy as np  # noqa: E402

from harness import dnmf_command, use_build_tree, work_folder  # noqa: E402

OPENBLAS = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"


def dgemm_rate(n=2000, repeats=5):
    """GFLOP/s of one core in an n x n DGEMM (best of repeats), and which BLAS did it."""
    a, b = np.random.rand(n, n), np.random.rand(n, n)
    c = np.zeros((n, n))
    if os.path.exists(OPENBLAS):
        blas = ctypes.CDLL(OPENBLAS)
        blas.openblas_set_num_threads(1)
        pointer = ctypes.c_void_p
        blas.cblas_dgemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_double, pointer, ctypes.c_int, pointer,
                                                          ctypes.c_int, ctypes.c_double, pointer, ctypes.c_int]
        def multiply():
            blas.cblas_dgemm(101, 111, 111, n, n, n, 1.0, a.ctypes.data, n, b.ctypes.data, n, 0.0, c.ctypes.data, n)
        name = "OpenBLAS " + OPENBLAS
    else:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        def multiply():
            np.matmul(a, b, out=c)
        name = "numpy's BLAS (install libopenblas0-serial for OpenBLAS)"
    multiply()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        multiply()
        best = min(best, time.perf_counter() - started)
    if not np.allclose(c, a @ b):
        raise AssertionError("DGEMM gave a wrong product")
    return 2 * n**3 / best / 1e9, name


def plain_loop_rates(arguments, k):
    """GFLOP/s per rank of dnmf_row_probe's gather and scatter loops at this shape and k."""
    command = dnmf_command([], arguments.ranks)[:-1] + [
        os.environ["DNMF_ROW_PROBE"], "--rows", str(arguments.rows), "--columns", str(arguments.columns),
        "--nnz", str(arguments.nnz), "--k", str(k)]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = re.search(r"gather ([0-9.]+) GFLOP/s, scatter ([0-9.]+) GFLOP/s", text)
    return float(found.group(1)), float(found.group(2))


def factorize(binary, matrix, solver, k, ranks, threads, iterations, output, extra=()):
    """One run; returns (s/iteration, {kernel: GFLOP/s per rank} or {} for an old build)."""
    command = dnmf_command(["factorize", matrix, "-k", str(k), "--solver", solver, "--init", "random",
                            "--init-scale", "--max-iter", str(iterations), "--tol", "0", "-o", output] + list(extra),
                           ranks)
    command[command.index(os.environ["DNMF_BINARY"])] = binary
    if threads > 1:
        command[1:1] = ["--bind-to", "none"]
    environment = dict(os.environ, OMP_NUM_THREADS=str(threads))
    text = subprocess.run(command, check=True, capture_output=True, text=True, env=environment).stdout
    per_iteration = float(re.search(r"\(([0-9.]+) s/iteration\)", text).group(1))
    rates = {m.group(1): float(m.group(2)) / threads
             for m in re.finditer(r"^\s+(V\*Ht|Vt\*W|Gram|Update)\s+\d+\s+[0-9.]+\s+([0-9.]+)", text, re.M)}
    return per_iteration, rates


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="an older dnmf binary to alternate with")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--columns", type=int, default=50_000)
    parser.add_argument("--nnz", type=int, default=10_000_000)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ks", default="20,50,100")
    parser.add_argument("--workdir", default=None)
    arguments = parser.parse_args()
    with work_folder(arguments.workdir, "dnmf-bench-kernels-") as work:
        matrix = os.path.join(work, "uniform.h5")
        new = os.environ["DNMF_BINARY"]
        # (name, binary, extra options): the new build in double and --precision single.
        builds = [("new", new, []), ("single", new, ["--precision", "single"]), ("copy", new, ["--transposed-copy"]),
                  ("both", new, ["--precision", "single", "--transposed-copy"])]
        builds += [("old", arguments.old, [])] if arguments.old else []
        generate = dnmf_command([], arguments.ranks)[:-1] + [
            os.environ["DNMF_GENERATE"], matrix, "--rows", str(arguments.rows), "--columns", str(arguments.columns),
            "--nnz", str(arguments.nnz), "--topics", "0"]
        print(subprocess.run(generate, check=True, capture_output=True, text=True).stdout.strip())
        rate, blas = dgemm_rate()
        print("one-core DGEMM: %.1f GFLOP/s (%s)" % (rate, blas))
        plain = {}
        for k in (int(x) for x in arguments.ks.split(",")):
            plain[k] = plain_loop_rates(arguments, k)
            print("dnmf_row_probe, k = %d: gather (V*Ht's accesses) %.2f, scatter (Vt*W's) %.2f GFLOP/s per rank"
                  % (k, plain[k][0], plain[k][1]))
        print()
        print("%-5s %4s  %-6s %10s %10s %9s   %s" % ("", "k", "build", "min s/it", "median", "speedup",
                                                     "GFLOP/s per core: V*Ht, Vt*W (share of DGEMM; of plain loop)"))
        output = os.path.join(work, "model.h5")
        for solver in ("hals", "mu"):
            for k in (int(x) for x in arguments.ks.split(",")):
                times = {name: [] for name, _, _ in builds}
                rates = {name: [] for name, _, _ in builds}
                for _ in range(arguments.repeats):
                    for name, binary, extra in builds:
                        seconds, kernel_rates = factorize(binary, matrix, solver, k, arguments.ranks, 1,
                                                          arguments.iterations, output, extra)
                        times[name].append(seconds)
                        rates[name].append(kernel_rates)
                for name, _, _ in builds:
                    median = statistics.median(times[name])
                    speedup = ("%8.2fx" % (statistics.median(times["old"]) / median)
                               if name != "old" and arguments.old else "")
                    products = ""
                    if name != "old":
                        v_ht = max(r["V*Ht"] for r in rates[name])
                        vt_w = max(r["Vt*W"] for r in rates[name])
                        products = "%.2f, %.2f (%.0f%%, %.0f%%; %.0f%%, %.0f%%)" % (
                            v_ht, vt_w, 100 * v_ht / rate, 100 * vt_w / rate, 100 * v_ht / plain[k][0],
                            100 * vt_w / plain[k][1])
                    print("%-5s %4d  %-6s %10.4f %10.4f %9s   %s" % (solver, k, name, min(times[name]), median,
                                                                  speedup, products))
        print()
        for ranks, threads in ((arguments.ranks, 1), (1, arguments.ranks)):
            times = [factorize(new, matrix, "hals", 50, ranks, threads, arguments.iterations, output)[0]
                     for _ in range(arguments.repeats)]
            print("hals k = 50 on %d rank(s) x %d thread(s): min %.4f, median %.4f s/iteration" %
                  (ranks, threads, min(times), statistics.median(times)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
