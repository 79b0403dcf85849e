#pragma once
// How rows of a CSR matrix are dealt to ranks so that each rank gets about the same
// number of nonzeros (the work of every sparse product is proportional to them).
//
// Rule: rank j's block starts at the first row r with indptr[r] >= nnz * j / ranks
// (integer division), so blocks are contiguous, cover all rows, and depend only on the
// matrix and the number of ranks. With no nonzeros at all, rows are split evenly.
#include <cstdint>
#include <vector>

namespace dnmf {

// First row of each of `ranks` blocks plus the row count at the end (ranks + 1 values),
// computed from the whole indptr (rows + 1 values).
std::vector<int64_t> balanced_row_starts(const std::vector<int64_t>& indptr, int ranks);

// The same boundaries, found from one slice of indptr when the slices of all ranks
// cover indptr[0 .. rows] without overlap: `indptr_slice` holds
// indptr[first_index .. first_index + size) and `value_before` is
// indptr[first_index - 1] (ignored when first_index is 0). Returns, for each block j in
// 1..ranks-1 whose start row lies in this slice, the pair (j, start row); every block
// start lies in exactly one slice.
std::vector<std::pair<int, int64_t>> block_starts_in_slice(const int64_t* indptr_slice, int64_t first_index,
                                                           int64_t size, int64_t value_before, int64_t nnz, int ranks);

// Target nonzero offset of block j's first row.
inline int64_t block_nnz_target(int64_t nnz, int block, int ranks) {
  return static_cast<int64_t>((static_cast<__int128>(nnz) * block) / ranks);
}

// Even split of `count` items over `parts`: start of part j (j = 0..parts).
inline int64_t even_split_start(int64_t count, int part, int parts) {
  return static_cast<int64_t>((static_cast<__int128>(count) * part) / parts);
}

}  // namespace dnmf
