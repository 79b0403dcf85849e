#include "src/nmf/initialize.hpp"

#include <cmath>

#include "src/base/choices.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/nmf/random.hpp"
#include "src/nmf/randomized_svd.hpp"

namespace dnmf::nmf {
namespace {

void random_init(const DataMatrix& v, Factors& f, const InitSettings& settings) {
  const double scale = settings.scikit_learn_scale ? std::sqrt(v.mean() / static_cast<double>(f.k)) : 0.01;
  for (int64_t i = 0; i < f.local_rows; ++i)
    for (int64_t t = 0; t < f.k; ++t) {
      const auto index = static_cast<uint64_t>((v.first_row() + i) * f.k + t);
      f.W[i * f.k + t] = scale * std::fabs(random_normal(settings.seed, kStreamW, index));
    }
  for (int64_t j = 0; j < f.columns; ++j)
    for (int64_t t = 0; t < f.k; ++t)
      f.Ht[j * f.k + t] =
          scale * std::fabs(random_normal(settings.seed, kStreamH, static_cast<uint64_t>(t * f.columns + j)));
}

// scikit-learn's _initialize_nmf for the nndsvd family, on the distributed SVD.
void nndsvd_init(const DataMatrix& v, Factors& f, const InitSettings& settings) {
  const int64_t k = f.k;
  const auto svd = randomized_svd(v, k, settings.seed);
  // Norms of the positive and negative parts of every left vector (rows are distributed).
  std::vector<double> left_norms(static_cast<size_t>(2 * k), 0.0);
  for (int64_t i = 0; i < f.local_rows; ++i)
    for (int64_t t = 0; t < k; ++t) {
      const double x = svd.left[i * k + t];
      left_norms[2 * t + (x >= 0 ? 0 : 1)] += x * x;
    }
  sum_over_ranks_in_place(v.comm(), left_norms);

  for (int64_t t = 0; t < k; ++t) {
    const double sigma = svd.singular_values[t];
    if (t == 0) {
      const double root = std::sqrt(sigma);
      for (int64_t i = 0; i < f.local_rows; ++i) f.W[i * k] = root * std::fabs(svd.left[i * k]);
      for (int64_t j = 0; j < f.columns; ++j) f.Ht[j * k] = root * std::fabs(svd.right[j * k]);
      continue;
    }
    double right_positive = 0, right_negative = 0;
    for (int64_t j = 0; j < f.columns; ++j) {
      const double y = svd.right[j * k + t];
      (y >= 0 ? right_positive : right_negative) += y * y;
    }
    const double x_positive = std::sqrt(left_norms[2 * t]), x_negative = std::sqrt(left_norms[2 * t + 1]);
    const double y_positive = std::sqrt(right_positive), y_negative = std::sqrt(right_negative);
    const double m_positive = x_positive * y_positive, m_negative = x_negative * y_negative;
    // Keep the dominant sign pattern: u, v are the normalized positive (or negative) parts.
    const bool positive = m_positive > m_negative;
    const double sign = positive ? 1.0 : -1.0;
    const double x_norm = positive ? x_positive : x_negative, y_norm = positive ? y_positive : y_negative;
    const double lambda = std::sqrt(sigma * (positive ? m_positive : m_negative));
    for (int64_t i = 0; i < f.local_rows; ++i) {
      const double part = std::max(sign * svd.left[i * k + t], 0.0);
      f.W[i * k + t] = x_norm > 0 ? lambda * part / x_norm : 0.0;
    }
    for (int64_t j = 0; j < f.columns; ++j) {
      const double part = std::max(sign * svd.right[j * k + t], 0.0);
      f.Ht[j * k + t] = y_norm > 0 ? lambda * part / y_norm : 0.0;
    }
  }
  const double eps = 1e-6;
  for (double& x : f.W) x = x < eps ? 0.0 : x;
  for (double& x : f.Ht) x = x < eps ? 0.0 : x;
  if (settings.method == "nndsvd") return;
  // nndsvda fills the zeros with mean(V), nndsvdar with |mean(V) N(0,1) / 100|, drawn by
  // global position so the fill does not depend on the number of ranks.
  const double average = v.mean();
  const bool random_fill = settings.method == "nndsvdar";
  auto fill_zeros = [&](std::vector<double>& x, int64_t count, uint64_t stream, auto global_index) {
    for (int64_t i = 0; i < count; ++i)
      for (int64_t t = 0; t < k; ++t) {
        double& value = x[i * k + t];
        if (value != 0) continue;
        value =
            random_fill ? std::fabs(average * random_normal(settings.seed, stream, global_index(i, t)) / 100) : average;
      }
  };
  fill_zeros(f.W, f.local_rows, kStreamFill,
             [&](int64_t i, int64_t t) { return static_cast<uint64_t>((v.first_row() + i) * k + t); });
  fill_zeros(f.Ht, f.columns, kStreamFill ^ 0xABCDEFull,
             [&](int64_t j, int64_t t) { return static_cast<uint64_t>(t * f.columns + j); });
}

}  // namespace

const std::vector<InitEntry>& init_registry() {
  static const std::vector<InitEntry> entries{
      {"random", "|N(0, s^2)| entries (s = 0.01, or scikit-learn's with --init-scale)", false, random_init},
      {"nndsvd", "nonnegative double SVD (Boutsidis & Gallopoulos) of a randomized SVD", false, nndsvd_init},
      {"nndsvda", "nndsvd with its zeros filled by mean(V); the default", false, nndsvd_init},
      {"nndsvdar", "nndsvd with its zeros filled by small random values", false, nndsvd_init},
      {"file", "W and H read from --init-file", true, nullptr},
  };
  return entries;
}

const InitEntry& find_init(const std::string& name) { return find_choice(init_registry(), name, "init", "method"); }

Factors initialize(const DataMatrix& v, int64_t k, const InitSettings& settings) {
  const InitEntry& entry = find_init(settings.method);
  if (entry.fill == nullptr)
    throw std::logic_error("--init " + settings.method + " is read by the caller, not computed");
  Factors f(k, v.local_rows(), v.columns());
  entry.fill(v, f, settings);
  return f;
}

void check_start(const Factors& start, bool require_nonnegative, const std::string& source) {
  auto check = [&](const std::vector<double>& values, const char* name) {
    for (double x : values) {
      if (!std::isfinite(x)) throw UserError(source + ": " + name + " holds non-finite values");
      if (x < 0 && require_nonnegative)
        throw UserError(source + ": " + name + " holds negative values, which this solver cannot start from");
    }
  };
  check(start.W, "/W");
  check(start.Ht, "/H");
}

}  // namespace dnmf::nmf
