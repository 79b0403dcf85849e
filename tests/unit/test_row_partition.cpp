#include <catch2/catch.hpp>

#include "src/base/row_partition.hpp"

using dnmf::balanced_row_starts;
using dnmf::block_starts_in_slice;

TEST_CASE("rows split by nonzeros") {
  // rows with 4, 0, 1, 3, 2 nonzeros: indptr 0 4 4 5 8 10, nnz 10.
  const std::vector<int64_t> indptr{0, 4, 4, 5, 8, 10};
  // 2 ranks: target 5 -> first row with indptr >= 5 is row 3.
  CHECK(balanced_row_starts(indptr, 2) == std::vector<int64_t>{0, 3, 5});
  // 3 ranks: targets 3 and 6 -> rows 1 and 4.
  CHECK(balanced_row_starts(indptr, 3) == std::vector<int64_t>{0, 1, 4, 5});
  CHECK(balanced_row_starts(indptr, 1) == std::vector<int64_t>{0, 5});
}

TEST_CASE("an empty matrix splits evenly") {
  CHECK(balanced_row_starts({0, 0, 0, 0, 0}, 2) == std::vector<int64_t>{0, 2, 4});
}

TEST_CASE("slices of indptr find each boundary exactly once") {
  const std::vector<int64_t> indptr{0, 4, 4, 5, 8, 10};
  for (int ranks = 1; ranks <= 6; ++ranks) {
    const auto whole = balanced_row_starts(indptr, ranks);
    for (int64_t cut = 1; cut < 6; ++cut) {
      auto first = block_starts_in_slice(indptr.data(), 0, cut, 0, 10, ranks);
      auto second = block_starts_in_slice(indptr.data() + cut, cut, 6 - cut, indptr[cut - 1], 10, ranks);
      first.insert(first.end(), second.begin(), second.end());
      REQUIRE(first.size() == static_cast<size_t>(ranks - 1));
      for (const auto& [block, row] : first) CHECK(whole[block] == row);
    }
  }
}
