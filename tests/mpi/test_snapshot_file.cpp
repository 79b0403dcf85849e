// Snapshots written in one split and read in another (io/snapshot_file), at every rank count CTest runs (mpi_np1-4).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <string>
#include <vector>

#include "io/snapshot_file.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"

using namespace dnmf;

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
  written.history.objective = {2.0, 0.5};
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
  CHECK(read.history.objective == std::vector<double>{2.0, 0.5});
  for (int64_t i = 0; i < read.local_rows; ++i)
    for (int64_t t = 0; t < k; ++t) CHECK(read.row_arrays.at("W")[i * k + t] == entry(read.first_row + i, t, 0.0));
  for (int64_t j = 0; j < read.local_columns; ++j)
    for (int64_t t = 0; t < k; ++t)
      CHECK(read.column_arrays.at("Ht")[j * k + t] == entry(read.first_column + j, t, 100.0));

  barrier(comm);
  if (rank == 0) unlink(path.c_str());
}
