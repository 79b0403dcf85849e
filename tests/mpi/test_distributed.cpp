// The distributed pieces at whatever rank count mpiexec gives: every expected value is
// computed serially from the same inputs, which every rank can build on its own.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <map>
#include <set>

#include "io/snapshot_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"
#include "src/text/vocabulary.hpp"

using namespace dnmf;

namespace {

// Terms rank r holds, with their local df: shared ones, rank-specific ones, and a few
// that only some ranks see.
std::map<std::string, int64_t> terms_of_rank(int rank) {
  std::map<std::string, int64_t> terms{{"common", 2}, {"rank" + std::to_string(rank), 1}};
  if (rank % 2 == 0) terms["even"] = 3;
  for (int i = 0; i < 40; ++i) terms["w" + std::to_string((rank * 13 + i * 7) % 97)] += 1;
  return terms;
}

// Rows of a test matrix: row i has i % 5 entries.
void test_row(int64_t row, int64_t columns, std::vector<int32_t>& indices, std::vector<double>& values) {
  std::set<int32_t> chosen;
  for (int64_t j = 0; j < row % 5; ++j) chosen.insert(static_cast<int32_t>((row * 7 + j * 3) % columns));
  indices.assign(chosen.begin(), chosen.end());
  values.clear();
  for (size_t j = 0; j < indices.size(); ++j) values.push_back(static_cast<double>(row) + 0.1 * static_cast<double>(j));
}

}  // namespace

TEST_CASE("the merged vocabulary is the sorted union with summed document frequencies") {
  const int ranks = comm_size(MPI_COMM_WORLD), rank = comm_rank(MPI_COMM_WORLD);
  std::map<std::string, int64_t> expected;
  for (int r = 0; r < ranks; ++r)
    for (const auto& [term, df] : terms_of_rank(r)) expected[term] += df;

  const auto mine = terms_of_rank(rank);
  std::vector<std::string> storage;
  for (const auto& entry : mine) storage.push_back(entry.first);
  std::vector<std::string_view> local_terms(storage.rbegin(), storage.rend());  // any order
  std::vector<TermStatistics> statistics;
  for (auto term : local_terms) statistics.push_back({mine.at(std::string(term)), static_cast<double>(mine.at(std::string(term)))});

  VocabularyFilter filter;
  const auto vocabulary = merge_text_vocabulary(MPI_COMM_WORLD, local_terms, statistics, 1000, filter);
  REQUIRE(vocabulary.size == static_cast<int64_t>(expected.size()));
  std::vector<std::string> columns;
  for (const auto& entry : expected) columns.push_back(entry.first);
  for (size_t i = 0; i < local_terms.size(); ++i) {
    const std::string term(local_terms[i]);
    const auto column = vocabulary.column_of_term[i];
    REQUIRE(column >= 0);
    CHECK(columns[static_cast<size_t>(column)] == term);
    CHECK(vocabulary.frequency_of_term[i] == expected.at(term));
  }
  for (size_t i = 0; i < vocabulary.owned_terms.size(); ++i)
    CHECK(columns[static_cast<size_t>(vocabulary.owned_first_column) + i] == vocabulary.owned_terms[i]);
  CHECK(sum_over_ranks(MPI_COMM_WORLD, static_cast<int64_t>(vocabulary.owned_terms.size())) == vocabulary.size);

  // --max-features 3 keeps the three most frequent terms, ties to the smaller term.
  filter.max_features = 3;
  std::vector<std::pair<int64_t, std::string>> by_frequency;
  for (const auto& [term, df] : expected) by_frequency.push_back({-df, term});
  std::sort(by_frequency.begin(), by_frequency.end());
  std::set<std::string> top;
  for (int i = 0; i < 3; ++i) top.insert(by_frequency[static_cast<size_t>(i)].second);
  const auto limited = merge_text_vocabulary(MPI_COMM_WORLD, local_terms, statistics, 1000, filter);
  CHECK(limited.size == 3);
  for (size_t i = 0; i < local_terms.size(); ++i)
    CHECK((limited.column_of_term[i] >= 0) == (top.count(std::string(local_terms[i])) > 0));
}

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
    const std::vector<double> got_values(block.data.begin() + block.indptr[r], block.data.begin() + block.indptr[r + 1]);
    CHECK(got_indices == indices);
    CHECK(got_values == values);
  }
  // Balanced: every block's nonzeros are within one row's worth (at most 4) of nnz / ranks.
  const double share = static_cast<double>(global_indptr.back()) / ranks;
  CHECK(std::abs(static_cast<double>(block.nnz()) - share) <= 4.0 + 1.0);
  barrier(comm);
  if (rank == 0) unlink(path.c_str());
}

TEST_CASE("an error on one rank ends every rank, reported once") {
  MPI_Comm comm = MPI_COMM_WORLD;
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  CHECK_THROWS_AS(run_collectively(comm,
                                   [&] {
                                     if (rank == ranks - 1) throw UserError("only the last rank fails (expected)");
                                   }),
                  CollectiveFailure);
  CHECK_NOTHROW(run_collectively(comm, [] {}));
}

TEST_CASE("block sums reach their owners and shared blocks reach every rank") {
  MPI_Comm comm = MPI_COMM_WORLD;
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  const int64_t rows = 23, width = 3;
  std::vector<int64_t> block_start;
  for (int r = 0; r <= ranks; ++r) block_start.push_back(even_split_start(rows, r, ranks) * width);
  // Rank r contributes (r + 1) * (i + 1) to entry i: the sum is (i + 1) ranks (ranks + 1) / 2,
  // exact in doubles, so the owner's block must hold exactly that.
  std::vector<double> values(static_cast<size_t>(rows * width));
  for (size_t i = 0; i < values.size(); ++i) values[i] = (rank + 1.0) * (static_cast<double>(i) + 1.0);
  sum_over_ranks_to_owners(comm, values, block_start);
  for (int64_t i = block_start[rank]; i < block_start[rank + 1]; ++i)
    CHECK(values[i] == (static_cast<double>(i) + 1.0) * ranks * (ranks + 1) / 2.0);

  // Each rank fills its own block with its rank number; after sharing, every block on
  // every rank names its owner.
  std::vector<double> shared(static_cast<size_t>(rows * width), -1.0);
  std::fill(shared.begin() + block_start[rank], shared.begin() + block_start[rank + 1], static_cast<double>(rank));
  share_blocks(comm, shared, block_start);
  for (int owner = 0; owner < ranks; ++owner)
    for (int64_t i = block_start[owner]; i < block_start[owner + 1]; ++i) CHECK(shared[i] == owner);
}

TEST_CASE("a snapshot reads back whole in another row and column split") {
  MPI_Comm comm = MPI_COMM_WORLD;
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  const int64_t rows = 31, columns = 13, k = 3;
  auto entry = [](int64_t row, int64_t t, double salt) { return salt + static_cast<double>(row * 10 + t) / 7.0; };
  auto layout = [&](int parts, int part) {
    io::Snapshot s;
    s.k = k;
    s.rows = rows;
    s.columns = columns;
    s.first_row = even_split_start(rows, part, parts);
    s.local_rows = even_split_start(rows, part + 1, parts) - s.first_row;
    s.first_column = even_split_start(columns, part, parts);
    s.local_columns = even_split_start(columns, part + 1, parts) - s.first_column;
    return s;
  };
  // Written with the rows split evenly over all ranks...
  io::Snapshot written = layout(ranks, rank);
  written.solver = "hals";
  written.input_fingerprint = "0123456789abcdef";
  written.iteration = 42;
  written.parameters = {{"lr", "0.01"}};
  written.reals = {{"initial_error", 1.5}};
  written.integers = {{"adam_steps", 7}};
  for (int64_t i = 0; i < written.local_rows; ++i)
    for (int64_t t = 0; t < k; ++t) written.row_arrays["W"].push_back(entry(written.first_row + i, t, 0.0));
  for (int64_t j = 0; j < written.local_columns; ++j)
    for (int64_t t = 0; t < k; ++t) written.column_arrays["Ht"].push_back(entry(written.first_column + j, t, 100.0));
  written.history.iteration = {0, 42};
  written.history.error = {2.0, 1.0};
  written.history.seconds = written.history.relative_error = written.history.min_w = written.history.min_h = {0, 0};
  written.history.negative_w = written.history.negative_h = {0, 0};
  const std::string path = "snapshot_test_" + std::to_string(ranks) + ".h5";
  io::write_snapshot(comm, path, written);

  // ... and read back with the rows of rank r going to rank ranks - 1 - r.
  const io::Snapshot read = io::read_snapshot(comm, path, layout(ranks, ranks - 1 - rank));
  CHECK(read.iteration == 42);
  CHECK(read.solver == "hals");
  CHECK(read.parameters.at("lr") == "0.01");
  CHECK(read.reals.at("initial_error") == 1.5);
  CHECK(read.integers.at("adam_steps") == 7);
  CHECK(read.history.error == std::vector<double>{2.0, 1.0});
  for (int64_t i = 0; i < read.local_rows; ++i)
    for (int64_t t = 0; t < k; ++t) CHECK(read.row_arrays.at("W")[i * k + t] == entry(read.first_row + i, t, 0.0));
  for (int64_t j = 0; j < read.local_columns; ++j)
    for (int64_t t = 0; t < k; ++t)
      CHECK(read.column_arrays.at("Ht")[j * k + t] == entry(read.first_column + j, t, 100.0));

  barrier(comm);
  if (rank == 0) unlink(path.c_str());
}
