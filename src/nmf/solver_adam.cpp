// adam: the seed notebook's autograd variant, with its gradients derived by hand. Loss
//   L(W, H) = ||V - WH||_F + lambda (mean(min(W, 0)^2) + mean(min(H, 0)^2))
// (the norm itself, not its square), so with R = ||V - WH||_F:
//   dL/dW = (W HHt - V H^T) / R + 2 lambda min(W, 0) / (m k)
//   dL/dH = (WtW H - W^T V) / R + 2 lambda min(H, 0) / (k n)
// Both gradients are taken at the same iterate and both factors take an Adam step
// (Kingma & Ba 2015) in PyTorch's arithmetic: m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
//   x <- x - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps),
// with lr = 1e-3, b1 = b2 = 0.9, eps = 1e-8 as in the notebook.
// tests/scripts/nmf_reference.py checks these gradients against finite differences.
#include <cmath>

#include "src/base/log_events.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/solver.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

class Adam : public Solver {
 public:
  using Solver::Solver;

  double step(Factors& f, int64_t) override {
    const int64_t k = f.k;
    if (!products_current_) refresh_products(f);
    refresh_vt_w(f.W, k);
    sum_vt_w_to_owners(k);
    if (steps_ == 0) {  // H's moments only for the columns this rank updates
      moment_w_.assign(f.W.size(), 0.0);
      second_w_.assign(f.W.size(), 0.0);
      moment_h_.assign(static_cast<size_t>(owned_columns() * k), 0.0);
      second_h_.assign(moment_h_.size(), 0.0);
    }
    ++steps_;
    {
      LogScope scope(LogEvent::update);
      const double lambda = settings_.penalty_weight;
      const double m = static_cast<double>(v_.rows()), n = static_cast<double>(v_.columns());
      const double kk = static_cast<double>(k);
      next_.W.resize(f.W.size());  // every entry is written below or shared
      next_.Ht.resize(f.Ht.size());
      adam_step(f.W.data(), f.local_rows, k, hht_, v_ht_.data(), 2.0 * lambda / (m * kk), moment_w_, second_w_,
                next_.W.data());
      adam_step(owned_rows(f.Ht, k), owned_columns(), k, wtw_, owned_rows(vt_w_, k), 2.0 * lambda / (kk * n), moment_h_,
                second_h_, owned_rows(next_.Ht, k));
    }
    share_owned_rows(next_.Ht, k);
    return adopt(f, next_);
  }

  // Saved only once Adam has stepped (the same on every rank): before, the moments are zero.
  void save_state(SolverState& state) const override {
    state.integers["adam_steps"] = steps_;
    if (steps_ == 0) return;
    state.row_arrays["adam_moment_w"] = moment_w_;
    state.row_arrays["adam_second_w"] = second_w_;
    state.column_arrays["adam_moment_h"] = moment_h_;
    state.column_arrays["adam_second_h"] = second_h_;
  }
  void restore_state(const SolverState& state) override {
    steps_ = state.integers.at("adam_steps");
    if (steps_ == 0) return;
    moment_w_ = state.row_arrays.at("adam_moment_w");
    second_w_ = state.row_arrays.at("adam_second_w");
    moment_h_ = state.column_arrays.at("adam_moment_h");
    second_h_ = state.column_arrays.at("adam_second_h");
  }

 private:
  // One Adam step for the rows of x (count x k); cross holds the data term of the same rows.
  void adam_step(const double* x, int64_t count, int64_t k, const std::vector<double>& gram_matrix, const double* cross,
                 double penalty_scale, std::vector<double>& moment, std::vector<double>& second, double* out) const {
    const double b1 = settings_.adam_beta1, b2 = settings_.adam_beta2;
    const double step_size = settings_.adam_learning_rate / (1.0 - std::pow(b1, static_cast<double>(steps_)));
    const double correction2 = std::sqrt(1.0 - std::pow(b2, static_cast<double>(steps_)));
    const double epsilon = settings_.adam_epsilon, residual = current_residual_;
    with_width(k, [&](auto w) {
      const double* gram = gram_matrix.data();
      for (int64_t i = 0; i < count; ++i) {
        const double* row = x + i * w.k();
        for (int64_t t = 0; t < w.k(); ++t) {
          double gradient = -cross[i * w.k() + t];
          for (int64_t r = 0; r < w.k(); ++r) gradient += row[r] * gram[r * w.k() + t];
          gradient /= residual;
          gradient += penalty_scale * std::min(row[t], 0.0);
          const size_t at = static_cast<size_t>(i * w.k() + t);
          moment[at] = b1 * moment[at] + (1.0 - b1) * gradient;
          second[at] = b2 * second[at] + (1.0 - b2) * gradient * gradient;
          out[at] = row[t] - step_size * moment[at] / (std::sqrt(second[at]) / correction2 + epsilon);
        }
      }
    });
  }

  int64_t steps_ = 0;
  std::vector<double> moment_w_, second_w_, moment_h_, second_h_;
  Factors next_;
};

}  // namespace

std::unique_ptr<Solver> make_adam(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<Adam>(v, settings);
}

}  // namespace dnmf::nmf
