#include "src/nmf/select_k.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "src/base/comm.hpp"
#include "src/nmf/random.hpp"

namespace dnmf::nmf {

namespace {
constexpr uint64_t kStreamPerturb = 6;  // beside random.hpp's streams
}

CsrRowSource perturbed_source(const CsrRowSource& source, double eps, uint64_t seed) {
  CsrRowSource perturbed = source;
  const auto read = source.read_entries;
  const std::vector<int64_t> indptr = source.indptr;
  const int64_t first_row = source.first_row, columns = source.columns;
  perturbed.read_entries = [=](bool with_values, int64_t chunk_entries, const CsrRowSource::ChunkVisitor& visit) {
    if (!with_values) {
      read(false, chunk_entries, visit);
      return;
    }
    std::vector<double> scaled;
    read(true, chunk_entries,
         [&](int64_t first_entry, const std::vector<int32_t>& column, const std::vector<double>& value) {
           scaled.resize(value.size());
           // The row of the chunk's first entry, then row by row along the chunk.
           auto row =
               static_cast<int64_t>(std::upper_bound(indptr.begin(), indptr.end(), first_entry) - indptr.begin()) - 1;
           for (size_t e = 0; e < value.size(); ++e) {
             const int64_t entry = first_entry + static_cast<int64_t>(e);
             while (indptr[static_cast<size_t>(row) + 1] <= entry) ++row;
             const auto index = static_cast<uint64_t>(first_row + row) * static_cast<uint64_t>(columns) +
                                static_cast<uint64_t>(column[e]);
             scaled[e] = value[e] * (1 + eps * (2 * random_uniform(seed, kStreamPerturb, index) - 1));
           }
           visit(first_entry, column, scaled);
         });
  };
  return perturbed;
}

std::vector<int32_t> best_assignment(const std::vector<double>& score, int64_t size) {
  // Kuhn-Munkres on costs -score, with row and column potentials u, v: each row in turn
  // joins by a shortest augmenting path over reduced costs (O(size^3)).
  const auto n = static_cast<size_t>(size);
  const double infinity = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(n + 1, 0);
  std::vector<size_t> row_of_column(n + 1, 0), previous(n + 1, 0);  // 1-based; 0: none
  for (size_t row = 1; row <= n; ++row) {
    row_of_column[0] = row;
    size_t column = 0;
    std::vector<double> slack(n + 1, infinity);
    std::vector<bool> used(n + 1, false);
    do {
      used[column] = true;
      const size_t r = row_of_column[column];
      double delta = infinity;
      size_t next = 0;
      for (size_t c = 1; c <= n; ++c) {
        if (used[c]) continue;
        const double reduced = -score[(r - 1) * n + (c - 1)] - u[r] - v[c];
        if (reduced < slack[c]) {
          slack[c] = reduced;
          previous[c] = column;
        }
        if (slack[c] < delta) {
          delta = slack[c];
          next = c;
        }
      }
      for (size_t c = 0; c <= n; ++c) {
        if (used[c]) {
          u[row_of_column[c]] += delta;
          v[c] -= delta;
        } else {
          slack[c] -= delta;
        }
      }
      column = next;
    } while (row_of_column[column] != 0);
    do {
      const size_t before = previous[column];
      row_of_column[column] = row_of_column[before];
      column = before;
    } while (column != 0);
  }
  std::vector<int32_t> assignment(n, 0);
  for (size_t c = 1; c <= n; ++c) assignment[row_of_column[c] - 1] = static_cast<int32_t>(c - 1);
  return assignment;
}

namespace {

// Cosines of every pair of the runs' topics: their Gram matrix over the owned columns,
// summed over ranks, then scaled by the norms. A topic of zeros has cosine 0 with all.
std::vector<double> topic_cosines(MPI_Comm comm, const std::vector<std::vector<double>>& run_ht, int64_t k,
                                  int64_t first_column, int64_t owned_columns) {
  const auto topics = static_cast<size_t>(k) * run_ht.size();
  std::vector<double> gram(topics * topics, 0.0), row(topics);
  for (int64_t j = first_column; j < first_column + owned_columns; ++j) {
    for (size_t r = 0; r < run_ht.size(); ++r)
      std::copy_n(&run_ht[r][static_cast<size_t>(j * k)], k, &row[r * static_cast<size_t>(k)]);
    for (size_t a = 0; a < topics; ++a) {
      if (row[a] == 0) continue;
      for (size_t b = a; b < topics; ++b) gram[a * topics + b] += row[a] * row[b];
    }
  }
  sum_over_ranks_in_place(comm, gram);
  std::vector<double> cosine(topics * topics, 0.0);
  for (size_t a = 0; a < topics; ++a)
    for (size_t b = a; b < topics; ++b) {
      const double norms = std::sqrt(gram[a * topics + a] * gram[b * topics + b]);
      cosine[a * topics + b] = cosine[b * topics + a] = norms > 0 ? gram[a * topics + b] / norms : 0.0;
    }
  return cosine;
}

// Cosine of topic `topic` with the mean of the unit topics `members`, from their cosines:
// (sum_i cos(i, topic)) / |sum_i u_i|.
double cosine_with_centroid(const std::vector<double>& cosine, size_t topics, const std::vector<size_t>& members,
                            size_t topic) {
  double along = 0, squared_length = 0;
  for (const size_t i : members) {
    along += cosine[i * topics + topic];
    for (const size_t j : members) squared_length += cosine[i * topics + j];
  }
  return squared_length > 0 ? along / std::sqrt(squared_length) : 0.0;
}

void silhouettes(const std::vector<double>& cosine, TopicClusters& c) {
  const auto topics = static_cast<size_t>(c.k * c.runs);
  c.silhouette.assign(topics, std::numeric_limits<double>::quiet_NaN());
  c.cluster_silhouette.assign(static_cast<size_t>(c.k), std::numeric_limits<double>::quiet_NaN());
  c.min_silhouette = c.mean_silhouette = std::numeric_limits<double>::quiet_NaN();
  if (c.k < 2 || c.runs < 2) return;  // a silhouette needs two clusters of two
  std::vector<double> distance_sum(static_cast<size_t>(c.k));
  for (size_t i = 0; i < topics; ++i) {
    std::fill(distance_sum.begin(), distance_sum.end(), 0.0);
    for (size_t j = 0; j < topics; ++j)
      if (j != i) distance_sum[static_cast<size_t>(c.cluster[j])] += std::max(0.0, 1 - cosine[i * topics + j]);
    const auto own = static_cast<size_t>(c.cluster[i]);
    const double a = distance_sum[own] / static_cast<double>(c.runs - 1);
    double b = std::numeric_limits<double>::infinity();
    for (size_t other = 0; other < distance_sum.size(); ++other)
      if (other != own) b = std::min(b, distance_sum[other] / static_cast<double>(c.runs));
    const double larger = std::max(a, b);
    c.silhouette[i] = larger > 0 ? (b - a) / larger : 0.0;
  }
  double total = 0;
  c.min_silhouette = std::numeric_limits<double>::infinity();
  for (int64_t cluster = 0; cluster < c.k; ++cluster) {
    double sum = 0;
    for (size_t i = 0; i < topics; ++i)
      if (c.cluster[i] == cluster) sum += c.silhouette[i];
    c.cluster_silhouette[static_cast<size_t>(cluster)] = sum / static_cast<double>(c.runs);
    c.min_silhouette = std::min(c.min_silhouette, sum / static_cast<double>(c.runs));
    total += sum;
  }
  c.mean_silhouette = total / static_cast<double>(topics);
}

}  // namespace

TopicClusters cluster_topics(MPI_Comm comm, const std::vector<std::vector<double>>& run_ht, int64_t k, int64_t columns,
                             int64_t first_column, int64_t owned_columns) {
  TopicClusters c;
  c.k = k;
  c.runs = static_cast<int64_t>(run_ht.size());
  const auto uk = static_cast<size_t>(k);
  const size_t topics = uk * run_ht.size();
  const auto cosine = topic_cosines(comm, run_ht, k, first_column, owned_columns);
  // Start from the first run's topics as the clusters; match every run to them, then to
  // the clusters' means, until the matches stay.
  std::vector<std::vector<size_t>> members(uk);
  for (size_t t = 0; t < uk; ++t) members[t] = {t};
  c.cluster.assign(topics, -1);
  std::vector<double> score(uk * uk);
  for (int round = 0; round < 100; ++round) {
    bool changed = false;
    for (size_t r = 0; r < run_ht.size(); ++r) {
      for (size_t t = 0; t < uk; ++t)
        for (size_t cluster = 0; cluster < uk; ++cluster)
          score[t * uk + cluster] = cosine_with_centroid(cosine, topics, members[cluster], r * uk + t);
      const auto assignment = best_assignment(score, k);
      for (size_t t = 0; t < uk; ++t)
        if (c.cluster[r * uk + t] != assignment[t]) {
          c.cluster[r * uk + t] = assignment[t];
          changed = true;
        }
    }
    for (auto& cluster : members) cluster.clear();
    for (size_t i = 0; i < topics; ++i) members[static_cast<size_t>(c.cluster[i])].push_back(i);
    if (!changed) break;
  }
  silhouettes(cosine, c);
  // Each cluster's mean unit topic, over all columns (every rank holds every Ht).
  c.centroid.assign(uk * static_cast<size_t>(columns), 0.0);
  for (size_t r = 0; r < run_ht.size(); ++r)
    for (size_t t = 0; t < uk; ++t) {
      double squares = 0;
      for (int64_t j = 0; j < columns; ++j)
        squares += run_ht[r][static_cast<size_t>(j) * uk + t] * run_ht[r][static_cast<size_t>(j) * uk + t];
      if (squares == 0) continue;
      const double scale = 1 / (std::sqrt(squares) * static_cast<double>(run_ht.size()));
      double* centroid = &c.centroid[static_cast<size_t>(c.cluster[r * uk + t]) * static_cast<size_t>(columns)];
      for (int64_t j = 0; j < columns; ++j) centroid[j] += run_ht[r][static_cast<size_t>(j) * uk + t] * scale;
    }
  return c;
}

int64_t recommended_k(const std::vector<int64_t>& ks, const std::vector<double>& min_silhouettes, double threshold) {
  int64_t stable = -1, best = -1;
  double best_silhouette = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < ks.size(); ++i) {
    if (std::isnan(min_silhouettes[i])) continue;
    if (min_silhouettes[i] >= threshold) stable = std::max(stable, ks[i]);
    if (min_silhouettes[i] > best_silhouette) {
      best_silhouette = min_silhouettes[i];
      best = ks[i];
    }
  }
  return stable >= 0 ? stable : best;
}

}  // namespace dnmf::nmf
