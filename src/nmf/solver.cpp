#include "src/nmf/solver.hpp"

#include <algorithm>
#include <cmath>

#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/log_events.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/threads.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

// One row of the penalized gradient step of gd and sgd:
//   out[t] = x[t] - lr (scale (x gram - cross)[t] + lambda pen(x[t]))
template <class Wd>
void penalized_gradient_row(Wd w, const double* x, const double* cross, const double* gram, double learning_rate,
                            double scale, double lambda, double mu, double* out) {
  const int64_t k = w.k();
  for (int64_t t = 0; t < k; ++t) {
    double gradient = -cross[t];
    for (int64_t r = 0; r < k; ++r) gradient += x[r] * gram[r * k + t];
    out[t] = x[t] - learning_rate * (scale * gradient + lambda * penalty(x[t], mu));
  }
}

}  // namespace

namespace {

// `copy` becomes x rounded to float (--precision single).
const std::vector<float>& rounded_to_float(const std::vector<double>& x, std::vector<float>& copy) {
  copy.resize(x.size());
  parallel_for(static_cast<int64_t>(x.size()), [&](int64_t i) { copy[i] = static_cast<float>(x[i]); });
  return copy;
}

}  // namespace

void Solver::refresh_v_ht(const std::vector<double>& ht, int64_t k, const std::vector<int64_t>* rows) {
  if (settings_.single_precision_products)
    multiply_v_ht(v_, rounded_to_float(ht, ht_single_), k, v_ht_, rows);
  else
    multiply_v_ht(v_, ht, k, v_ht_, rows);
}

void Solver::refresh_vt_w(const std::vector<double>& w, int64_t k, const std::vector<int64_t>* rows) {
  if (settings_.single_precision_products)
    multiply_vt_w(v_, rounded_to_float(w, w_single_), k, vt_w_, rows);
  else
    multiply_vt_w(v_, w, k, vt_w_, rows);
}

void Solver::sum_over_ranks(std::vector<double>& values) const {
  LogScope scope(LogEvent::allreduce);
  communicated_bytes_ += static_cast<int64_t>(values.size() * sizeof(double));
  sum_over_ranks_in_place(v_.comm(), values);
}

Solver::Solver(const DataMatrix& v, const SolverSettings& settings)
    : v_(v),
      settings_(settings),
      w_penalty_(settings.alpha_w, settings.l1_ratio, v.columns()),
      h_penalty_(settings.alpha_h, settings.l1_ratio, v.rows()) {
  if (settings_.used_columns_only) used_exchange_.emplace(v_.comm(), v_.used_columns(), v_.column_split());
}

// Traffic counts the numbers a rank sends to other ranks: for a reduce-scatter the
// other owners' blocks (or the used rows of them), for a share its own block once per
// other rank (or the rows each uses).
void Solver::sum_vt_w_to_owners(int64_t k) {
  LogScope scope(LogEvent::reduce_scatter);
  constexpr auto kBytes = static_cast<int64_t>(sizeof(double));
  if (used_exchange_) {
    communicated_bytes_ += used_exchange_->rows_sent_by_sum() * k * kBytes;
    used_exchange_->sum_to_owners(vt_w_, k);
    return;
  }
  communicated_bytes_ += (v_.columns() - owned_columns()) * k * kBytes;
  sum_over_ranks_to_owners(v_.comm(), vt_w_, v_.column_block_starts(k));
}

void Solver::share_owned_rows(std::vector<double>& ht, int64_t k) const {
  LogScope scope(LogEvent::allgather);
  constexpr auto kBytes = static_cast<int64_t>(sizeof(double));
  if (used_exchange_) {
    communicated_bytes_ += used_exchange_->rows_sent_by_share() * k * kBytes;
    used_exchange_->share_from_owners(ht, k);
    return;
  }
  communicated_bytes_ += owned_columns() * k * kBytes * (comm_size(v_.comm()) - 1);
  share_blocks(v_.comm(), ht, v_.column_block_starts(k));
}

void Solver::share_all_rows(Factors& factors) const {
  share_blocks(v_.comm(), factors.Ht, v_.column_block_starts(factors.k));
}

bool Solver::any_not_finite(const Factors& factors) const {
  bool bad = false;
  for (double x : factors.W) bad = bad || !std::isfinite(x);
  const double* ht = owned_rows(factors.Ht, factors.k);
  for (int64_t i = 0; i < owned_columns() * factors.k; ++i) bad = bad || !std::isfinite(ht[i]);
  return lowest_rank_with(v_.comm(), bad) >= 0;
}

double Solver::adopt(Factors& factors, Factors& candidate) {
  if (any_not_finite(candidate)) return std::nan("");
  factors.W.swap(candidate.W);
  factors.Ht.swap(candidate.Ht);
  const double residual = refresh_products(factors);
  if (std::isfinite(residual)) return residual;
  factors.W.swap(candidate.W);
  factors.Ht.swap(candidate.Ht);
  products_current_ = hht_current_ = false;
  return std::nan("");
}

double Solver::refresh_products(const Factors& factors) {
  const int64_t k = factors.k;
  refresh_v_ht(factors.Ht, k);
  gram(factors.W, factors.local_rows, k, wtw_);
  gram(owned_rows(factors.Ht, k), owned_columns(), k, hht_);
  // One allreduce: W^T W, H H^T and <W, V H^T> travel together.
  sums_.assign(wtw_.begin(), wtw_.end());
  sums_.insert(sums_.end(), hht_.begin(), hht_.end());
  sums_.push_back(dot(factors.W, v_ht_));
  sum_over_ranks(sums_);
  std::copy(sums_.begin(), sums_.begin() + k * k, wtw_.begin());
  std::copy(sums_.begin() + k * k, sums_.begin() + 2 * k * k, hht_.begin());
  const double cross = sums_.back();
  products_current_ = hht_current_ = true;
  const double squared = v_.squared_norm() - 2.0 * cross + dot(wtw_, hht_);
  current_residual_ = std::sqrt(std::max(squared, 0.0));
  return current_residual_;
}

double Solver::refresh_hht(const Factors& factors, double partial_cross, double* partial_other) {
  gram(owned_rows(factors.Ht, factors.k), owned_columns(), factors.k, hht_);
  if (partial_other != nullptr) hht_.push_back(*partial_other);
  hht_.push_back(partial_cross);
  sum_over_ranks(hht_);
  const double cross = hht_.back();
  hht_.pop_back();
  if (partial_other != nullptr) {
    *partial_other = hht_.back();
    hht_.pop_back();
  }
  hht_current_ = true;
  return cross;
}

double AlternatingSolver::update_logged(double* x, int64_t count, int64_t k, const std::vector<double>& gram_matrix,
                                        const double* cross, const FactorPenalty& penalty) {
  LogScope scope(LogEvent::update);
  const std::vector<double>* gram_used = &gram_matrix;
  if (penalty.l2 != 0) {
    penalized_gram_ = gram_matrix;
    for (int64_t t = 0; t < k; ++t) penalized_gram_[t * k + t] += penalty.l2;
    gram_used = &penalized_gram_;
  }
  const double violation = update_factor(x, count, k, *gram_used, cross, penalty.l1);
  // x and cross read, x written
  log_work(LogEvent::update, static_cast<double>(count) * flops_per_row(k),
           static_cast<double>(3 * count * k * static_cast<int64_t>(sizeof(double))));
  return violation;
}

double AlternatingSolver::step(Factors& f, int64_t) {
  const int64_t k = f.k;
  refresh_v_ht(f.Ht, k);
  if (!hht_current_) refresh_hht(f);
  double violation = update_logged(f.W.data(), f.local_rows, k, hht_, v_ht_.data(), w_penalty_);

  gram(f.W, f.local_rows, k, wtw_);
  refresh_vt_w(f.W, k);
  sum_over_ranks(wtw_);
  sum_vt_w_to_owners(k);
  double* ht = owned_rows(f.Ht, k);
  const double* vt_w = owned_rows(vt_w_, k);
  violation += update_logged(ht, owned_columns(), k, wtw_, vt_w, h_penalty_);

  // H H^T of the new H (it also serves the next iteration), <H, V^T W> and the update's
  // measure, summed over the owned columns in one allreduce; then every rank gets the new H.
  const double cross = refresh_hht(f, dot(ht, vt_w, owned_columns() * k), &violation);
  last_violation_ = violation;
  share_owned_rows(f.Ht, k);
  products_current_ = false;  // v_ht_ belongs to the old H
  const double squared = v_.squared_norm() - 2.0 * cross + dot(wtw_, hht_);
  return std::sqrt(std::max(squared, 0.0));
}

double PenalizedGradientSolver::take_step(Factors& f, int64_t iteration, const std::vector<int64_t>* rows,
                                          double h_scale) {
  const int64_t k = f.k;
  const double lambda = settings_.penalty_weight, mu = settings_.penalty_threshold;
  {
    LogScope scope(LogEvent::update);
    next_.W.resize(f.W.size());
    next_.Ht.resize(f.Ht.size());  // the owned rows are written below, the others shared
    const double* ht = owned_rows(f.Ht, k);
    const double* vt_w = owned_rows(vt_w_, k);
    double* next_ht = owned_rows(next_.Ht, k);
    with_width(k, [&](auto w) {
      auto step_w_row = [&](int64_t i) {
        penalized_gradient_row(w, &f.W[i * k], &v_ht_[i * k], hht_.data(), learning_rate_, 1.0, lambda, mu,
                               &next_.W[i * k]);
      };
      for_each_row(f.local_rows, rows, step_w_row);
      parallel_for(owned_columns(), [&](int64_t j) {
        penalized_gradient_row(w, ht + j * k, vt_w + j * k, wtw_.data(), learning_rate_, h_scale, lambda, mu,
                               next_ht + j * k);
      });
    });
    // per component: the gradient's k multiply-adds and six more for the step
    const auto stepped =
        static_cast<double>((rows ? static_cast<int64_t>(rows->size()) : f.local_rows) + owned_columns());
    log_work(LogEvent::update, stepped * static_cast<double>(k * (2 * k + 6)),
             stepped * static_cast<double>(3 * k * static_cast<int64_t>(sizeof(double))));
  }
  share_owned_rows(next_.Ht, k);
  const double residual = adopt(f, next_);
  if (settings_.learning_rate_decay_every > 0 && iteration % settings_.learning_rate_decay_every == 0)
    learning_rate_ *= settings_.learning_rate_decay;
  return residual;
}

double Solver::residual_norm(const Factors& factors) {
  LogScope scope(LogEvent::error);
  const double residual = refresh_products(factors);
  return residual;
}

double Solver::objective(const Factors& factors, double error) const {
  const double divergence = error * error / 2;
  if (!w_penalty_.any() && !h_penalty_.any()) return divergence;
  LogScope scope(LogEvent::error);
  // Σ X and Σ X² of W's local rows and of H's owned columns, summed over ranks.
  auto sums_of = [](const double* x, int64_t count) {
    std::vector<double> sums;
    chunked_sum(count, 2, sums, [&](int64_t begin, int64_t end, double* partial) {
      for (int64_t i = begin; i < end; ++i) {
        partial[0] += x[i];
        partial[1] += x[i] * x[i];
      }
    });
    return sums;
  };
  std::vector<double> sums = sums_of(factors.W.data(), static_cast<int64_t>(factors.W.size()));
  const std::vector<double> h_sums = sums_of(owned_rows(factors.Ht, factors.k), owned_columns() * factors.k);
  sums.insert(sums.end(), h_sums.begin(), h_sums.end());
  sum_over_ranks(sums);
  return divergence + w_penalty_.l1 * sums[0] + w_penalty_.l2 / 2 * sums[1] + h_penalty_.l1 * sums[2] +
         h_penalty_.l2 / 2 * sums[3];
}

}  // namespace dnmf::nmf
