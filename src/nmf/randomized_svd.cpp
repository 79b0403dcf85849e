#include "src/nmf/randomized_svd.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "src/base/comm.hpp"
#include "src/base/log_events.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/random.hpp"
#include "src/nmf/threads.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

// Upper Cholesky factor of the symmetric positive (semi)definite l x l matrix `gram`;
// a rank-deficient sketch gets a tiny diagonal shift instead of failing.
std::vector<double> cholesky_upper(std::vector<double> gram, int64_t l) {
  double trace = 0;
  for (int64_t i = 0; i < l; ++i) trace += gram[i * l + i];
  for (double shift = 0;; shift = shift == 0 ? 1e-14 * std::max(trace, 1e-300) : shift * 100) {
    std::vector<double> factor = gram;
    for (int64_t i = 0; i < l; ++i) factor[i * l + i] += shift;
    const PetscBLASInt n = static_cast<PetscBLASInt>(l);
    PetscBLASInt info = 0;
    // Row-major upper = column-major lower: ask LAPACK for "L".
    LAPACKpotrf_("L", &n, factor.data(), &n, &info);
    if (info == 0) {
      for (int64_t i = 0; i < l; ++i)
        for (int64_t j = 0; j < i; ++j) factor[i * l + j] = 0;  // keep the upper triangle (row-major)
      return factor;
    }
    if (shift > trace) throw std::runtime_error("CholeskyQR: sketch has no rank");
  }
}

// x (count x l, row-major) <- x R^{-1} for upper triangular R. Each row's substitution is
// a chain of dependent operations; rows are independent, so they go through in tiles of
// kTileRows (kernels.hpp) copied column-major, a column of the whole tile at a time as one
// vector operation (as hals does), the tiles shared among the threads. Each row's
// arithmetic is the same whatever the tiling.
void solve_upper_right(double* x, int64_t count, int64_t l, const std::vector<double>& r) {
  LogScope scope(LogEvent::triangular_solve);
  const int64_t tiles = (count + kTileRows - 1) / kTileRows;
  on_thread_shares(tiles, [&](int64_t begin, int64_t end, int) {
    std::vector<double> tile(static_cast<size_t>(l * kTileRows));
    for (int64_t first = begin * kTileRows; first < end * kTileRows; first += kTileRows) {
      load_tile(x, count, l, first, tile.data());  // rows past the end: zeros, dropped
      for (int64_t j = 0; j < l; ++j) {
        double* column = tile.data() + j * kTileRows;
        double value[kTileRows];
        for (int64_t i = 0; i < kTileRows; ++i) value[i] = column[i];
        for (int64_t p = 0; p < j; ++p) {
          const double weight = r[p * l + j];
          const double* solved = tile.data() + p * kTileRows;
          for (int64_t i = 0; i < kTileRows; ++i) value[i] -= solved[i] * weight;
        }
        for (int64_t i = 0; i < kTileRows; ++i) column[i] = value[i] / r[j * l + j];
      }
      store_tile(tile.data(), count, l, first, x);
    }
  });
  log_work(LogEvent::triangular_solve, static_cast<double>(count * l * l),
           static_cast<double>(2 * count * l * static_cast<int64_t>(sizeof(double))));
}

// Orthonormal columns for x (count x l, this rank's rows of a matrix whose rows are
// spread over the ranks) by `passes` rounds of CholeskyQR, each summing the Gram matrix
// over ranks. One round leaves a basis that is orthonormal up to about cond(x)^2 eps,
// enough between power iterations; the last basis gets two.
void orthonormalize(double* x, int64_t count, int64_t l, MPI_Comm comm, int passes) {
  for (int pass = 0; pass < passes; ++pass) {
    std::vector<double> g;
    gram(x, count, l, g);
    sum_over_ranks_in_place(comm, g);
    solve_upper_right(x, count, l, cholesky_upper(g, l));
  }
}

// y (count x k) = x (count x l) times columns l - 1, l - 2, ... of the column-major
// eigenvectors, each divided by `scale`[t] (0: left at 0). The chosen columns are copied
// row-major first (l x k), so a row of y is a sum of rows of that copy.
void project(const double* x, int64_t count, int64_t l, int64_t k, const std::vector<double>& eigenvectors,
             const std::vector<double>& scale, double* y) {
  std::vector<double> chosen(static_cast<size_t>(l * k));
  for (int64_t p = 0; p < l; ++p)
    for (int64_t t = 0; t < k; ++t) chosen[p * k + t] = eigenvectors[(l - 1 - t) * l + p];
  with_width(k, [&](auto w) {
    parallel_for(count, [&](int64_t i) {
      double* out = y + i * w.k();
      for (int64_t t = 0; t < w.k(); ++t) out[t] = 0;
      for (int64_t p = 0; p < l; ++p) {
        const double value = x[i * l + p];
        for (int64_t t = 0; t < w.k(); ++t) out[t] += value * chosen[p * w.k() + t];
      }
      for (int64_t t = 0; t < w.k(); ++t) out[t] = scale[t] > 0 ? out[t] / scale[t] : 0.0;
    });
  });
}

}  // namespace

TruncatedSvd randomized_svd(const DataMatrix& v, int64_t k, uint64_t seed, int power_iterations, int64_t oversampling) {
  const int64_t l = std::min<int64_t>(k + oversampling, std::min(v.rows(), v.columns()));
  const int64_t m_local = v.local_rows(), n = v.columns();
  MPI_Comm comm = v.comm();
  // Matrices with a row per column of V (Omega, Z, B^T, the right vectors) are handled
  // like Ht: each rank works on its block of V's column split, then shares it.
  const int64_t own_begin = v.first_owned_column(), own_count = v.owned_columns();
  const auto blocks = v.column_block_starts(l);

  // A uniform sketch spans the same dominant subspace as a Gaussian one after the power
  // iterations, and costs a fraction of the normal draws.
  std::vector<double> sketch(static_cast<size_t>(n * l));
  for (int64_t i = own_begin * l; i < (own_begin + own_count) * l; ++i)
    sketch[i] = 2.0 * random_uniform(seed, kStreamSketch, static_cast<uint64_t>(i)) - 1.0;
  share_blocks(comm, sketch, blocks);
  std::vector<double> q;
  multiply_v_ht(v, sketch, l, q);  // V Omega
  // The terms x l matrices (Omega, Z, B^T) take turns in one buffer: a fresh one of that
  // size costs more in first-touch page faults than a power iteration's arithmetic.
  std::vector<double> z = std::move(sketch);
  orthonormalize(q.data(), m_local, l, comm, power_iterations > 0 ? 1 : 2);
  std::vector<double> y;
  // Z's rows travel only for the terms each rank's documents use (as in the solvers).
  const UsedColumnExchange exchange(comm, v.used_columns(), v.column_split());
  for (int iteration = 0; iteration < power_iterations; ++iteration) {
    multiply_vt_w(v, q, l, z);  // Z = V^T Q
    exchange.sum_to_owners(z, l);
    exchange.share_from_owners(z, l);
    multiply_v_ht(v, z, l, y);  // Y = V Z
    // Z's CholeskyQR, Z = Z' R with R^T R = Z^T Z, without touching the columns x l matrix
    // Z: Z^T Z = Q^T V V^T Q = Q^T Y, and V Z' = Y R^{-1}. Then Y R^{-1} is orthonormalized.
    std::vector<double> z_gram;
    gram(q.data(), y.data(), m_local, l, z_gram);
    sum_over_ranks_in_place(comm, z_gram);
    solve_upper_right(y.data(), m_local, l, cholesky_upper(z_gram, l));
    q.swap(y);
    orthonormalize(q.data(), m_local, l, comm, iteration + 1 == power_iterations ? 2 : 1);
  }
  std::vector<double> bt = std::move(z);  // B^T = V^T Q, columns x l
  multiply_vt_w(v, q, l, bt);
  exchange.sum_to_owners(bt, l);
  const double* own_bt = bt.data() + own_begin * l;

  // B B^T = Bt^T Bt = U diag(s^2) U^T.
  std::vector<double> bbt;
  gram(own_bt, own_count, l, bbt);
  sum_over_ranks_in_place(comm, bbt);
  std::vector<double> eigenvalues(static_cast<size_t>(l)), work(static_cast<size_t>(8 * l));
  const PetscBLASInt size = static_cast<PetscBLASInt>(l), work_size = static_cast<PetscBLASInt>(8 * l);
  PetscBLASInt info = 0;
  LAPACKsyev_("V", "U", &size, bbt.data(), &size, eigenvalues.data(), work.data(), &work_size, &info);
  if (info != 0) throw std::runtime_error("LAPACK syev failed in the randomized SVD");
  // Column-major eigenvectors in bbt: eigenvector c is bbt[c * l .. c * l + l), ascending.

  TruncatedSvd svd;
  svd.singular_values.resize(static_cast<size_t>(k));
  for (int64_t t = 0; t < k; ++t) svd.singular_values[t] = std::sqrt(std::max(eigenvalues[l - 1 - t], 0.0));
  svd.left.assign(static_cast<size_t>(m_local * k), 0.0);
  svd.right.assign(static_cast<size_t>(n * k), 0.0);
  project(q.data(), m_local, l, k, bbt, std::vector<double>(static_cast<size_t>(k), 1.0), svd.left.data());
  project(own_bt, own_count, l, k, bbt, svd.singular_values, svd.right.data() + own_begin * k);
  share_blocks(comm, svd.right, v.column_block_starts(k));
  return svd;
}

}  // namespace dnmf::nmf
