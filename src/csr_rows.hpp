#pragma once
#include <cstdint>
#include <vector>

namespace dnmf {

// A block of consecutive rows of a CSR matrix, held by one rank. indptr is local
// (indptr[0] = 0); first_row is the global index of the first row.
struct CsrRows {
  int64_t first_row = 0;
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<double> data;
  int64_t rows() const { return static_cast<int64_t>(indptr.size()) - 1; }
  int64_t nnz() const { return indptr.back(); }
};

}  // namespace dnmf
