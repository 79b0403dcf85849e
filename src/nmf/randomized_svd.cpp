#include "src/nmf/randomized_svd.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "src/comm.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/random.hpp"

namespace dnmf::nmf {
namespace {

// Upper Cholesky factor of the symmetric positive (semi)definite l x l matrix `gram`;
// a rank-deficient sketch gets a tiny diagonal shift instead of failing.
std::vector<double> cholesky_upper(std::vector<double> gram, int64_t l) {
  double trace = 0;
  for (int64_t i = 0; i < l; ++i) trace += gram[i * l + i];
  for (double shift = 0; ; shift = shift == 0 ? 1e-14 * std::max(trace, 1e-300) : shift * 100) {
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

// x (count x l, row-major) <- x R^{-1} for upper triangular R.
void solve_upper_right(std::vector<double>& x, int64_t count, int64_t l, const std::vector<double>& r) {
  for (int64_t i = 0; i < count; ++i) {
    double* row = x.data() + i * l;
    for (int64_t j = 0; j < l; ++j) {
      double value = row[j];
      for (int64_t p = 0; p < j; ++p) value -= row[p] * r[p * l + j];
      row[j] = value / r[j * l + j];
    }
  }
}

// Orthonormal columns for x (count x l) by `passes` rounds of CholeskyQR; `distributed`
// rows sum their Gram matrices over ranks. One round leaves a basis that is orthonormal
// up to about cond(x)^2 eps, enough between power iterations; the last basis gets two.
void orthonormalize(std::vector<double>& x, int64_t count, int64_t l, MPI_Comm comm, bool distributed, int passes) {
  for (int pass = 0; pass < passes; ++pass) {
    std::vector<double> g;
    gram(x, count, l, g);
    if (distributed) sum_over_ranks_in_place(comm, g);
    solve_upper_right(x, count, l, cholesky_upper(g, l));
  }
}

}  // namespace

TruncatedSvd randomized_svd(const DataMatrix& v, int64_t k, uint64_t seed, int power_iterations,
                            int64_t oversampling) {
  const int64_t l = std::min<int64_t>(k + oversampling, std::min(v.rows(), v.columns()));
  const int64_t m_local = v.local_rows(), n = v.columns();
  MPI_Comm comm = v.comm();

  // A uniform sketch spans the same dominant subspace as a Gaussian one after the power
  // iterations, and costs a fraction of the normal draws.
  std::vector<double> sketch(static_cast<size_t>(n * l));
  for (int64_t i = 0; i < n * l; ++i) sketch[i] = 2.0 * random_uniform(seed, kStreamSketch, static_cast<uint64_t>(i)) - 1.0;
  std::vector<double> q, z;
  multiply_v_ht(v, sketch, l, q);  // V Omega
  orthonormalize(q, m_local, l, comm, true, power_iterations > 0 ? 1 : 2);
  for (int iteration = 0; iteration < power_iterations; ++iteration) {
    multiply_vt_w(v, q, l, z);  // V^T Q
    sum_over_ranks_in_place(comm, z);
    orthonormalize(z, n, l, comm, false, 1);
    multiply_v_ht(v, z, l, q);  // V Z
    orthonormalize(q, m_local, l, comm, true, iteration + 1 == power_iterations ? 2 : 1);
  }
  std::vector<double> bt;  // B^T = V^T Q, columns x l
  multiply_vt_w(v, q, l, bt);
  sum_over_ranks_in_place(comm, bt);

  // B B^T = Bt^T Bt = U diag(s^2) U^T.
  std::vector<double> bbt;
  gram(bt, n, l, bbt);
  std::vector<double> eigenvalues(static_cast<size_t>(l)), work(static_cast<size_t>(8 * l));
  const PetscBLASInt size = static_cast<PetscBLASInt>(l), work_size = static_cast<PetscBLASInt>(8 * l);
  PetscBLASInt info = 0;
  LAPACKsyev_("V", "U", &size, bbt.data(), &size, eigenvalues.data(), work.data(), &work_size, &info);
  if (info != 0) throw std::runtime_error("LAPACK syev failed in the randomized SVD");
  // Column-major eigenvectors in bbt: eigenvector c is bbt[c * l .. c * l + l), ascending.

  TruncatedSvd svd;
  svd.singular_values.resize(static_cast<size_t>(k));
  svd.left.assign(static_cast<size_t>(m_local * k), 0.0);
  svd.right.assign(static_cast<size_t>(n * k), 0.0);
  for (int64_t t = 0; t < k; ++t) {
    const int64_t c = l - 1 - t;  // descending
    const double sigma = std::sqrt(std::max(eigenvalues[c], 0.0));
    svd.singular_values[t] = sigma;
    const double* u = bbt.data() + c * l;
    for (int64_t i = 0; i < m_local; ++i) {
      double value = 0;
      for (int64_t p = 0; p < l; ++p) value += q[i * l + p] * u[p];
      svd.left[i * k + t] = value;
    }
    for (int64_t j = 0; j < n; ++j) {
      double value = 0;
      for (int64_t p = 0; p < l; ++p) value += bt[j * l + p] * u[p];
      svd.right[j * k + t] = sigma > 0 ? value / sigma : 0.0;
    }
  }
  return svd;
}

}  // namespace dnmf::nmf
