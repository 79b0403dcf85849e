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
#include "src/nmf/width.hpp"

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
    sum_vt_w_to_owners(k);

    PetscLogEventBegin(Events::get().update, 0, 0, 0, 0);
    const double lambda = settings_.penalty_weight, mu = settings_.penalty_threshold;
    next_.W.resize(f.W.size());  // every entry is written below or shared
    next_.Ht.resize(f.Ht.size());
    const double* ht = owned_rows(f.Ht, k);
    const double* vt_w = owned_rows(vt_w_, k);
    double* next_ht = owned_rows(next_.Ht, k);
    with_width(k, [&](auto w) {
      for (int64_t i = 0; i < f.local_rows; ++i)
        penalized_gradient_row(w, &f.W[i * k], &v_ht_[i * k], hht_.data(), learning_rate_, 1.0, lambda, mu,
                               &next_.W[i * k]);
      for (int64_t j = 0; j < owned_columns(); ++j)
        penalized_gradient_row(w, ht + j * k, vt_w + j * k, wtw_.data(), learning_rate_, 1.0, lambda, mu,
                               next_ht + j * k);
    });
    PetscLogEventEnd(Events::get().update, 0, 0, 0, 0);
    share_owned_rows(next_.Ht, k);
    const double residual = adopt(f, next_);
    if (settings_.learning_rate_decay_every > 0 && iteration % settings_.learning_rate_decay_every == 0)
      learning_rate_ *= settings_.learning_rate_decay;
    return residual;
  }

  void save_state(io::Snapshot& snapshot) const override { snapshot.reals["learning_rate"] = learning_rate_; }
  void restore_state(const io::Snapshot& snapshot) override { learning_rate_ = snapshot.reals.at("learning_rate"); }

 private:
  double learning_rate_;
  Factors next_;
};

}  // namespace

std::unique_ptr<Solver> make_gradient_descent(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<GradientDescent>(v, settings);
}

}  // namespace dnmf::nmf
