// mu: Lee and Seung's multiplicative updates for the Frobenius loss (Lee & Seung, "Algorithms
// for non-negative matrix factorization", NIPS 2000), in scikit-learn's form
// (NMF(solver="mu", beta_loss="frobenius")):
//   W <- W * (V H^T) / (W H H^T)
//   H <- H * (W^T V) / (W^T W H)        with the new W,
// element-wise, a zero denominator replaced by float32 epsilon as scikit-learn does.
// The loss never increases. W's update is local; H's needs W^T W and V^T W summed over ranks.
#include <limits>

#include "src/nmf/kernels.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {
namespace {

constexpr double kZeroDenominator = std::numeric_limits<float>::epsilon();

// x[i,:] *= numerator[i,:] / (x[i,:] gram), for the rows of x (count x k).
void multiplicative_update(std::vector<double>& x, int64_t count, int64_t k, const std::vector<double>& gram,
                           const std::vector<double>& numerator) {
  std::vector<double> denominator(static_cast<size_t>(k));
  for (int64_t i = 0; i < count; ++i) {
    double* row = x.data() + i * k;
    std::fill(denominator.begin(), denominator.end(), 0.0);
    for (int64_t r = 0; r < k; ++r)
      for (int64_t t = 0; t < k; ++t) denominator[t] += row[r] * gram[r * k + t];
    for (int64_t t = 0; t < k; ++t) {
      const double below = denominator[t] == 0 ? kZeroDenominator : denominator[t];
      row[t] *= numerator[i * k + t] / below;
    }
  }
}

class MultiplicativeUpdates : public Solver {
 public:
  using Solver::Solver;

  double step(Factors& f, int64_t) override {
    const int64_t k = f.k;
    multiply_v_ht(v_, f.Ht, k, v_ht_);
    if (!hht_current_) gram(f.Ht, f.columns, k, hht_);
    PetscLogEventBegin(Events::get().update, 0, 0, 0, 0);
    multiplicative_update(f.W, f.local_rows, k, hht_, v_ht_);
    PetscLogEventEnd(Events::get().update, 0, 0, 0, 0);

    gram(f.W, f.local_rows, k, wtw_);
    multiply_vt_w(v_, f.W, k, vt_w_);
    sum_over_ranks(wtw_);
    sum_over_ranks(vt_w_);
    PetscLogEventBegin(Events::get().update, 0, 0, 0, 0);
    multiplicative_update(f.Ht, f.columns, k, wtw_, vt_w_);
    PetscLogEventEnd(Events::get().update, 0, 0, 0, 0);

    gram(f.Ht, f.columns, k, hht_);  // also serves the next iteration
    hht_current_ = true;
    return residual_from_h_side(f);
  }
};

}  // namespace

std::unique_ptr<Solver> make_multiplicative_updates(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<MultiplicativeUpdates>(v, settings);
}

}  // namespace dnmf::nmf
