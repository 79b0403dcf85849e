#!/usr/bin/env python3
"""Benchmark: factorize at scale. dnmf_generate writes a 1,000,000 x 100,000 planted-topics
TF-IDF file with about 100 million nonzeros (in parallel); then every solver runs a few
iterations at k = 50 on 2 ranks. Printed per solver: seconds per iteration, bytes each
rank sends to the others per iteration, and
each rank's peak resident memory beside
CSR bytes / ranks + factor bytes; for hals, the per-iteration time beside the time to
stream the local CSR twice at the memory bandwidth measured here (a numpy copy).

Usage: bench_factorize_scale.py [--rows M] [--columns N] [--nnz Z] [--k K] [--ranks P]
                                [--iterations I] [--workdir DIR]
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import numpy as np  # noqa: E402

from harness import (  # noqa: E402
    add_scale_arguments, generate_planted, peak_resident, run_dnmf, use_build_tree, work_folder)

def memory_bandwidth():
    """Bytes per second of a large numpy copy (read + write), best of 5."""
    source = np.ones(2**27)  # 1 GiB
    target = np.empty_like(source)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - started)
    return 2 * source.nbytes / best


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_scale_arguments(parser)
    parser.add_argument("--iterations", type=int, default=3)
    arguments = parser.parse_args()
    with work_folder(arguments.workdir, "dnmf-bench-scale-") as work:
        matrix = os.path.join(work, "planted.h5")
        started = time.perf_counter()
        print(generate_planted(matrix, arguments), "(%.0f s)" % (time.perf_counter() - started))
        nnz = int(re.search(r"nonzeros\s+(\d+)", run_dnmf(["info", matrix]).stdout).group(1))
        csr_bytes = nnz * (8 + 4) + (arguments.rows + 1) * 8
        factor_bytes = (arguments.rows / arguments.ranks + arguments.columns) * arguments.k * 8
        budget = csr_bytes / arguments.ranks + factor_bytes
        bandwidth = memory_bandwidth()
        stream_twice = 2 * (csr_bytes / arguments.ranks) / bandwidth
        print("CSR %.2f GB; per rank: CSR share + factors = %.0f MiB; memory bandwidth %.1f GB/s" %
              (csr_bytes / 1e9, budget / 2**20, bandwidth / 1e9))
        print()
        print("%-6s %10s %16s %30s %8s" % ("solver", "s/iter", "sent/iter", "peak resident per rank", "vs budget"))
        for solver in ("hals", "mu", "gd", "sgd", "adam"):
            out = run_dnmf(["factorize", matrix, "-k", str(arguments.k), "--solver", solver, "--init", "random",
                            "--init-scale", "--max-iter", str(arguments.iterations), "--tol", "0",
                            "--batch-size", "10000", "-o", os.path.join(work, "model.h5")],
                           nranks=arguments.ranks, timeout=7200).stdout
            per_iteration = float(re.search(r"\(([0-9.]+) s/iteration\)", out).group(1))
            traffic = re.search(r"traffic\s+(.*) sent per iteration", out).group(1)
            peaks = peak_resident(out)
            print("%-6s %10.3f %16s %30s %7.2fx" % (solver, per_iteration, traffic,
                                                   ", ".join("%.0f MiB" % (p / 2**20) for p in peaks),
                                                   max(peaks) / budget))
            if solver == "hals":
                hals = per_iteration
        print()
        print("hals: %.3f s per iteration; streaming the local CSR twice takes %.3f s -> %.1fx (target <= 3x)" %
              (hals, stream_twice, hals / stream_twice))
        print("peak memory target: <= 1.5x (CSR bytes / ranks + factor bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
