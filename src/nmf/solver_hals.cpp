// hals: hierarchical alternating least squares, i.e. cyclic coordinate descent on the
// Frobenius loss (Cichocki & Phan 2009; scikit-learn's NMF(solver="cd"), whose order of
// updates this follows exactly).
//
// One iteration, with A = V H^T and HHt = H H^T:
//   for t = 1..k, for every row i:   W[i,t] <- max(0, W[i,t] - (W[i,:] HHt[:,t] - A[i,t]) / HHt[t,t])
// then, with B = V^T W and WtW = W^T W from the new W (summed over ranks):
//   for t = 1..k, for every column j: H[t,j] <- max(0, H[t,j] - (WtW[t,:] H[:,j] - B[j,t]) / WtW[t,t])
// (a column whose diagonal entry is 0 is left alone). Every update solves its coordinate
// exactly, so ||V - WH|| never increases.
// With penalties (solver.hpp's FactorPenalty, l1 and l2 of the factor updated), each
// coordinate minimizes ½||V − WH||² + l1 Σ X + (l2 / 2) ||X||² exactly, as scikit-learn's
// does: HHt (or WtW) gets l2 added to its diagonal and A (or B) loses l1.
//
// Stopping (--tol), scikit-learn cd's rule: each sweep sums |projected gradient| over the
// entries it visits, the gradient g as the update above computes it, taken as min(g, 0)
// where the entry is 0 (the bound it rests on); the run stops when the iteration's sum
// (W's and H's, over all ranks) is at most tol times the first iteration's. The W half is local to each rank; the H
// half is the same computation on every rank after two allreduces.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "src/nmf/kernels.hpp"
#include "src/nmf/row_updates.hpp"
#include "src/nmf/solver.hpp"
#include "src/nmf/threads.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

// The gradients of components t and t + 1 (pair = 2; pair = 1 for a last, odd one) for
// every row of the tile, from the tile's other components: both gradients are summed in
// one pass, so each component loaded feeds two multiply-adds.
inline void add_other_components(int64_t k, int64_t t, int64_t pair, const double* gram, const double* tile,
                                 double* first_gradient, double* second_gradient) {
  for (int64_t r = 0; r < k; ++r) {
    if (r >= t && r < t + pair) continue;
    const double* component = tile + r * kTileRows;
    const double first_weight = gram[t * k + r];
    if (pair == 2) {
      const double second_weight = gram[(t + 1) * k + r];
      for (int64_t i = 0; i < kTileRows; ++i) {
        first_gradient[i] += first_weight * component[i];
        second_gradient[i] += second_weight * component[i];
      }
    } else {
      for (int64_t i = 0; i < kTileRows; ++i) first_gradient[i] += first_weight * component[i];
    }
  }
}

// One sweep of coordinate descent over the rows of X (count x k), given
// gram = Y^T Y (+ l2 I) and cross = the data times Y, less l1. Returns the sweep's sum of
// |projected gradient|. scikit-learn loops over components outside
// and rows inside; each row's updates depend only on that row, so any grouping of the rows
// gives the same updates. Tiles of kTileRows rows (kernels.hpp), components outside within
// a tile: the tile is copied component-major, so that one component's gradients for all
// the tile's rows are one vector sum, gram[t, r] times row r of the tile, with no sum
// across a vector's lanes.
// Components go in pairs. Both gradients first add the other components' terms
// (add_other_components); then component t adds the pair's terms and is updated, and t + 1
// adds them, t's new values among them, and is updated: the coordinate steps of
// scikit-learn, in its order, with each gradient's terms added in an order fixed by k
// alone. One component at a time, every load of a component fed one multiply-add: an
// update of the 200,000 x 50,000 benchmark at k = 50 took 14.5 ms, in pairs 11.5 ms. The
// tiling and the thread count do not change any row's arithmetic.
template <class Wd>
double coordinate_descent_sweep(Wd w, double* x, int64_t count, const double* gram, const double* cross, double l1) {
  const int64_t k = w.k();
  const int64_t tiles = (count + kTileRows - 1) / kTileRows;
  // Each tile's sum, added in tile order below: the same on any number of threads.
  std::vector<double> tile_violations(static_cast<size_t>(tiles));
  // Tiles are independent: each thread sweeps a static share of them.
  on_thread_shares(tiles, [&](int64_t begin, int64_t end, int) {
    std::vector<double> tile(static_cast<size_t>(k * kTileRows)), cross_tile(tile.size());
    for (int64_t first = begin * kTileRows; first < end * kTileRows; first += kTileRows) {
      // One partial sum per row of the tile, so that the sums vectorize; rows past the
      // end of X add 0 (x = 0 and a gradient of l1 >= 0).
      double violations[kTileRows] = {};
      // Rows past the end of X are zeros: their updates are computed and dropped.
      load_tile(x, count, k, first, tile.data());
      load_tile(cross, count, k, first, cross_tile.data());
      for (int64_t t = 0; t < k; t += 2) {
        const int64_t pair = std::min<int64_t>(2, k - t);
        double gradients[2][kTileRows];
        for (int64_t j = 0; j < pair; ++j)
          for (int64_t i = 0; i < kTileRows; ++i) gradients[j][i] = l1 - cross_tile[(t + j) * kTileRows + i];
        add_other_components(k, t, pair, gram, tile.data(), gradients[0], gradients[1]);
        for (int64_t j = 0; j < pair; ++j) {
          const int64_t component = t + j;
          double* gradient = gradients[j];
          for (int64_t r = t; r < t + pair; ++r) {
            const double weight = gram[component * k + r];
            const double* values = tile.data() + r * kTileRows;
            for (int64_t i = 0; i < kTileRows; ++i) gradient[i] += weight * values[i];
          }
          const double hessian = gram[component * k + component];
          double* updated = tile.data() + component * kTileRows;
          for (int64_t i = 0; i < kTileRows; ++i)
            violations[i] += std::fabs(updated[i] == 0 ? std::min(gradient[i], 0.0) : gradient[i]);
          if (hessian == 0) continue;
          for (int64_t i = 0; i < kTileRows; ++i) updated[i] = std::max(updated[i] - gradient[i] / hessian, 0.0);
        }
      }
      store_tile(tile.data(), count, k, first, x);
      double sum = 0;
      for (double violation : violations) sum += violation;
      tile_violations[first / kTileRows] = sum;
    }
  });
  double violation = 0;
  for (double tile_violation : tile_violations) violation += tile_violation;
  return violation;
}

class Hals : public AlternatingSolver {
 public:
  using AlternatingSolver::AlternatingSolver;

  std::optional<bool> met_tolerance(double tolerance) const override { return stop_rule_.met(tolerance); }
  double step(Factors& f, int64_t iteration) override {
    const double error = AlternatingSolver::step(f, iteration);
    stop_rule_.record(iteration, last_violation());
    return error;
  }
  void save_state(SolverState& state) const override { stop_rule_.save(state); }
  void restore_state(const SolverState& state) override { stop_rule_.restore(state); }

 protected:
  double update_factor(double* x, int64_t count, int64_t k, const std::vector<double>& gram_matrix, const double* cross,
                       double l1) const override {
    return hals_sweep(x, count, k, gram_matrix.data(), cross, l1);
  }
  // per component: the gradient's k multiply-adds, then a subtract, a divide and a max
  double flops_per_row(int64_t k) const override { return static_cast<double>(k * (2 * k + 3)); }

 private:
  ProjectedGradientRule stop_rule_;
};

}  // namespace

double hals_sweep(double* x, int64_t count, int64_t k, const double* gram, const double* cross, double l1) {
  double violation = 0;
  with_width(k, [&](auto w) { violation = coordinate_descent_sweep(w, x, count, gram, cross, l1); });
  return violation;
}

std::unique_ptr<Solver> make_hals(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<Hals>(v, settings);
}

}  // namespace dnmf::nmf
