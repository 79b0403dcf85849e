#pragma once
// The products every solver is built from, on this rank's rows of V:
//   V Ht  = (V H^T)_loc   local_rows x k   (no communication)
//   Vt W  = (W^T V)^T     columns x k      partial sum over this rank's rows
//   Gram(X) = X^T X       k x k            of a row-major (rows x k) block
// and the squared residual ||V - W H||_F^2 = ||V||^2 - 2 <W, V H^T> + <W^T W, H H^T>,
// which never forms W H. Sums over ranks go through src/comm (allreduce).
// Each kernel is a PETSc log event (src/base/log_events.hpp), so -log_view shows where an
// iteration's time goes.
#include <petscsys.h>

#include <vector>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/threads.hpp"

namespace dnmf::nmf {

// product (local_rows x k) = V_loc Ht, for the local rows listed in `*rows` (every local
// row when rows is null; an empty list is no row: a rank may hold none of a batch).
void multiply_v_ht(const DataMatrix& v, const std::vector<double>& ht, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows = nullptr);
// The same from a single-precision copy of Ht (--precision single), the sums in double:
// half the bytes of the random row reads that bound this product.
void multiply_v_ht(const DataMatrix& v, const std::vector<float>& ht, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows = nullptr);
// product (count x k, row-major) = rows first .. first + count - 1 of V_loc Ht, the same
// numbers multiply_v_ht gives for them: a block at a time, for callers that do not keep
// the whole product.
void multiply_v_ht_block(const DataMatrix& v, const std::vector<double>& ht, int64_t k, int64_t first, int64_t count,
                         double* product);
// product (columns x k) = sum over this rank's rows i of V[i,:]^T W[i,:] (only the rows in
// `*rows` when given); the caller sums over ranks.
void multiply_vt_w(const DataMatrix& v, const std::vector<double>& w, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows = nullptr);
// The same from a single-precision copy of W (--precision single), the sums in double.
void multiply_vt_w(const DataMatrix& v, const std::vector<float>& w, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows = nullptr);
// Calls visit(r) for the local rows listed in `*rows`, or for 0 .. count - 1 when rows is
// null: the row selection the products above take. The rows are shared among the
// threads (threads.hpp), so visit must touch only what belongs to its row.
template <class Visit>
void for_each_row(int64_t count, const std::vector<int64_t>* rows, Visit&& visit) {
  if (rows == nullptr) {
    parallel_for(count, visit);
  } else {
    parallel_for(static_cast<int64_t>(rows->size()), [&](int64_t i) { visit((*rows)[static_cast<size_t>(i)]); });
  }
}

// Row-independent updates (hals, the SVD's triangular solve) go through tiles of
// kTileRows rows of a row-major (count x k) array, copied component-major, so that one
// component of all the tile's rows is one vector operation.
constexpr int64_t kTileRows = 64;
// tile[r * kTileRows + i] = x[(first + i) * k + r] for the rows of the tile that exist;
// zeros for those past `count`.
void load_tile(const double* x, int64_t count, int64_t k, int64_t first, double* tile);
// The inverse, for the rows that exist.
void store_tile(const double* tile, int64_t count, int64_t k, int64_t first, double* x);

// gram (k x k) = X^T Y for X, Y row-major (count x k) whose product is symmetric (X^T X,
// or Q^T V V^T Q in the randomized SVD): the upper triangle, mirrored, summed in
// threads.hpp's fixed chunks.
void gram(const double* x, const double* y, int64_t count, int64_t k, std::vector<double>& result);
inline void gram(const double* x, int64_t count, int64_t k, std::vector<double>& result) {
  gram(x, x, count, k, result);
}
inline void gram(const std::vector<double>& x, int64_t count, int64_t k, std::vector<double>& result) {
  gram(x.data(), x.data(), count, k, result);
}
// sum of a[i] * b[i] for i < count, in threads.hpp's fixed chunks.
double dot(const double* a, const double* b, int64_t count);
// The same for one short row (k numbers), on the calling thread, in order.
inline double row_dot(const double* a, const double* b, int64_t k) {
  double sum = 0;
  for (int64_t t = 0; t < k; ++t) sum += a[t] * b[t];
  return sum;
}
// Σ over rows [0, count) of x (row-major count x k): its k column sums, in threads.hpp's
// fixed chunks (the same on any number of threads).
std::vector<double> column_sums(const double* x, int64_t count, int64_t k);
inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return dot(a.data(), b.data(), static_cast<int64_t>(a.size()));
}

}  // namespace dnmf::nmf
