#include "src/commands/topic_tables.hpp"

#include <algorithm>
#include <numeric>

#include "src/base/comm.hpp"

namespace dnmf {

std::vector<std::string> top_words(const std::vector<double>& h, int64_t t, int64_t n, int64_t top,
                                   const std::vector<std::string>& vocabulary) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const auto count = static_cast<std::ptrdiff_t>(std::min(top, n));
  std::partial_sort(order.begin(), order.begin() + count, order.end(), [&](int64_t a, int64_t b) {
    const double x = h[t * n + a], y = h[t * n + b];
    return x != y ? x > y : a < b;
  });
  std::vector<std::string> words;
  for (std::ptrdiff_t i = 0; i < count; ++i) words.push_back(vocabulary[order[i]]);
  return words;
}

std::vector<std::vector<int64_t>> label_table(MPI_Comm comm, const std::vector<double>& w, int64_t k,
                                              const std::vector<int32_t>& labels, int64_t label_count) {
  const auto local_rows = static_cast<int64_t>(labels.size());
  std::vector<int64_t> counts(static_cast<size_t>((k + 1) * label_count), 0);
  for (int64_t i = 0; i < local_rows; ++i) {
    int64_t best = k;  // "none" for an all-zero row
    double best_weight = 0;
    for (int64_t t = 0; t < k; ++t)
      if (w[i * k + t] > best_weight) {
        best_weight = w[i * k + t];
        best = t;
      }
    ++counts[best * label_count + labels[i]];
  }
  sum_over_ranks_in_place(comm, counts);
  std::vector<std::vector<int64_t>> table;
  for (int64_t t = 0; t <= k; ++t)
    table.emplace_back(counts.begin() + t * label_count, counts.begin() + (t + 1) * label_count);
  return table;
}

}  // namespace dnmf
