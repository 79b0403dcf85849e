#!/usr/bin/env python3
"""Benchmark: snapshots at scale. dnmf_generate writes the 1,000,000 x 100,000 planted
matrix of bench_factorize_scale.py; hals at k = 50 on 2 ranks snapshots twice, then a
restart reads the newest snapshot back and snapshots again. Printed side by side: seconds
to write and to read one snapshot, its size and write bandwidth, the disk's own write
bandwidth (dd of the same size with fdatasync, in the same folder, between the runs),
seconds per iteration, and the overhead of snapshots at the default interval
(--checkpoint-seconds 300) and at every 10 iterations.

Usage: bench_snapshot.py [--rows M] [--columns N] [--nnz Z] [--k K] [--ranks P]
                         [--workdir DIR]   (DIR: on the file system to measure)
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from harness import add_scale_arguments, generate_planted, run_dnmf, use_build_tree, work_folder  # noqa: E402

DEFAULT_INTERVAL = 300.0  # dnmf factorize --checkpoint-seconds default


def disk_write_seconds(folder, size_bytes):
    """Seconds dd takes to write size_bytes (1 MiB blocks) and sync them to disk."""
    target = os.path.join(folder, "dd.bin")
    started = time.perf_counter()
    subprocess.run(["dd", "if=/dev/zero", "of=" + target, "bs=1M", "count=%d" % max(1, size_bytes // 2**20),
                    "conv=fdatasync"], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    os.remove(target)
    return seconds


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_scale_arguments(parser)
    arguments = parser.parse_args()
    with work_folder(arguments.workdir, "dnmf-bench-snapshot-") as work:
        matrix = os.path.join(work, "planted.h5")
        folder = os.path.join(work, "snapshots")
        if not os.path.exists(matrix):
            print(generate_planted(matrix, arguments))
        shutil.rmtree(folder, ignore_errors=True)
        common = ["factorize", matrix, "-k", str(arguments.k), "--solver", "hals", "--init", "random",
                  "--init-scale", "--tol", "0", "-o", os.path.join(work, "model.h5"), "--checkpoint", folder]
        # Snapshots every iteration, dd between the runs: the disk and its page cache are
        # measured in the same state as the snapshots, since on a shared or virtual
        # machine both vary from minute to minute.
        writes, reads, disk, per_iteration = [], [], [], []
        for round_ in range(2):
            out = run_dnmf(common + ["--max-iter", str(4 * round_ + 4), "--checkpoint-every", "1"] +
                           (["--restart", folder] if round_ else []), nranks=arguments.ranks, timeout=7200).stdout
            writes += [float(x) for x in re.findall(r"snapshot of iteration \d+ -> \S+ \(([0-9.]+) s\)", out)]
            reads += [float(x) for x in re.findall(r"\(read in ([0-9.]+) s\)", out)]
            per_iteration.append(float(re.search(r"\(([0-9.]+) s/iteration\)", out).group(1)))
            size = os.path.getsize(os.path.join(folder, sorted(os.listdir(folder))[-1]))
            disk += [disk_write_seconds(work, size) for _ in range(3)]

        median = lambda values: sorted(values)[len(values) // 2]
        # The first --checkpoint-keep (2) snapshots in a fresh folder replace none; every
        # later one is written into the memory of the one it replaces (see
        # io::release_replaced_snapshots): that is a long run's steady state.
        first, steady = writes[:2], writes[2:]
        write, dd, read, iteration = median(steady), median(disk), median(reads), median(per_iteration)
        print("snapshot of %d x %d, k = %d, %d ranks: %.0f MiB (W, H^T, history)" %
              (arguments.rows, arguments.columns, arguments.k, arguments.ranks, size / 2**20))
        print("  write %.2f s (median of the %d that replace an older snapshot: %s) -> %.0f MiB/s" %
              (write, len(steady), " ".join("%.2f" % w for w in steady), size / write / 2**20))
        print("        the first two in a fresh folder: %s s" % " ".join("%.2f" % w for w in first))
        print("  dd of the same size with fdatasync, same folder: %.2f s (median of %d: %s) -> %.0f MiB/s" %
              (dd, len(disk), " ".join("%.2f" % d for d in disk), size / dd / 2**20))
        print("  snapshot write bandwidth = %.0f%% of the disk's" % (100 * dd / write))
        print("  read  %.2f s -> %.0f MiB/s" % (read, size / read / 2**20))
        print("  hals  %.2f s per iteration" % iteration)
        print("  overhead at the default interval (every %.0f s of solving): %.2f%%   every 10 iterations: %.2f%%"
              % (DEFAULT_INTERVAL, 100 * write / DEFAULT_INTERVAL, 100 * write / (10 * iteration)))
        print("  targets: overhead <= 2% at the default interval, write bandwidth >= 50% of the disk's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
