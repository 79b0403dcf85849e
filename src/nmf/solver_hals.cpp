// hals: hierarchical alternating least squares, i.e. cyclic coordinate descent on the
// Frobenius loss (Cichocki & Phan 2009; scikit-learn's NMF(solver="cd"), whose order of
// updates this follows exactly).
//
// One iteration, with A = V H^T and HHt = H H^T:
//   for t = 1..k, for every row i:   W[i,t] <- max(0, W[i,t] - (W[i,:] HHt[:,t] - A[i,t]) / HHt[t,t])
// then, with B = V^T W and WtW = W^T W from the new W (summed over ranks):
//   for t = 1..k, for every column j: H[t,j] <- max(0, H[t,j] - (WtW[t,:] H[:,j] - B[j,t]) / WtW[t,t])
// (a column whose diagonal entry is 0 is left alone). Every update solves its coordinate
// exactly, so ||V - WH|| never increases. The W half is local to each rank; the H half is
// the same computation on every rank after two allreduces.
#include <algorithm>

#include "src/nmf/solver.hpp"

namespace dnmf::nmf {
namespace {

// One sweep of coordinate descent over the rows of X (count x k), given
// gram = Y^T Y and cross = the data times Y. scikit-learn loops over components outside
// and rows inside; each row's updates depend only on that row, so looping rows outside
// gives the same updates and reads each row once.
void coordinate_descent_sweep(std::vector<double>& x, int64_t count, int64_t k, const std::vector<double>& gram,
                              const std::vector<double>& cross) {
  for (int64_t i = 0; i < count; ++i) {
    double* row = x.data() + i * k;
    const double* cross_row = cross.data() + i * k;
    for (int64_t t = 0; t < k; ++t) {
      const double hessian = gram[t * k + t];
      if (hessian == 0) continue;
      const double* gram_row = gram.data() + t * k;
      double gradient = -cross_row[t];
      for (int64_t r = 0; r < k; ++r) gradient += gram_row[r] * row[r];
      row[t] = std::max(row[t] - gradient / hessian, 0.0);
    }
  }
}

class Hals : public AlternatingSolver {
 public:
  using AlternatingSolver::AlternatingSolver;

 protected:
  void update_factor(std::vector<double>& x, int64_t count, int64_t k, const std::vector<double>& gram_matrix,
                     const std::vector<double>& cross) const override {
    coordinate_descent_sweep(x, count, k, gram_matrix, cross);
  }
};

}  // namespace

std::unique_ptr<Solver> make_hals(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<Hals>(v, settings);
}

}  // namespace dnmf::nmf
