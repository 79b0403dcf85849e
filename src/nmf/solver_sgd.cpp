// sgd: stochastic gradient descent as the seed notebook describes it: each iteration
// draws a mini-batch B of b documents (--batch-size), without replacement, from a
// generator that depends only on --seed and the iteration, so the same documents are
// drawn whatever the number of ranks. From the current iterate:
//   W[i,:] <- W[i,:] - lr ((W[i,:] HHt - V[i,:] H^T) + lambda pen(W[i,:]))         for i in B
//   H      <- H - lr ((m / b) W_B^T (W_B H - V_B) + lambda pen(H))
// i.e. the batch's rows of W take their gradient step, and H a step along the batch
// estimate of the full gradient (scaled by m / b, so that its expectation is the full
// gradient gd uses). pen, lambda, mu and the learning-rate schedule are gd's.
// The residual of the new iterate is computed over all of V every iteration.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "src/nmf/kernels.hpp"
#include "src/nmf/random.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {
namespace {

class StochasticGradientDescent : public PenalizedGradientSolver {
 public:
  using PenalizedGradientSolver::PenalizedGradientSolver;

  double step(Factors& f, int64_t iteration) override {
    const int64_t k = f.k;
    const auto batch = local_batch(iteration);
    const double batch_size = static_cast<double>(std::min<int64_t>(settings_.batch_size, v_.rows()));

    // The first step (or the first after a restart) needs H H^T: the same call as the
    // one that follows every accepted step, so a resumed run rounds alike.
    if (!hht_current_) refresh_products(f);
    refresh_v_ht(f.Ht, k, &batch);
    // H's batch gradient: (m / b) (Ht W_B^T W_B - V_B^T W_B), summed over ranks.
    batch_w_.clear();
    for (int64_t r : batch) batch_w_.insert(batch_w_.end(), f.W.begin() + r * k, f.W.begin() + (r + 1) * k);
    gram(batch_w_, static_cast<int64_t>(batch.size()), k, wtw_);
    refresh_vt_w(f.W, k, &batch);
    sum_over_ranks(wtw_);
    sum_vt_w_to_owners(k);

    next_.W = f.W;  // rows outside the batch stay
    return take_step(f, iteration, &batch, static_cast<double>(v_.rows()) / batch_size);
  }

 private:
  // This rank's rows of the iteration's batch (local indices): Floyd's algorithm draws b
  // distinct global rows in O(b) from the counter-based generator.
  std::vector<int64_t> local_batch(int64_t iteration) const {
    const int64_t rows = v_.rows();
    const int64_t size = std::min<int64_t>(settings_.batch_size, rows);
    std::unordered_set<int64_t> chosen;
    uint64_t draw = 0;
    for (int64_t j = rows - size; j < rows; ++j) {
      const uint64_t bits = random_bits(settings_.seed, kStreamBatch ^ (static_cast<uint64_t>(iteration) << 8), draw++);
      const int64_t candidate = static_cast<int64_t>(bits % static_cast<uint64_t>(j + 1));
      chosen.insert(chosen.count(candidate) ? j : candidate);
    }
    std::vector<int64_t> mine;
    for (int64_t row : chosen)
      if (row >= v_.first_row() && row < v_.first_row() + v_.local_rows()) mine.push_back(row - v_.first_row());
    std::sort(mine.begin(), mine.end());
    return mine;
  }

  std::vector<double> batch_w_;
};

}  // namespace

std::unique_ptr<Solver> make_stochastic_gradient_descent(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<StochasticGradientDescent>(v, settings);
}

}  // namespace dnmf::nmf
