#include "src/nmf/solver.hpp"

#include <cmath>

#include "src/collective.hpp"
#include "src/comm.hpp"
#include "src/nmf/kernels.hpp"

namespace dnmf::nmf {

std::unique_ptr<Solver> make_gradient_descent(const DataMatrix& v, const SolverSettings& settings);
std::unique_ptr<Solver> make_stochastic_gradient_descent(const DataMatrix& v, const SolverSettings& settings);
std::unique_ptr<Solver> make_adam(const DataMatrix& v, const SolverSettings& settings);
std::unique_ptr<Solver> make_multiplicative_updates(const DataMatrix& v, const SolverSettings& settings);
std::unique_ptr<Solver> make_hals(const DataMatrix& v, const SolverSettings& settings);

const std::vector<std::string>& solver_names() {
  static const std::vector<std::string> names{"hals", "mu", "gd", "sgd", "adam"};
  return names;
}

std::unique_ptr<Solver> make_solver(const DataMatrix& v, const SolverSettings& settings) {
  if (settings.name == "gd") return make_gradient_descent(v, settings);
  if (settings.name == "sgd") return make_stochastic_gradient_descent(v, settings);
  if (settings.name == "adam") return make_adam(v, settings);
  if (settings.name == "mu") return make_multiplicative_updates(v, settings);
  if (settings.name == "hals") return make_hals(v, settings);
  throw UserError("--solver: unknown solver '" + settings.name + "' (use hals, mu, gd, sgd or adam)");
}

void Solver::sum_over_ranks(std::vector<double>& values) const {
  PetscLogEventBegin(Events::get().allreduce, 0, 0, 0, 0);
  allreduced_bytes_ += static_cast<int64_t>(values.size() * sizeof(double));
  sum_over_ranks_in_place(v_.comm(), values);
  PetscLogEventEnd(Events::get().allreduce, 0, 0, 0, 0);
}

bool Solver::any_not_finite(const std::vector<double>& a, const std::vector<double>& b) const {
  bool bad = false;
  for (double x : a) bad = bad || !std::isfinite(x);
  for (double x : b) bad = bad || !std::isfinite(x);
  return lowest_rank_with(v_.comm(), bad) >= 0;
}

double Solver::adopt(Factors& factors, Factors& candidate) {
  if (any_not_finite(candidate.W, candidate.Ht)) return std::nan("");
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
  multiply_v_ht(v_, factors.Ht, k, v_ht_);
  gram(factors.W, factors.local_rows, k, wtw_);
  gram(factors.Ht, factors.columns, k, hht_);
  // One allreduce: W^T W and <W, V H^T> travel together.
  wtw_.push_back(dot(factors.W, v_ht_));
  sum_over_ranks(wtw_);
  const double cross = wtw_.back();
  wtw_.pop_back();
  products_current_ = hht_current_ = true;
  const double squared = v_.squared_norm() - 2.0 * cross + dot(wtw_, hht_);
  current_residual_ = std::sqrt(std::max(squared, 0.0));
  return current_residual_;
}

double Solver::residual_from_h_side(const Factors& factors) const {
  const double squared = v_.squared_norm() - 2.0 * dot(factors.Ht, vt_w_) + dot(wtw_, hht_);
  return std::sqrt(std::max(squared, 0.0));
}

double AlternatingSolver::step(Factors& f, int64_t) {
  const int64_t k = f.k;
  multiply_v_ht(v_, f.Ht, k, v_ht_);
  if (!hht_current_) gram(f.Ht, f.columns, k, hht_);
  PetscLogEventBegin(Events::get().update, 0, 0, 0, 0);
  update_factor(f.W, f.local_rows, k, hht_, v_ht_);
  PetscLogEventEnd(Events::get().update, 0, 0, 0, 0);

  gram(f.W, f.local_rows, k, wtw_);
  multiply_vt_w(v_, f.W, k, vt_w_);
  sum_over_ranks(wtw_);
  sum_over_ranks(vt_w_);
  PetscLogEventBegin(Events::get().update, 0, 0, 0, 0);
  update_factor(f.Ht, f.columns, k, wtw_, vt_w_);
  PetscLogEventEnd(Events::get().update, 0, 0, 0, 0);

  gram(f.Ht, f.columns, k, hht_);  // also serves the next iteration
  hht_current_ = true;
  products_current_ = false;  // v_ht_ belongs to the old H
  return residual_from_h_side(f);
}

void penalized_gradient_row(const double* x, const double* cross, const std::vector<double>& gram, int64_t k,
                            double learning_rate, double scale, double lambda, double mu, double* out) {
  for (int64_t t = 0; t < k; ++t) {
    double gradient = -cross[t];
    for (int64_t r = 0; r < k; ++r) gradient += x[r] * gram[r * k + t];
    out[t] = x[t] - learning_rate * (scale * gradient + lambda * penalty(x[t], mu));
  }
}

double Solver::residual_norm(const Factors& factors) {
  PetscLogEventBegin(Events::get().error, 0, 0, 0, 0);
  const double residual = refresh_products(factors);
  PetscLogEventEnd(Events::get().error, 0, 0, 0, 0);
  return residual;
}

}  // namespace dnmf::nmf
