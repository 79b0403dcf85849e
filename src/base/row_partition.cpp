#include "src/base/row_partition.hpp"

#include <algorithm>

namespace dnmf {

std::vector<std::pair<int, int64_t>> block_starts_in_slice(const int64_t* indptr_slice, int64_t first_index,
                                                           int64_t size, int64_t value_before, int64_t nnz, int ranks) {
  std::vector<std::pair<int, int64_t>> found;
  if (size == 0) return found;
  for (int block = 1; block < ranks; ++block) {
    const int64_t target = block_nnz_target(nnz, block, ranks);
    // The global lower bound lies here when the value before the slice is still below
    // the target and some value in the slice reaches it.
    if (first_index > 0 && value_before >= target) continue;
    const int64_t* position = std::lower_bound(indptr_slice, indptr_slice + size, target);
    if (position == indptr_slice + size) continue;
    found.emplace_back(block, first_index + (position - indptr_slice));
  }
  return found;
}

std::vector<int64_t> balanced_row_starts(const std::vector<int64_t>& indptr, int ranks) {
  const int64_t rows = static_cast<int64_t>(indptr.size()) - 1;
  const int64_t nnz = indptr.back();
  std::vector<int64_t> starts(static_cast<size_t>(ranks) + 1, 0);
  starts[ranks] = rows;
  if (nnz == 0) {
    for (int block = 1; block < ranks; ++block) starts[block] = even_split_start(rows, block, ranks);
    return starts;
  }
  for (const auto& [block, row] : block_starts_in_slice(indptr.data(), 0, rows + 1, 0, nnz, ranks)) starts[block] = row;
  return starts;
}

}  // namespace dnmf
