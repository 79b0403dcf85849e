// mu: Lee and Seung's multiplicative updates for the Frobenius loss (Lee & Seung, "Algorithms
// for non-negative matrix factorization", NIPS 2000), in scikit-learn's form
// (NMF(solver="mu", beta_loss="frobenius")):
//   W <- W * (V H^T) / (W H H^T)
//   H <- H * (W^T V) / (W^T W H)        with the new W,
// element-wise, a zero denominator replaced by float32 epsilon as scikit-learn does.
// The loss never increases. W's update is local; H's needs W^T W and V^T W summed over ranks.
#include <limits>

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

class MultiplicativeUpdates : public AlternatingSolver {
 public:
  using AlternatingSolver::AlternatingSolver;

 protected:
  void update_factor(std::vector<double>& x, int64_t count, int64_t k, const std::vector<double>& gram_matrix,
                     const std::vector<double>& cross) const override {
    multiplicative_update(x, count, k, gram_matrix, cross);
  }
};

}  // namespace

std::unique_ptr<Solver> make_multiplicative_updates(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<MultiplicativeUpdates>(v, settings);
}

}  // namespace dnmf::nmf
