// gd: the seed notebook's penalized gradient descent on (1/2)||V - WH||_F^2, both factors
// stepped from the same (old) iterate:
//   W <- W - lr ((WH - V) H^T + lambda pen(W)) = W - lr (W HHt - V H^T + lambda pen(W))
//   H <- H - lr (W^T (WH - V) + lambda pen(H)) = H - lr (WtW H - W^T V + lambda pen(H))
// with pen(X) = min(X - mu, 0) element-wise, which pushes entries below mu back up.
// (The notebook's numpy version takes a column-wise minimum there by mistake; this is the
// element-wise form of its PyTorch version, see docs/factorize.md.) With
// --lr-decay d --lr-decay-every s the rate is multiplied by d after every s iterations
// (the PyTorch variant). Defaults: lr = 1e-2, lambda = 1e3, mu = 1e-6.
//
// The products of the current iterate (V H^T, W^T W, H H^T) were computed with its
// residual, so an iteration costs one V^T W and the products of the new iterate.
#include <cmath>

#include "src/nmf/kernels.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {
namespace {

class GradientDescent : public Solver {
 public:
  GradientDescent(const DataMatrix& v, const SolverSettings& settings)
      : Solver(v, settings), learning_rate_(settings.learning_rate) {}

  double step(Factors& f, int64_t iteration) override {
    const int64_t k = f.k;
    if (!products_current_) refresh_products(f);
    multiply_vt_w(v_, f.W, k, vt_w_);
    sum_over_ranks(vt_w_);

    PetscLogEventBegin(Events::get().update, 0, 0, 0, 0);
    const double lambda = settings_.penalty_weight, mu = settings_.penalty_threshold;
    next_.W = f.W;
    next_.Ht = f.Ht;
    gradient_step(f.W, f.local_rows, k, hht_, v_ht_, lambda, mu, next_.W);
    gradient_step(f.Ht, f.columns, k, wtw_, vt_w_, lambda, mu, next_.Ht);
    PetscLogEventEnd(Events::get().update, 0, 0, 0, 0);
    if (any_not_finite(next_.W, next_.Ht)) return std::nan("");

    f.W.swap(next_.W);
    f.Ht.swap(next_.Ht);
    if (settings_.learning_rate_decay_every > 0 && iteration % settings_.learning_rate_decay_every == 0)
      learning_rate_ *= settings_.learning_rate_decay;
    return refresh_products(f);
  }

 private:
  // out = x - lr (x gram - cross + lambda pen(x)), row by row (x is count x k).
  void gradient_step(const std::vector<double>& x, int64_t count, int64_t k, const std::vector<double>& gram_matrix,
                     const std::vector<double>& cross, double lambda, double mu, std::vector<double>& out) const {
    for (int64_t i = 0; i < count; ++i) {
      const double* row = x.data() + i * k;
      for (int64_t t = 0; t < k; ++t) {
        double gradient = -cross[i * k + t];
        for (int64_t r = 0; r < k; ++r) gradient += row[r] * gram_matrix[r * k + t];
        gradient += lambda * penalty(row[t], mu);
        out[i * k + t] = row[t] - learning_rate_ * gradient;
      }
    }
  }

  double learning_rate_;
  Factors next_;
};

}  // namespace

std::unique_ptr<Solver> make_gradient_descent(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<GradientDescent>(v, settings);
}

}  // namespace dnmf::nmf
