#include "src/nmf/randomized_svd.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "src/base/comm.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/random.hpp"
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
// a chain of dependent operations; rows are independent, so they go through in tiles,
// column by column, and the chains of a tile's rows overlap.
void solve_upper_right(double* x, int64_t count, int64_t l, const std::vector<double>& r) {
  constexpr int64_t kTileRows = 64;
  with_width(l, [&](auto w) {
    for (int64_t first = 0; first < count; first += kTileRows) {
      const int64_t end = std::min(count, first + kTileRows);
      for (int64_t j = 0; j < w.k(); ++j) {
        const double diagonal = r[j * w.k() + j];
        for (int64_t i = first; i < end; ++i) {
          double* row = x + i * w.k();
          double value = row[j];
          for (int64_t p = 0; p < j; ++p) value -= row[p] * r[p * w.k() + j];
          row[j] = value / diagonal;
        }
      }
    }
  });
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
// eigenvectors, each divided by `scale`[t] (0: left at 0).
void project(const double* x, int64_t count, int64_t l, int64_t k, const std::vector<double>& eigenvectors,
             const std::vector<double>& scale, double* y) {
  with_width(l, [&](auto w) {
    for (int64_t i = 0; i < count; ++i)
      for (int64_t t = 0; t < k; ++t) {
        const double* u = eigenvectors.data() + (w.k() - 1 - t) * w.k();
        double value = 0;
        for (int64_t p = 0; p < w.k(); ++p) value += x[i * w.k() + p] * u[p];
        y[i * k + t] = scale[t] > 0 ? value / scale[t] : 0.0;
      }
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
  std::vector<double> q, z;
  multiply_v_ht(v, sketch, l, q);  // V Omega
  orthonormalize(q.data(), m_local, l, comm, power_iterations > 0 ? 1 : 2);
  std::vector<double> y;
  for (int iteration = 0; iteration < power_iterations; ++iteration) {
    multiply_vt_w(v, q, l, z);  // Z = V^T Q
    sum_over_ranks_to_owners(comm, z, blocks);
    share_blocks(comm, z, blocks);
    multiply_v_ht(v, z, l, y);  // Y = V Z
    // Z's CholeskyQR, Z = Z' R with R^T R = Z^T Z, without touching the columns x l matrix
    // Z: Z^T Z = Q^T V V^T Q = Q^T Y, and V Z' = Y R^{-1}. Then Y R^{-1} is orthonormalized.
    std::vector<double> z_gram(static_cast<size_t>(l * l), 0.0);
    for (int64_t i = 0; i < m_local; ++i)
      for (int64_t a = 0; a < l; ++a)
        for (int64_t b = a; b < l; ++b) z_gram[a * l + b] += q[i * l + a] * y[i * l + b];
    sum_over_ranks_in_place(comm, z_gram);
    for (int64_t a = 0; a < l; ++a)
      for (int64_t b = 0; b < a; ++b) z_gram[a * l + b] = z_gram[b * l + a];
    solve_upper_right(y.data(), m_local, l, cholesky_upper(z_gram, l));
    q.swap(y);
    orthonormalize(q.data(), m_local, l, comm, iteration + 1 == power_iterations ? 2 : 1);
  }
  std::vector<double> bt;  // B^T = V^T Q, columns x l
  multiply_vt_w(v, q, l, bt);
  sum_over_ranks_to_owners(comm, bt, blocks);
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
