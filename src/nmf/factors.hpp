#pragma once
// The factors of V ~ W H on one rank. W is row-partitioned like V: this rank holds rows
// first_row .. first_row + local_rows, row-major (local_rows x k). H is replicated on every
// rank and kept transposed, Ht = H^T (columns x k, row-major), so that every sparse
// product reads or writes k contiguous numbers per nonzero of V.
#include <cstdint>
#include <vector>

namespace dnmf::nmf {

struct Factors {
  int64_t k = 0;
  int64_t local_rows = 0;
  int64_t columns = 0;
  std::vector<double> W;   // local_rows x k
  std::vector<double> Ht;  // columns x k

  Factors() = default;
  Factors(int64_t k_, int64_t local_rows_, int64_t columns_)
      : k(k_),
        local_rows(local_rows_),
        columns(columns_),
        W(static_cast<size_t>(local_rows_ * k_), 0.0),
        Ht(static_cast<size_t>(columns_ * k_), 0.0) {}
};

}  // namespace dnmf::nmf
