#pragma once
// Choosing k by the stability of topics, as NMFk does (Alexandrov, Vesselinov et al.;
// the pyDNMFk and T-ELF packages): for each k, R factorizations of V with each entry
// multiplied by a uniform factor in [1 - eps, 1 + eps] (a different draw per run); the
// R x k topics (rows of H, scaled to unit length) are clustered into k clusters holding
// one topic of each run; the silhouettes of those clusters, in cosine distance, say how
// well the runs agree. Topics that are really in the data come back in every run, so the
// clusters are tight; at a k beyond what the data holds, runs split and merge topics
// differently and the smallest cluster silhouette falls. The recommended k is the largest
// whose smallest cluster silhouette is at least a threshold.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "src/base/csr_rows.hpp"

namespace dnmf::nmf {

// `source` with every value multiplied by 1 + eps (2u - 1), u uniform in (0, 1) drawn
// from (seed, the entry's global row and column): the same matrix on any number of ranks.
CsrRowSource perturbed_source(const CsrRowSource& source, double eps, uint64_t seed);

// The topics of R runs at one k: run r's topic t is row r * k + t of a (R k) x columns
// matrix, given as each run's Ht (columns x k, row-major) on every rank.
struct TopicClusters {
  int64_t k = 0, runs = 0;
  std::vector<int32_t> cluster;            // per topic (r * k + t): its cluster
  std::vector<double> silhouette;          // per topic
  std::vector<double> cluster_silhouette;  // per cluster: the mean of its topics'
  double min_silhouette = 0, mean_silhouette = 0;
  std::vector<double> centroid;  // k x columns, row-major: each cluster's mean unit topic
};

// Collective: clusters the runs' topics (each run's topics matched one to one to the
// clusters' centroids by the assignment of largest total cosine, centroids re-averaged,
// until no match changes) and their silhouettes. Each rank computes the cosines over its
// owned columns [first_column, first_column + owned_columns); one sum.
TopicClusters cluster_topics(MPI_Comm comm, const std::vector<std::vector<double>>& run_ht, int64_t k, int64_t columns,
                             int64_t first_column, int64_t owned_columns);

// The assignment of rows to columns of a square `size` x `size` score matrix (row-major)
// that maximizes the total score (Kuhn-Munkres): assignment[row] = column.
std::vector<int32_t> best_assignment(const std::vector<double>& score, int64_t size);

// The rule: the largest k whose smallest cluster silhouette is at least `threshold`;
// without one, the k of the largest smallest silhouette. -1 when `ks` is empty.
int64_t recommended_k(const std::vector<int64_t>& ks, const std::vector<double>& min_silhouettes, double threshold);

}  // namespace dnmf::nmf
