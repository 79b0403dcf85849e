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
#include "src/nmf/kernels.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {
namespace {

class GradientDescent : public PenalizedGradientSolver {
 public:
  using PenalizedGradientSolver::PenalizedGradientSolver;

  double step(Factors& f, int64_t iteration) override {
    if (!products_current_) refresh_products(f);
    refresh_vt_w(f.W, f.k);
    sum_vt_w_to_owners(f.k);
    return take_step(f, iteration, nullptr, 1.0);
  }
};

}  // namespace

std::unique_ptr<Solver> make_gradient_descent(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<GradientDescent>(v, settings);
}

}  // namespace dnmf::nmf
