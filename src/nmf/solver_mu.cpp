// mu: Lee and Seung's multiplicative updates for the Frobenius loss (Lee & Seung, "Algorithms
// for non-negative matrix factorization", NIPS 2000), in scikit-learn's form
// (NMF(solver="mu", beta_loss="frobenius")):
//   W <- W * (V H^T) / (W H H^T)
//   H <- H * (W^T V) / (W^T W H)        with the new W,
// element-wise, a zero denominator replaced by float32 epsilon as scikit-learn does.
// The loss never increases. W's update is local; H's needs W^T W and V^T W summed over ranks.
#include <limits>
#include <vector>

#include "src/nmf/solver.hpp"
#include "src/nmf/threads.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

constexpr double kZeroDenominator = std::numeric_limits<float>::epsilon();

// x[i,:] *= numerator[i,:] / (x[i,:] gram), for the rows of x (count x k).
template <class Wd>
void multiplicative_update(Wd w, double* x, int64_t count, const double* gram, const double* numerator) {
  const int64_t k = w.k();
  // Rows are independent: each thread updates a static share of them.
  on_thread_shares(count, [&](int64_t begin, int64_t end, int) {
    constexpr int64_t kCapacity = Wd::fixed > 0 ? Wd::fixed : 1;
    std::vector<double> runtime_denominator(Wd::fixed > 0 ? 0 : static_cast<size_t>(k));
    double fixed_denominator[kCapacity];
    double* denominator = Wd::fixed > 0 ? fixed_denominator : runtime_denominator.data();
    for (int64_t i = begin; i < end; ++i) {
      double* row = x + i * k;
      for (int64_t t = 0; t < k; ++t) denominator[t] = 0;
      for (int64_t r = 0; r < k; ++r)
        for (int64_t t = 0; t < k; ++t) denominator[t] += row[r] * gram[r * k + t];
      for (int64_t t = 0; t < k; ++t) {
        const double below = denominator[t] == 0 ? kZeroDenominator : denominator[t];
        row[t] *= numerator[i * k + t] / below;
      }
    }
  });
}

class MultiplicativeUpdates : public AlternatingSolver {
 public:
  using AlternatingSolver::AlternatingSolver;

 protected:
  void update_factor(double* x, int64_t count, int64_t k, const std::vector<double>& gram_matrix,
                     const double* cross) const override {
    with_width(k, [&](auto w) { multiplicative_update(w, x, count, gram_matrix.data(), cross); });
  }
  // the denominator's k x k multiply-adds, then a divide and a multiply per component
  double flops_per_row(int64_t k) const override { return static_cast<double>(k * (2 * k + 2)); }
};

}  // namespace

std::unique_ptr<Solver> make_multiplicative_updates(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<MultiplicativeUpdates>(v, settings);
}

}  // namespace dnmf::nmf
