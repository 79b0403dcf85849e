#pragma once
// The interface every NMF solver implements, and what they share: the products of
// kernels.hpp kept between iterations, and the residual computed from them.
//
// One solver per file (solver_*.cpp), each with its update rule written as math at the
// top. All of them run on the same distributed layout (factors.hpp): rows of W local,
// H replicated, and communicate only through sums over ranks (allreduce) of k x k and
// columns x k matrices and of scalars.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/factors.hpp"

namespace dnmf::nmf {

struct SolverSettings {
  std::string name = "hals";
  double learning_rate = 1e-2;      // gd, sgd (adam: adam_learning_rate)
  double penalty_weight = 1e3;      // lambda
  double penalty_threshold = 1e-6;  // mu: entries below it are pushed back up
  double learning_rate_decay = 1.0;
  int64_t learning_rate_decay_every = 0;
  double adam_learning_rate = 1e-3;
  double adam_beta1 = 0.9, adam_beta2 = 0.9, adam_epsilon = 1e-8;
  int64_t batch_size = 256;
  uint64_t seed = 0;
};

const std::vector<std::string>& solver_names();

class Solver {
 public:
  Solver(const DataMatrix& v, const SolverSettings& settings) : v_(v), settings_(settings) {}
  virtual ~Solver() = default;

  // Advances `factors` by iteration number `iteration` (1, 2, ...) and returns
  // ||V - W H||_F of the new iterate. If the new iterate is not finite (a diverging
  // gradient method), `factors` is left as it was and the result is NaN.
  virtual double step(Factors& factors, int64_t iteration) = 0;

  // ||V - W H||_F of `factors` as they stand.
  double residual_norm(const Factors& factors);

  const SolverSettings& settings() const { return settings_; }
  // Bytes this rank has sent through allreduce so far.
  int64_t allreduced_bytes() const { return allreduced_bytes_; }

 protected:
  // Recomputes v_ht_ = V Ht, wtw_ = sum over ranks of W^T W and hht_ = Ht^T Ht for
  // `factors`, and returns the residual norm from them (one allreduce of k*k + 1 numbers).
  double refresh_products(const Factors& factors);
  // Residual from the H side, with vt_w_ = V^T W and wtw_ summed over ranks and hht_ of
  // the current Ht: ||V||^2 - 2 <Ht, V^T W> + <W^T W, H H^T>. No communication.
  double residual_from_h_side(const Factors& factors) const;
  // Sums `values` over ranks (a logged allreduce).
  void sum_over_ranks(std::vector<double>& values) const;
  // True when some rank holds a non-finite number in `a` or `b`.
  bool any_not_finite(const std::vector<double>& a, const std::vector<double>& b) const;
  // Makes `candidate` the new iterate and returns its residual, unless the candidate or
  // its residual is not finite: then `factors` keep the old iterate and the result is NaN.
  double adopt(Factors& factors, Factors& candidate);

  const DataMatrix& v_;
  SolverSettings settings_;
  std::vector<double> v_ht_, vt_w_, wtw_, hht_;
  bool products_current_ = false;  // v_ht_, wtw_, hht_ describe the factors as they stand
  bool hht_current_ = false;       // hht_ describes Ht as it stands
  double current_residual_ = 0;    // set by refresh_products
  mutable int64_t allreduced_bytes_ = 0;
};

// hals and mu: W is updated with H fixed (from A = V H^T and H H^T), then H with the new W
// (from V^T W and W^T W summed over ranks). They differ only in the rule applied to one
// factor, given gram = Y^T Y of the other factor Y and cross = the data times Y.
class AlternatingSolver : public Solver {
 public:
  using Solver::Solver;
  double step(Factors& factors, int64_t iteration) final;

 protected:
  virtual void update_factor(std::vector<double>& x, int64_t count, int64_t k, const std::vector<double>& gram,
                             const std::vector<double>& cross) const = 0;
};

// One row of the penalized gradient step of gd and sgd:
//   out[t] = x[t] - lr (scale (x gram - cross)[t] + lambda pen(x[t]))
void penalized_gradient_row(const double* x, const double* cross, const std::vector<double>& gram, int64_t k,
                            double learning_rate, double scale, double lambda, double mu, double* out);

// Throws UserError for an unknown name.
std::unique_ptr<Solver> make_solver(const DataMatrix& v, const SolverSettings& settings);

// min(x - threshold, 0): the seed's penalty, nonzero only where x < threshold.
inline double penalty(double x, double threshold) { return x < threshold ? x - threshold : 0.0; }

}  // namespace dnmf::nmf
