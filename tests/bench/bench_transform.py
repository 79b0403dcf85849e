#!/usr/bin/env python3
"""Benchmark: dnmf transform at scale. dnmf_generate writes a 1,000,000 x 100,000
planted-topics TF-IDF file (about 100 million nonzeros); a k = 50 model is fitted to it
(a few hals iterations from a random start: H only has to be a model's); then transform
finds W for all its documents, with hals and with mu, on 2 ranks. Printed per solver:
iterations, time per document, and each rank's peak resident memory beside the target
1.2 x (the rank's rows of X + H + its rows of W).

Usage: bench_transform.py [--rows M] [--columns N] [--nnz Z] [--k K] [--ranks P]
                          [--max-iter I] [--workdir DIR]
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from harness import (  # noqa: E402
    add_scale_arguments, generate_planted, peak_resident, run_dnmf, use_build_tree, work_folder)


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_scale_arguments(parser)
    parser.add_argument("--max-iter", type=int, default=50)
    arguments = parser.parse_args()
    with work_folder(arguments.workdir, "dnmf-bench-transform-") as work:
        matrix, model = os.path.join(work, "planted.h5"), os.path.join(work, "model.h5")
        started = time.perf_counter()
        print(generate_planted(matrix, arguments), "(%.0f s)" % (time.perf_counter() - started))
        nnz = int(re.search(r"nonzeros\s+(\d+)", run_dnmf(["info", matrix]).stdout).group(1))
        run_dnmf(["factorize", matrix, "-k", str(arguments.k), "--init", "random", "--init-scale", "--max-iter", "3",
                  "--tol", "0", "-o", model], nranks=arguments.ranks, timeout=7200)
        # Per rank: its share of X as CSR (8-byte values, 4-byte columns, 8-byte row starts),
        # H, and its rows of W.
        rows_per_rank = arguments.rows / arguments.ranks
        x_bytes = nnz * (8 + 4) / arguments.ranks + rows_per_rank * 8
        h_bytes = arguments.k * arguments.columns * 8
        w_bytes = rows_per_rank * arguments.k * 8
        budget = x_bytes + h_bytes + w_bytes
        print("per rank: X %.0f MiB, H %.0f MiB, W %.0f MiB; target 1.2 x %.0f = %.0f MiB" % (
            x_bytes / 2**20, h_bytes / 2**20, w_bytes / 2**20, budget / 2**20, 1.2 * budget / 2**20))
        print()
        print("%-6s %10s %12s %14s %30s %9s" % ("solver", "iterations", "solve s", "us/document",
                                               "peak resident per rank", "vs X+H+W"))
        for solver in ("hals", "mu"):
            out = run_dnmf(["transform", model, matrix, "--solver", solver, "--max-iter", str(arguments.max_iter),
                            "-o", os.path.join(work, "topics_%s.h5" % solver)], nranks=arguments.ranks,
                           timeout=7200).stdout
            iterations = int(re.search(r"after (\d+) iterations", out).group(1))
            solve = float(re.search(r"solve ([0-9.]+) s", out).group(1))
            peaks = peak_resident(out)
            print("%-6s %10d %12.2f %14.2f %30s %8.2fx" % (
                solver, iterations, solve, 1e6 * solve / arguments.rows,
                ", ".join("%.0f MiB" % (p / 2**20) for p in peaks), max(peaks) / budget))
        print()
        print("memory target: <= 1.2x (the rank's rows of X + H + its rows of W)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
