#include "src/commands/label_agreement.hpp"

#include <algorithm>
#include <cmath>

namespace dnmf {
namespace {

// −Σ p ln p of the counts, as scikit-learn's entropy (zero counts left out).
double entropy_of(const std::vector<int64_t>& counts) {
  double total = 0, sum = 0;
  int present = 0;
  for (int64_t count : counts)
    if (count > 0) {
      total += static_cast<double>(count);
      ++present;
    }
  if (present <= 1) return 0;
  for (int64_t count : counts)
    if (count > 0)
      sum += (static_cast<double>(count) / total) * (std::log(static_cast<double>(count)) - std::log(total));
  return -sum;
}

}  // namespace

LabelAgreement label_agreement(const std::vector<std::vector<int64_t>>& table) {
  const size_t clusters = table.size(), labels = clusters ? table[0].size() : 0;
  std::vector<int64_t> cluster_sizes(clusters, 0), label_sizes(labels, 0);
  int64_t documents = 0;
  for (size_t c = 0; c < clusters; ++c)
    for (size_t l = 0; l < labels; ++l) {
      cluster_sizes[c] += table[c][l];
      label_sizes[l] += table[c][l];
      documents += table[c][l];
    }
  LabelAgreement agreement;
  if (documents == 0) return agreement;
  const auto present = [](const std::vector<int64_t>& sizes) {
    return std::count_if(sizes.begin(), sizes.end(), [](int64_t size) { return size > 0; });
  };
  const double n = static_cast<double>(documents);
  // Mutual information, term by term as scikit-learn's mutual_info_score sums it.
  double mutual_information = 0;
  if (present(cluster_sizes) > 1 && present(label_sizes) > 1) {
    for (size_t c = 0; c < clusters; ++c)
      for (size_t l = 0; l < labels; ++l) {
        if (table[c][l] == 0) continue;
        const double share = static_cast<double>(table[c][l]) / n;
        const double outer = static_cast<double>(cluster_sizes[c] * label_sizes[l]);
        const double term = share * (std::log(static_cast<double>(table[c][l])) - std::log(n)) +
                            share * (-std::log(outer) + std::log(n) + std::log(n));
        mutual_information += std::fabs(term) < 2.220446049250313e-16 ? 0 : term;
      }
    mutual_information = std::max(mutual_information, 0.0);
  }
  const double label_entropy = entropy_of(label_sizes), cluster_entropy = entropy_of(cluster_sizes);
  if (present(cluster_sizes) == 1 && present(label_sizes) == 1)
    agreement.nmi = 1;
  else if (mutual_information > 0)
    agreement.nmi = mutual_information / ((label_entropy + cluster_entropy) / 2);
  agreement.homogeneity = label_entropy != 0 ? mutual_information / label_entropy : 1;
  agreement.completeness = cluster_entropy != 0 ? mutual_information / cluster_entropy : 1;
  const double h = agreement.homogeneity, c = agreement.completeness;
  agreement.v_measure = h + c == 0 ? 0 : 2 * h * c / (h + c);
  // Pair counts, exact.
  __int128 squares = 0, cluster_pairs = 0, label_pairs = 0;
  for (size_t i = 0; i < clusters; ++i)
    for (size_t l = 0; l < labels; ++l) {
      const __int128 count = table[i][l];
      squares += count * count;
      cluster_pairs += count * cluster_sizes[i];
      label_pairs += count * label_sizes[l];
    }
  const __int128 total = documents;
  const __int128 tp = squares - total, fp = cluster_pairs - squares, fn = label_pairs - squares;
  const __int128 tn = total * total - fp - fn - squares;
  if (fn == 0 && fp == 0) {
    agreement.adjusted_rand = 1;
  } else {
    const auto numerator = static_cast<double>(tp * tn - fn * fp);
    const auto denominator = static_cast<double>((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
    agreement.adjusted_rand = 2.0 * numerator / denominator;
  }
  int64_t largest_total = 0;
  for (const auto& row : table) largest_total += row.empty() ? 0 : *std::max_element(row.begin(), row.end());
  agreement.purity = static_cast<double>(largest_total) / n;
  return agreement;
}

}  // namespace dnmf
