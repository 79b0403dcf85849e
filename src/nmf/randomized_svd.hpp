#pragma once
// Truncated SVD of the distributed V by randomized subspace iteration (Halko, Martinsson &
// Tropp 2011, algorithms 4.4 and 5.1), built only from the row-partitioned products of
// kernels.hpp: a random sketch V Omega (Omega columns x l, l = k + 10), q power iterations
// re-orthonormalized by CholeskyQR (one allreduce of l x l each), then the small
// l x columns matrix B = Q^T V is decomposed through the eigenvectors of B B^T.
// Left vectors come back row-partitioned like W, right vectors replicated like Ht.
#include <cstdint>
#include <vector>

#include "src/nmf/data_matrix.hpp"

namespace dnmf::nmf {

struct TruncatedSvd {
  std::vector<double> singular_values;  // k, descending
  std::vector<double> left;             // local_rows x k (row-major)
  std::vector<double> right;            // columns x k (row-major)
};

TruncatedSvd randomized_svd(const DataMatrix& v, int64_t k, uint64_t seed, int power_iterations = 7,
                            int64_t oversampling = 10);

}  // namespace dnmf::nmf
