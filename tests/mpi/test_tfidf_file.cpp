// The TF-IDF file read and written by every rank (io/tfidf_file), at every rank count CTest runs (mpi_np1-4).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <set>
#include <vector>

#include "io/tfidf_file.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"

using namespace dnmf;

namespace {

// Rows of a test matrix: row i has i % 5 entries.
void test_row(int64_t row, int64_t columns, std::vector<int32_t>& indices, std::vector<double>& values) {
  std::set<int32_t> chosen;
  for (int64_t j = 0; j < row % 5; ++j) chosen.insert(static_cast<int32_t>((row * 7 + j * 3) % columns));
  indices.assign(chosen.begin(), chosen.end());
  values.clear();
  for (size_t j = 0; j < indices.size(); ++j) values.push_back(static_cast<double>(row) + 0.1 * static_cast<double>(j));
}

}  // namespace

TEST_CASE("a TF-IDF file written by all ranks reads back in blocks balanced by nonzeros") {
  MPI_Comm comm = MPI_COMM_WORLD;
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  const int64_t rows = 103, columns = 17;
  std::vector<int64_t> global_indptr{0};
  std::vector<int32_t> indices;
  std::vector<double> values;
  for (int64_t r = 0; r < rows; ++r) {
    test_row(r, columns, indices, values);
    global_indptr.push_back(global_indptr.back() + static_cast<int64_t>(indices.size()));
  }

  io::TfidfFileSlices slices;
  slices.rows = rows;
  slices.columns = columns;
  slices.matrix.first_row = even_split_start(rows, rank, ranks);
  for (int64_t r = slices.matrix.first_row; r < even_split_start(rows, rank + 1, ranks); ++r) {
    test_row(r, columns, indices, values);
    slices.matrix.indices.insert(slices.matrix.indices.end(), indices.begin(), indices.end());
    slices.matrix.data.insert(slices.matrix.data.end(), values.begin(), values.end());
    slices.matrix.indptr.push_back(static_cast<int64_t>(slices.matrix.data.size()));
    slices.document_ids.push_back("doc" + std::to_string(r));
  }
  slices.first_column = even_split_start(columns, rank, ranks);
  for (int64_t c = slices.first_column; c < even_split_start(columns, rank + 1, ranks); ++c) {
    slices.terms.push_back("term" + std::to_string(c));
    slices.idf.push_back(1.0);
    slices.document_frequency.push_back(1);
  }
  std::string path = "distributed_test_" + std::to_string(ranks) + ".h5";
  io::write_tfidf_file(comm, path, slices);

  std::vector<int64_t> starts;
  const auto block = io::read_balanced_rows(comm, path, &starts);
  CHECK(starts == balanced_row_starts(global_indptr, ranks));
  REQUIRE(block.first_row == starts[rank]);
  REQUIRE(block.rows() == starts[rank + 1] - starts[rank]);
  for (int64_t r = 0; r < block.rows(); ++r) {
    test_row(block.first_row + r, columns, indices, values);
    const std::vector<int32_t> got_indices(block.indices.begin() + block.indptr[r],
                                           block.indices.begin() + block.indptr[r + 1]);
    const std::vector<double> got_values(block.data.begin() + block.indptr[r],
                                         block.data.begin() + block.indptr[r + 1]);
    CHECK(got_indices == indices);
    CHECK(got_values == values);
  }
  // Balanced: every block's nonzeros are within one row's worth (at most 4) of nnz / ranks.
  const double share = static_cast<double>(global_indptr.back()) / ranks;
  CHECK(std::abs(static_cast<double>(block.nnz()) - share) <= 4.0 + 1.0);
  barrier(comm);
  if (rank == 0) unlink(path.c_str());
}
