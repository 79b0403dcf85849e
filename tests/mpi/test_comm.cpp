// The communication module: error agreement, block sums and shares, typed protocols (src/base), at every rank count
// CTest runs (mpi_np1-4).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"

using namespace dnmf;

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

TEST_CASE("sums and shares over the used columns only") {
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  const int64_t columns = 23, width = 3;
  std::vector<int64_t> split;
  for (int r = 0; r <= ranks; ++r) split.push_back(columns * r / ranks);
  // Rank r uses column c when (c + r) % 3 != 0, and column 0 always (used by everyone).
  auto uses = [](int r, int64_t c) { return c == 0 || (c + r) % 3 != 0; };
  std::vector<int64_t> used;
  for (int64_t c = 0; c < columns; ++c)
    if (uses(rank, c)) used.push_back(c);
  const UsedColumnExchange exchange(comm, used, split);

  // Rank r's value in row c, entry e: (r + 1) * (c * width + e + 1) where it uses c, 0
  // elsewhere (what V^T W holds); the owner's rows must hold the sum over the users.
  std::vector<double> values(static_cast<size_t>(columns * width), 0.0);
  for (int64_t c : used)
    for (int64_t e = 0; e < width; ++e) values[c * width + e] = (rank + 1.0) * static_cast<double>(c * width + e + 1);
  std::vector<double> dense = values;
  exchange.sum_to_owners(values, width);
  std::vector<int64_t> block_start;
  for (int64_t start : split) block_start.push_back(start * width);
  sum_over_ranks_to_owners(comm, dense, block_start);
  int64_t sent = 0;
  for (int64_t c = split[rank]; c < split[rank + 1]; ++c) {
    double users = 0;
    for (int r = 0; r < ranks; ++r) users += uses(r, c) ? r + 1.0 : 0.0;
    for (int64_t e = 0; e < width; ++e) {
      CHECK(values[c * width + e] == users * static_cast<double>(c * width + e + 1));
      CHECK(values[c * width + e] == dense[c * width + e]);
    }
  }
  for (int64_t c : used) sent += (c < split[rank] || c >= split[rank + 1]) ? 1 : 0;
  CHECK(exchange.rows_sent_by_sum() == sent);

  // Owners fill their rows with their rank; each rank's used rows then name their owner,
  // and the rows it does not use are left alone.
  std::vector<double> shared(static_cast<size_t>(columns * width), -1.0);
  std::fill(shared.begin() + split[rank] * width, shared.begin() + split[rank + 1] * width, static_cast<double>(rank));
  exchange.share_from_owners(shared, width);
  for (int owner = 0; owner < ranks; ++owner)
    for (int64_t c = split[owner]; c < split[owner + 1]; ++c)
      for (int64_t e = 0; e < width; ++e)
        CHECK(shared[c * width + e] == (uses(rank, c) || owner == rank ? owner : -1.0));
}

TEST_CASE("items reach their owners, and rank 0's decision reaches every rank") {
  MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  // Rank r sends to rank o the pairs (r, o) and the string "r->o", o + 1 times.
  std::vector<std::vector<std::pair<int64_t, std::string>>> outgoing(static_cast<size_t>(ranks));
  for (int owner = 0; owner < ranks; ++owner)
    for (int copy = 0; copy <= owner; ++copy)
      outgoing[owner].emplace_back(rank * 1000 + owner, std::to_string(rank) + "->" + std::to_string(owner));
  const auto received = send_to_owners(comm, outgoing);
  REQUIRE(received.size() == static_cast<size_t>(ranks));
  for (int source = 0; source < ranks; ++source) {
    REQUIRE(received[source].size() == static_cast<size_t>(rank + 1));
    for (const auto& [number, text] : received[source]) {
      CHECK(number == source * 1000 + rank);
      CHECK(text == std::to_string(source) + "->" + std::to_string(rank));
    }
  }
  const auto decided = decide_on_root(comm, [&] { return std::vector<std::string>{"rank", std::to_string(rank)}; });
  CHECK(decided == std::vector<std::string>{"rank", "0"});
  const auto gathered = gather_items_to_all(comm, std::vector<int64_t>(static_cast<size_t>(rank), rank));
  for (int r = 0; r < ranks; ++r) CHECK(gathered[r] == std::vector<int64_t>(static_cast<size_t>(r), r));
}
