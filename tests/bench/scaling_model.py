#!/usr/bin/env python3
"""Scaling model of dnmf factorize (hals, one thread per rank), calibrated on this machine
and checked against runs at 1-8 ranks; docs/scaling.md explains it and its results.

Per iteration and rank, with P ranks, m documents, n terms, z nonzeros and k topics:

  time = c_nz z k / P                the two sparse products (V H^T, V^T W)
       + c_dense (m + n) k^2 / P     the updates and Gram matrices, split over ranks
       + c_term n k                  sweeps over the whole terms x k array every rank keeps
                                     (V^T W is zeroed and filled over all terms)
       + c_row m k / P               the documents-side sweeps outside the kernels
       + messages alpha + bytes / beta
  bytes = 8 k 2 (P - 1) / P u(P)     V^T W to the owners and H back, over the u(P) terms a
                                     rank's documents use (--exchange used; n for all)
        + 8 (2 k^2 + 1)              the k x k sums
  messages = 2 (P - 1) + 4 log2 P    two all-to-alls and two reduce + broadcast pairs
  memory = 12 z / P + 16 m k / P + 16 n k    (V's CSR; W and V H^T; H and V^T W)

A 2D grid's time has n k / pc and m k / pr in place of n k and m k / P, and the best
grid shape for each P is shown.

u(P) is the expected number of distinct terms among a rank's documents, from the terms'
document frequencies (the TF-IDF file's /document_frequency) when the corpus is at hand,
else from Zipf's law (p_j proportional to 1 / j) for the corpora below. c_nz, c_dense and
c_term (and c_row) are measured here by 1-rank runs (--calibrate); alpha and beta are a stated
network: 1.5 us and 25 GB/s, a 200 Gb/s HDR InfiniBand or Slingshot-11 link per node
with one rank per node.

A 2D grid of pr x pc ranks (PLANC, pyDNMFk) holds an (m / pr) x (n / pc) block of V: its
H traffic and memory are n k / pc, not n k, at the price of W traffic m k / pr:
  bytes_2d = 8 k 2 (m / pr + n / pc) (1 - 1 / sqrt P),  messages 8 log2 P,
  memory_2d = 12 z / P + 16 k (m / pr + n / pc).

Usage: scaling_model.py [--calibrate] [--validate] [--ranks 1,2,4,8] [--alpha S] [--beta B]
  --calibrate   measure c_nz, c_dense, c_term, c_row with 1-rank runs on four generated
                uniform matrices (else the figures measured when docs/scaling.md was
                written are used)
  --validate    run all 20 newsgroups (k = 20) at 1, 2, 4 and 8 ranks and print measured
                and predicted traffic and time (this machine has 2 cores: beyond 2 ranks
                the ranks share them, so times are compared as P / 2 cores' worth)
"""
import argparse
import math
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import numpy as np  # noqa: E402

from harness import data_dir, dnmf_command, run_dnmf, use_build_tree, work_folder  # noqa: E402

# Measured on this machine by --calibrate (AMD EPYC, 2 cores), 2026-12-03.
MEASURED = {"c_nz": 3.58e-10, "c_dense": 1.62e-10, "c_term": 9.21e-09, "c_row": 2.78e-09}
NETWORK = {"alpha": 1.5e-6, "beta": 25e9}

# (name, documents, terms, nonzeros, k, published seconds per iteration or None)
CORPORA = [
    ("PubMed bag of words (UCI)", 8_200_000, 141_043, 483_450_157, 50, None),
    ("100M documents, 1M terms", 100_000_000, 1_000_000, 10_000_000_000, 100, None),
    ("Flickr (PLANC papers)", 28_000_000, 1_600_000, 112_000_000, 48, (3072, 0.47)),
]


def zipf_used_terms(terms, nonzeros_per_rank):
    """Expected distinct terms among nonzeros_per_rank draws with p_j ~ 1 / j."""
    weights = 1.0 / np.arange(1, terms + 1)
    weights /= weights.sum()
    return float(np.sum(-np.expm1(-nonzeros_per_rank * weights)))


def df_used_terms(document_frequency, documents, documents_per_rank):
    """Expected distinct terms among documents_per_rank documents drawn at random."""
    share = np.clip(document_frequency / documents, 0, 1)
    return float(np.sum(-np.expm1(documents_per_rank * np.log1p(-np.minimum(share, 1 - 1e-16)))))


def predict(c, network, m, n, z, k, ranks, used_terms, exchange_all=False, compressed=False):
    """(seconds, bytes sent, memory bytes) per rank and iteration, row partition; with
    compressed, a rank's terms-side arrays hold only its used terms (not built yet)."""
    used = n if exchange_all else used_terms
    if exchange_all:
        traffic = 8 * k * ((n - n / ranks) + n / ranks * (ranks - 1))
    else:
        traffic = 8 * k * 2 * (ranks - 1) / ranks * used
    traffic += 8 * (2 * k * k + 1)
    messages = (2 * (ranks - 1) + 4 * math.log2(ranks)) if ranks > 1 else 0
    terms = min(used_terms + n / ranks, n) if compressed else n
    seconds = (c["c_nz"] * z * k / ranks + c["c_dense"] * (m + n) * k * k / ranks + c["c_term"] * terms * k +
               c["c_row"] * m * k / ranks + messages * network["alpha"] + traffic / network["beta"])
    memory = 12 * z / ranks + 16 * m * k / ranks + 16 * terms * k
    return seconds, traffic, memory


def predict_2d(c, network, m, n, z, k, ranks):
    """The same for the best pr x pc grid (pr pc = P, powers of 2)."""
    best = None
    for exponent in range(int(math.log2(ranks)) + 1):
        rows = 2 ** exponent
        columns = ranks // rows
        traffic = 8 * k * 2 * (m / rows + n / columns) * (1 - 1 / math.sqrt(ranks)) if ranks > 1 else 0
        messages = 8 * math.log2(ranks) if ranks > 1 else 0
        seconds = (c["c_nz"] * z * k / ranks + c["c_dense"] * (m + n) * k * k / ranks + c["c_term"] * n * k / columns +
                   c["c_row"] * m * k / rows + messages * network["alpha"] + traffic / network["beta"])
        memory = 12 * z / ranks + 16 * k * (m / rows + n / columns)
        if best is None or seconds < best[0]:
            best = (seconds, traffic, memory, "%dx%d" % (rows, columns))
    return best


def report(text):
    values = {}
    values["per_iteration"] = float(re.search(r"\(([0-9.]+) s/iteration\)", text).group(1))
    traffic = re.search(r"traffic\s+([0-9.]+) (B|KiB|MiB|GiB) sent", text)
    values["traffic"] = float(traffic.group(1)) * {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[traffic.group(2)]
    for name, calls, per_call in re.findall(r"^\s+(V\*Ht|Vt\*W|Gram|Update)\s+(\d+)\s+([0-9.]+)", text, re.M):
        values[name] = (int(calls), float(per_call))
    return values


def calibrate_run(work, m, n, z_target, k, iterations=10):
    """One 1-rank run on a generated uniform matrix: (nonzeros, seconds per iteration,
    of which the dense kernels)."""
    matrix = os.path.join(work, "uniform-%d-%d.h5" % (m, n))
    command = dnmf_command([], 1)[:-1] + [os.environ["DNMF_GENERATE"], matrix, "--rows", str(m), "--columns", str(n),
                                          "--nnz", str(z_target), "--topics", "0"]
    z = int(re.search(r"(\d+) nonzeros", subprocess.run(command, check=True, capture_output=True,
                                                        text=True).stdout).group(1))
    text = run_dnmf(["factorize", matrix, "-k", str(k), "--init", "random", "--max-iter", str(iterations), "--tol",
                     "0", "-o", os.path.join(work, "model.h5")], nranks=1).stdout
    values = report(text)
    # The start's error adds a Gram pair outside the iterations.
    dense = (sum(values[name][0] * values[name][1] for name in ("Gram", "Update")) - 2 * values["Gram"][1]) / iterations
    print("  %d x %d, %d nonzeros, k = %d: %.4f s per iteration, %.4f of it updates and Gram matrices" % (
        m, n, z, k, values["per_iteration"], dense))
    os.remove(matrix)
    return z, values["per_iteration"], dense


def calibrate(work):
    """c_dense from the update and Gram kernels; c_nz, c_term and c_row by least squares
    over 1-rank runs whose shapes pull them apart (many terms, many documents, many
    nonzeros)."""
    print("calibration (uniform matrices, 1 rank):")
    shapes = [(200_000, 50_000, 10_000_000, 50), (200_000, 200_000, 10_000_000, 50),
              (1_000_000, 20_000, 5_000_000, 20), (100_000, 500_000, 3_000_000, 20)]
    rows, rests, dense_rates = [], [], []
    for m, n, z_target, k in shapes:
        z, per_iteration, dense = calibrate_run(work, m, n, z_target, k)
        dense_rates.append(dense / ((m + n) * k * k))
        rows.append([z * k, n * k, m * k])
        rests.append(per_iteration - dense)
    coefficients, _, _, _ = np.linalg.lstsq(np.array(rows, dtype=float), np.array(rests), rcond=None)
    c = {"c_dense": float(np.median(dense_rates))}
    c["c_nz"], c["c_term"], c["c_row"] = (max(float(x), 0.0) for x in coefficients)
    print("  c_nz %.3g s, c_dense %.3g s, c_term %.3g s, c_row %.3g s" % (c["c_nz"], c["c_dense"], c["c_term"],
                                                                        c["c_row"]))
    return c


def validate(c, network, work, rank_counts):
    import h5py
    corpus = os.path.join(data_dir("20news-bydate"), "20news-bydate-train")
    matrix = os.path.join(work, "all20.h5")
    run_dnmf(["vectorize", corpus, "--encoding", "latin-1", "--strip", "headers,footers,quotes", "-o", matrix],
             nranks=2)
    with h5py.File(matrix, "r") as f:
        m, n = (int(x) for x in f["tfidf"].attrs["shape"])
        z = int(f["tfidf"]["indptr"][-1])
        frequency = f["document_frequency"][:].astype(float)
    k = 20
    print("validation: all 20 newsgroups, %d x %d, %d nonzeros, k = %d (the machine's own network: shared memory,"
          " whose alpha and beta are not the stated ones; traffic is what is compared)" % (m, n, z, k))
    print("%5s %8s %14s %14s %7s %12s %12s %7s" % ("ranks", "exchange", "sent measured", "predicted", "ratio",
                                                 "s/it measured", "predicted", "ratio"))
    local = {"alpha": 5e-6, "beta": 5e9}  # shared memory between two cores, roughly
    for ranks in rank_counts:
        for exchange in ("used", "all"):
            if ranks == 1 and exchange == "all":
                continue
            text = run_dnmf(["factorize", matrix, "-k", str(k), "--init", "random", "--max-iter", "10", "--tol", "0",
                             "--exchange", exchange, "-o", os.path.join(work, "m.h5")], nranks=ranks).stdout
            values = report(text)
            used = df_used_terms(frequency, m, m / ranks)
            seconds, traffic, _ = predict(c, local, m, n, z, k, ranks, used, exchange == "all")
            seconds *= max(1.0, ranks / 2.0)  # ranks beyond the 2 cores share them
            traffic_ratio = values["traffic"] / traffic if traffic else float("nan")
            print("%5d %8s %12.2f MB %12.2f MB %7.2f %12.4f %12.4f %7.2f" % (
                ranks, exchange, values["traffic"] / 1e6, traffic / 1e6, traffic_ratio, values["per_iteration"],
                seconds, values["per_iteration"] / seconds))


def project(c, network):
    print("predictions per rank and iteration: seconds, parallel efficiency (against P x the 1-rank time), "
          "bytes sent and memory; the row partition as built (--exchange used), the same with its terms-side "
          "arrays cut to the used terms (compressed), and the best pr x pc grid")
    for name, m, n, z, k, published in CORPORA:
        print()
        print("%s: %d x %d, %d nonzeros, k = %d" % (name, m, n, z, k))
        print("%6s %9s %5s %10s %9s | %9s %5s %9s | %8s %9s %5s %10s %9s" % (
            "ranks", "s/it", "eff", "sent", "memory", "compr s/it", "eff", "memory", "2D grid", "s/it", "eff", "sent",
            "memory"))
        one, _, _ = predict(c, network, m, n, z, k, 1, n)
        for exponent in range(1, 13):
            ranks = 2 ** exponent
            used = zipf_used_terms(n, z / ranks)
            seconds, traffic, memory = predict(c, network, m, n, z, k, ranks, used)
            compressed, _, memory_compressed = predict(c, network, m, n, z, k, ranks, used, compressed=True)
            seconds_2d, traffic_2d, memory_2d, grid = predict_2d(c, network, m, n, z, k, ranks)
            print("%6d %9.4f %4.0f%% %7.1f MB %6.2f GB | %9.4f %4.0f%% %6.2f GB | %8s %9.4f %4.0f%% %7.1f MB %6.2f GB" % (
                ranks, seconds, 100 * one / (ranks * seconds), traffic / 1e6, memory / 1e9, compressed,
                100 * one / (ranks * compressed), memory_compressed / 1e9, grid, seconds_2d,
                100 * one / (ranks * seconds_2d), traffic_2d / 1e6, memory_2d / 1e9))
        if published:
            ranks, seconds = published
            used = zipf_used_terms(n, z / ranks)
            ours = predict(c, network, m, n, z, k, ranks, used)[0]
            theirs = predict_2d(c, network, m, n, z, k, ranks)[0]
            print("  published: %.2f s per iteration on %d cores; this model at %d ranks: %.4f s (row partition), "
                  "%.4f s (2D grid)" % (seconds, ranks, ranks, ours, theirs))


def main():
    use_build_tree()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--validate", action="store_true")
    parser.add_argument("--ranks", default="1,2,4,8")
    parser.add_argument("--alpha", type=float, default=NETWORK["alpha"])
    parser.add_argument("--beta", type=float, default=NETWORK["beta"])
    arguments = parser.parse_args()
    network = {"alpha": arguments.alpha, "beta": arguments.beta}
    with work_folder(None, "dnmf-scaling-") as work:
        c = calibrate(work) if arguments.calibrate else dict(MEASURED)
        if arguments.validate:
            validate(c, network, work, [int(x) for x in arguments.ranks.split(",")])
            print()
        project(c, network)
    return 0


if __name__ == "__main__":
    sys.exit(main())
