// transform: W >= 0 for new documents X with H fixed, as scikit-learn 1.2's
// NMF.transform finds it (_fit_transform(X, H=components_, update_H=False)).
//
// hals (scikit-learn's cd): W starts at 0. An iteration is hals's W sweep (solver_hals.cpp),
//   for t = 1..k, every row i:  W[i,t] <- max(0, W[i,t] - (W[i,:] G[:,t] - A[i,t] + l1) / G[t,t])
//   with A = X H^T and G = H H^T + l2 I. It stops once the sweep's sum of |projected
//   gradient| over all ranks is at most tol times the first iteration's (or that is 0).
// mu: W starts at sqrt(mean(X) / k) in every entry. An iteration is mu's W update
//   (solver_mu.cpp): at β = 2, W <- W * A / (W G + l1); for any other β,
//   W <- W * ((X ∘ (WH)^(β−2)) H^T / (D + l1 + l2 W))^γ, D = Σ_j H[:,j] for KL and
//   (WH)^(β−1) H^T otherwise. With tol > 0, every 10th iteration takes the error
//   e = sqrt(2 D_β(X || WH)) and stops once the last 10 iterations lowered it by less than
//   tol times the start's error.
// (For KL with an L1 penalty scikit-learn 1.2's transform adds l1 to its cached Σ_j H[:,j]
// in place, once more every iteration; dnmf adds it once, as its fit does.)
//
// Rows are independent given H, so each rank solves for its own documents; the stopping
// rules are global, as scikit-learn's, so a row comes out the same on any number of ranks.
// Rows go in blocks of block_rows whose A is computed when needed and dropped (scikit-learn's
// cd recomputes A every iteration too): a rank holds its rows of X and W, H, and one block,
// never a second documents x k array. The only communication is a sum of a few numbers
// per iteration.
#include "src/nmf/transform.hpp"

#include <algorithm>
#include <cmath>

#include "src/base/comm.hpp"
#include "src/base/resources.hpp"
#include "src/nmf/beta_divergence.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/row_updates.hpp"
#include "src/nmf/threads.hpp"

namespace dnmf::nmf {
namespace {

class FixedH {
 public:
  FixedH(const DataMatrix& x, const std::vector<double>& ht, int64_t k, const TransformSettings& settings)
      : x_(x), ht_(ht), k_(k), settings_(settings), gamma_(mu_gamma(settings.beta)) {
    gram(ht.data(), x.columns(), k, hht_);
    penalized_gram_ = hht_;
    for (int64_t t = 0; t < k; ++t) penalized_gram_[t * k + t] += settings.w_penalty.l2;
    h_sums_ = column_sums(ht.data(), x.columns(), k);
  }

  // One iteration over this rank's rows of w; hals returns its sum of |projected gradient|
  // over all ranks, mu 0.
  double iterate(std::vector<double>& w) const {
    if (settings_.solver == "hals") {
      double violation = 0;
      for_each_block([&](int64_t first, int64_t count, const double* a) {
        violation += hals_sweep(w.data() + first * k_, count, k_, penalized_gram_.data(), a, settings_.w_penalty.l1);
      });
      return sum_over_ranks(x_.comm(), violation);
    }
    if (settings_.beta == kFrobenius) {
      for_each_block([&](int64_t first, int64_t count, const double* a) {
        mu_frobenius_update(w.data() + first * k_, count, k_, penalized_gram_.data(), a, settings_.w_penalty.l1);
      });
    } else {
      parallel_for(x_.local_rows(), [&](int64_t i) { mu_beta_row(w.data() + i * k_, i); });
    }
    return 0;
  }

  // sqrt(2 D_β(X || WH)) over all ranks; each local row's own in *row_error when given.
  double error(const std::vector<double>& w, std::vector<double>* row_error) const {
    std::vector<double> divergence(static_cast<size_t>(x_.local_rows()));
    auto one_row = [&](int64_t i, const double* a) { divergence[i] = row_divergence(w.data() + i * k_, i, a); };
    if (settings_.beta == kFrobenius) {
      for_each_block([&](int64_t first, int64_t count, const double* a) {
        parallel_for(count, [&](int64_t r) { one_row(first + r, a + r * k_); });
      });
    } else {
      parallel_for(x_.local_rows(), [&](int64_t i) { one_row(i, nullptr); });
    }
    if (row_error != nullptr) {
      row_error->resize(divergence.size());
      for (size_t i = 0; i < divergence.size(); ++i) (*row_error)[i] = std::sqrt(2 * std::max(divergence[i], 0.0));
    }
    double local = 0;
    for (double d : divergence) local += d;
    return std::sqrt(2 * std::max(sum_over_ranks(x_.comm(), local), 0.0));
  }

  // The mean of X's entries (mu's start), the same on any number of ranks.
  double mean_of_x() const {
    std::vector<double> row_sums(static_cast<size_t>(x_.local_rows()));
    parallel_for(x_.local_rows(), [&](int64_t i) {
      for (double value : entries_of(i).values) row_sums[i] += value;
    });
    return sum_in_rank_order(x_.comm(), row_sums) /
           (static_cast<double>(x_.rows()) * static_cast<double>(x_.columns()));
  }

  // l1 Σ W + (l2 / 2) ||W||², over all ranks.
  double penalty(const std::vector<double>& w) const {
    if (!settings_.w_penalty.any()) return 0;
    double sum = 0, squares = 0;
    for (double value : w) {
      sum += value;
      squares += value * value;
    }
    return sum_over_ranks(x_.comm(), settings_.w_penalty.l1 * sum + settings_.w_penalty.l2 / 2 * squares);
  }

 private:
  // visit(first row, rows, A of those rows) for consecutive blocks of this rank's rows.
  template <class Visit>
  void for_each_block(Visit&& visit) const {
    const int64_t block = std::max<int64_t>(1, settings_.block_rows);
    std::vector<double> a(static_cast<size_t>(std::min(block, x_.local_rows()) * k_));
    for (int64_t first = 0; first < x_.local_rows(); first += block) {
      const int64_t count = std::min(block, x_.local_rows() - first);
      multiply_v_ht_block(x_, ht_, k_, first, count, a.data());
      visit(first, count, a.data());
    }
  }

  // Local row i's entries, columns increasing, copied out of the matrix's blocks: the
  // arithmetic on them is then one loop, which rounds the same way on any split of the
  // columns (each of a row's stretches in data_matrix.hpp's visit_row is a loop of its
  // own, which the compiler may contract into fused multiply-adds differently).
  struct RowEntries {
    std::vector<int64_t> columns;
    std::vector<double> values;
  };
  const RowEntries& entries_of(int64_t i) const {
    thread_local RowEntries row;
    row.columns.clear();
    row.values.clear();
    visit_row(x_, i, [&](int64_t column, double value) {
      row.columns.push_back(column);
      row.values.push_back(value);
    });
    return row;
  }

  // mu's W rule for β other than 2 on local row i.
  void mu_beta_row(double* w_row, int64_t i) const {
    std::vector<double> numerator(static_cast<size_t>(k_), 0.0), denominator(static_cast<size_t>(k_), 0.0);
    const auto& row = entries_of(i);
    for (size_t e = 0; e < row.columns.size(); ++e) {
      const double* h = ht_.data() + row.columns[e] * k_;
      const double ratio = mu_entry_ratio(row.values[e], row_dot(w_row, h, k_), settings_.beta);
      for (int64_t t = 0; t < k_; ++t) numerator[t] += ratio * h[t];
    }
    if (settings_.beta == kKullbackLeibler) {
      denominator = h_sums_;
    } else {
      for (int64_t j = 0; j < x_.columns(); ++j) {
        const double* h = ht_.data() + j * k_;
        const double scale = mu_powered(row_dot(w_row, h, k_), settings_.beta);
        for (int64_t t = 0; t < k_; ++t) denominator[t] += scale * h[t];
      }
    }
    mu_apply(w_row, k_, numerator.data(), denominator.data(), settings_.w_penalty.l1, settings_.w_penalty.l2,
             settings_.beta, gamma_);
  }

  // D_β(x_i || w_i H) as beta_divergence.hpp defines it, for local row i (a = x_i H^T at β = 2).
  double row_divergence(const double* w_row, int64_t i, const double* a) const {
    const double beta = settings_.beta;
    const auto& row = entries_of(i);
    if (beta == kFrobenius) {
      double squares = 0;
      for (double value : row.values) squares += value * value;
      double quadratic = 0;
      for (int64_t r = 0; r < k_; ++r) quadratic += w_row[r] * row_dot(hht_.data() + r * k_, w_row, k_);
      return (squares - 2 * row_dot(w_row, a, k_) + quadratic) / 2;
    }
    double sums[2] = {0, 0};
    for (size_t e = 0; e < row.columns.size(); ++e)
      if (row.values[e] > kBetaEpsilon)
        add_entry_terms(beta, row.values[e], row_dot(w_row, ht_.data() + row.columns[e] * k_, k_), sums);
    double all_products = 0;
    if (beta == kKullbackLeibler)
      all_products = row_dot(w_row, h_sums_.data(), k_);
    else if (beta != kItakuraSaito)
      for (int64_t j = 0; j < x_.columns(); ++j)
        all_products += std::pow(row_dot(w_row, ht_.data() + j * k_, k_), beta);
    return divergence_of(beta, sums, all_products, static_cast<double>(x_.columns()));
  }

  const DataMatrix& x_;
  const std::vector<double>& ht_;
  const int64_t k_;
  const TransformSettings& settings_;
  const double gamma_;
  std::vector<double> hht_, penalized_gram_, h_sums_;
};

}  // namespace

TransformResult transform(const DataMatrix& x, const std::vector<double>& ht, int64_t k,
                          const TransformSettings& settings) {
  const double started = wall_seconds();
  const FixedH fixed(x, ht, k, settings);
  TransformResult result;
  const bool hals = settings.solver == "hals";
  const double start = hals ? 0.0 : std::sqrt(fixed.mean_of_x() / static_cast<double>(k));
  result.w.assign(static_cast<size_t>(x.local_rows() * k), start);
  const double error_at_start = hals ? 0.0 : fixed.error(result.w, nullptr);
  double first_violation = 0, previous_error = error_at_start;
  for (int64_t iteration = 1; iteration <= settings.max_iterations; ++iteration) {
    const double violation = fixed.iterate(result.w);
    result.iterations = iteration;
    bool met = false;
    if (hals) {
      if (iteration == 1) first_violation = violation;
      met = first_violation == 0 || violation / first_violation <= settings.tolerance;
    } else if (settings.tolerance > 0 && iteration % 10 == 0) {
      const double error = fixed.error(result.w, nullptr);
      met = (previous_error - error) / error_at_start < settings.tolerance;
      previous_error = error;
    }
    if (met) {
      result.stop = TransformStop::tolerance;
      break;
    }
  }
  result.error = fixed.error(result.w, &result.row_error);
  result.objective = result.error * result.error / 2 + fixed.penalty(result.w);
  result.seconds = wall_seconds() - started;
  return result;
}

}  // namespace dnmf::nmf
