#include "src/base/comm.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <numeric>
#include <stdexcept>

#include "src/base/errors.hpp"

namespace dnmf {
namespace {

// Live because dnmf's communicator returns errors (return_errors_on) instead of aborting.
void check(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {0};
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw LibraryError("MPI", what, std::string(text, static_cast<size_t>(length)));
}

// MPI-3 counts are ints; refuse rather than wrap around on a very large exchange.
int as_count(size_t bytes) {
  if (bytes > static_cast<size_t>(INT_MAX))
    throw std::runtime_error("a single MPI message would exceed 2 GiB; use more ranks");
  return static_cast<int>(bytes);
}

std::vector<int> displacements_of(const std::vector<int>& counts) {
  std::vector<int> displacements(counts.size(), 0);
  size_t total = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    displacements[i] = as_count(total);
    total += static_cast<size_t>(counts[i]);
  }
  as_count(total);
  return displacements;
}

std::vector<std::string> split_blocks(const std::vector<char>& all, const std::vector<int>& counts) {
  std::vector<std::string> blocks(counts.size());
  size_t offset = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    blocks[i].assign(all.data() + offset, static_cast<size_t>(counts[i]));
    offset += static_cast<size_t>(counts[i]);
  }
  return blocks;
}

}  // namespace

void prefer_reliable_mpi_io() { setenv("OMPI_MCA_io", "^ompio", 0); }

void return_errors_on(MPI_Comm comm) {
  check(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
}

void abort_all_ranks(MPI_Comm comm, int status) {
  MPI_Abort(comm, status);
  std::abort();  // MPI_Abort does not return; this tells the compiler so
}

int comm_rank(MPI_Comm comm) {
  int rank = 0;
  check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  return rank;
}

int comm_size(MPI_Comm comm) {
  int size = 0;
  check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  return size;
}

SplitComm::SplitComm(MPI_Comm parent, int color, int key) {
  check(MPI_Comm_split(parent, color, key, &comm_), "MPI_Comm_split");
  return_errors_on(comm_);
}

SplitComm::~SplitComm() {
  if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

int ranks_on_this_node(MPI_Comm comm) {
  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  const int ranks = comm_size(node);
  MPI_Comm_free(&node);
  return ranks;
}

void barrier(MPI_Comm comm) { check(MPI_Barrier(comm), "MPI_Barrier"); }

int lowest_rank_with(MPI_Comm comm, bool flag) {
  int candidate = flag ? comm_rank(comm) : INT_MAX;
  int lowest = INT_MAX;
  check(MPI_Allreduce(&candidate, &lowest, 1, MPI_INT, MPI_MIN, comm), "MPI_Allreduce");
  return lowest == INT_MAX ? -1 : lowest;
}

int64_t sum_over_ranks(MPI_Comm comm, int64_t value) {
  int64_t total = 0;
  check(MPI_Allreduce(&value, &total, 1, MPI_INT64_T, MPI_SUM, comm), "MPI_Allreduce");
  return total;
}

double sum_over_ranks(MPI_Comm comm, double value) {
  std::vector<double> total{value};
  sum_over_ranks_in_place(comm, total);
  return total[0];
}

int64_t max_over_ranks(MPI_Comm comm, int64_t value) {
  int64_t result = 0;
  check(MPI_Allreduce(&value, &result, 1, MPI_INT64_T, MPI_MAX, comm), "MPI_Allreduce");
  return result;
}

double max_over_ranks(MPI_Comm comm, double value) {
  double result = 0;
  check(MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MAX, comm), "MPI_Allreduce");
  return result;
}

void sum_over_ranks_in_place(MPI_Comm comm, std::vector<int64_t>& values) {
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), as_count(values.size()), MPI_INT64_T, MPI_SUM, comm),
        "MPI_Allreduce");
}

void sum_over_ranks_in_place(MPI_Comm comm, std::vector<double>& values) {
  // Reduce to rank 0, then broadcast: MPI_Allreduce may round differently on different
  // ranks (for example at 3 ranks), and replicated factors must stay bit-identical, or
  // ranks taking decisions from them could part ways in a collective.
  const int count = as_count(values.size());
  if (comm_rank(comm) == 0)
    check(MPI_Reduce(MPI_IN_PLACE, values.data(), count, MPI_DOUBLE, MPI_SUM, 0, comm), "MPI_Reduce");
  else
    check(MPI_Reduce(values.data(), nullptr, count, MPI_DOUBLE, MPI_SUM, 0, comm), "MPI_Reduce");
  check(MPI_Bcast(values.data(), count, MPI_DOUBLE, 0, comm), "MPI_Bcast");
}

void max_over_ranks_in_place(MPI_Comm comm, std::vector<double>& values) {
  // A maximum is exact, so every rank gets the same bits from an allreduce.
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), as_count(values.size()), MPI_DOUBLE, MPI_MAX, comm),
        "MPI_Allreduce");
}

void max_over_ranks_in_place(MPI_Comm comm, std::vector<int64_t>& values) {
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), as_count(values.size()), MPI_INT64_T, MPI_MAX, comm),
        "MPI_Allreduce");
}

namespace {
std::vector<int> block_counts(const std::vector<int64_t>& block_start) {
  std::vector<int> counts(block_start.size() - 1);
  for (size_t r = 0; r + 1 < block_start.size(); ++r)
    counts[r] = as_count(static_cast<size_t>(block_start[r + 1] - block_start[r]));
  return counts;
}
}  // namespace

void sum_over_ranks_to_owners(MPI_Comm comm, std::vector<double>& values, const std::vector<int64_t>& block_start) {
  if (comm_size(comm) == 1) return;  // the sum over one rank is what it holds; skip the copies
  const auto counts = block_counts(block_start);
  const int rank = comm_rank(comm);
  as_count(values.size());
  // Every rank sends each owner its block (all-to-all), and the owner adds the pieces in
  // rank order: the least traffic a reduce-scatter can have ((P - 1) / P of the vector per
  // rank), where Open MPI's MPI_Reduce_scatter took 3x longer on large vectors.
  const int ranks = comm_size(comm);
  std::vector<int> receive_counts(static_cast<size_t>(ranks), counts[rank]);
  std::vector<double> pieces(static_cast<size_t>(counts[rank]) * static_cast<size_t>(ranks));
  check(MPI_Alltoallv(values.data(), counts.data(), displacements_of(counts).data(), MPI_DOUBLE, pieces.data(),
                      receive_counts.data(), displacements_of(receive_counts).data(), MPI_DOUBLE, comm),
        "MPI_Alltoallv");
  double* own = values.data() + block_start[rank];
  std::copy(pieces.begin(), pieces.begin() + counts[rank], own);
  for (int from = 1; from < ranks; ++from) {
    const double* piece = pieces.data() + static_cast<size_t>(from) * static_cast<size_t>(counts[rank]);
    for (int i = 0; i < counts[rank]; ++i) own[i] += piece[i];
  }
}

namespace {

std::vector<int> scaled_counts(const std::vector<int>& counts, int64_t width) {
  std::vector<int> scaled(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) scaled[i] = as_count(static_cast<size_t>(counts[i] * width));
  return scaled;
}

}  // namespace

UsedColumnExchange::UsedColumnExchange(MPI_Comm comm, const std::vector<int64_t>& used_columns,
                                       const std::vector<int64_t>& column_split)
    : comm_(comm), rank_(comm_rank(comm)) {
  const int ranks = comm_size(comm);
  first_owned_ = column_split[rank_];
  owned_count_ = column_split[rank_ + 1] - first_owned_;
  send_columns_ = used_columns;
  send_counts_.assign(static_cast<size_t>(ranks), 0);
  int owner = 0;
  for (int64_t column : send_columns_) {
    while (column >= column_split[owner + 1]) ++owner;
    ++send_counts_[owner];
  }
  receive_counts_.assign(static_cast<size_t>(ranks), 0);
  check(MPI_Alltoall(send_counts_.data(), 1, MPI_INT, receive_counts_.data(), 1, MPI_INT, comm), "MPI_Alltoall");
  const auto receive_displacements = displacements_of(receive_counts_);
  receive_columns_.resize(static_cast<size_t>(receive_displacements.back()) +
                          static_cast<size_t>(receive_counts_.back()));
  check(MPI_Alltoallv(send_columns_.data(), send_counts_.data(), displacements_of(send_counts_).data(), MPI_INT64_T,
                      receive_columns_.data(), receive_counts_.data(), receive_displacements.data(), MPI_INT64_T, comm),
        "MPI_Alltoallv");
  for (int r = 0; r < ranks; ++r)
    if (r != rank_) {
      rows_sent_by_sum_ += send_counts_[r];
      rows_sent_by_share_ += receive_counts_[r];
    }
}

void UsedColumnExchange::send_rows(const std::vector<double>& values, int64_t width, const std::vector<int64_t>& rows,
                                   const std::vector<int>& send_counts, const std::vector<int>& receive_counts,
                                   std::vector<double>& outgoing, std::vector<double>& incoming) const {
  outgoing.resize(rows.size() * static_cast<size_t>(width));
  for (size_t i = 0; i < rows.size(); ++i)
    std::copy_n(values.data() + rows[i] * width, width, outgoing.data() + static_cast<int64_t>(i) * width);
  const auto send = scaled_counts(send_counts, width), receive = scaled_counts(receive_counts, width);
  const auto receive_displacements = displacements_of(receive);
  incoming.resize(static_cast<size_t>(receive_displacements.back()) + static_cast<size_t>(receive.back()));
  check(MPI_Alltoallv(outgoing.data(), send.data(), displacements_of(send).data(), MPI_DOUBLE, incoming.data(),
                      receive.data(), receive_displacements.data(), MPI_DOUBLE, comm_),
        "MPI_Alltoallv");
}

void UsedColumnExchange::sum_to_owners(std::vector<double>& values, int64_t width) const {
  // One rank: its used columns hold its sums, the others zeros, as the sum would give.
  if (comm_size(comm_) == 1) return;
  send_rows(values, width, send_columns_, send_counts_, receive_counts_, outgoing_, incoming_);
  double* own = values.data() + first_owned_ * width;
  std::fill(own, own + owned_count_ * width, 0.0);
  // The pieces arrive grouped by rank, lowest first: added in rank order.
  for (size_t i = 0; i < receive_columns_.size(); ++i) {
    double* row = values.data() + receive_columns_[i] * width;
    const double* piece = incoming_.data() + static_cast<int64_t>(i) * width;
    for (int64_t c = 0; c < width; ++c) row[c] += piece[c];
  }
}

void UsedColumnExchange::share_from_owners(std::vector<double>& values, int64_t width) const {
  if (comm_size(comm_) == 1) return;
  // The sum's messages the other way round, in the same two buffers.
  send_rows(values, width, receive_columns_, receive_counts_, send_counts_, incoming_, outgoing_);
  for (size_t i = 0; i < send_columns_.size(); ++i)
    std::copy_n(outgoing_.data() + static_cast<int64_t>(i) * width, width, values.data() + send_columns_[i] * width);
}

void share_blocks(MPI_Comm comm, std::vector<double>& values, const std::vector<int64_t>& block_start) {
  if (comm_size(comm) == 1) return;
  const auto counts = block_counts(block_start);
  check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values.data(), counts.data(),
                       displacements_of(counts).data(), MPI_DOUBLE, comm),
        "MPI_Allgatherv");
}

std::vector<int64_t> sum_over_lower_ranks(MPI_Comm comm, const std::vector<int64_t>& values) {
  std::vector<int64_t> result(values.size(), 0);
  check(MPI_Exscan(values.data(), result.data(), as_count(values.size()), MPI_INT64_T, MPI_SUM, comm), "MPI_Exscan");
  if (comm_rank(comm) == 0) std::fill(result.begin(), result.end(), 0);
  return result;
}

double sum_in_rank_order(MPI_Comm comm, const std::vector<double>& values) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  double sum = 0;
  if (rank > 0) check(MPI_Recv(&sum, 1, MPI_DOUBLE, rank - 1, 0, comm, MPI_STATUS_IGNORE), "MPI_Recv");
  for (double value : values) sum += value;
  if (rank + 1 < ranks) check(MPI_Send(&sum, 1, MPI_DOUBLE, rank + 1, 0, comm), "MPI_Send");
  check(MPI_Bcast(&sum, 1, MPI_DOUBLE, ranks - 1, comm), "MPI_Bcast");
  return sum;
}

int64_t sum_over_lower_ranks(MPI_Comm comm, int64_t value) {
  int64_t result = 0;
  check(MPI_Exscan(&value, &result, 1, MPI_INT64_T, MPI_SUM, comm), "MPI_Exscan");
  return comm_rank(comm) == 0 ? 0 : result;  // MPI leaves rank 0's result undefined
}

std::vector<int64_t> gather_to_all(MPI_Comm comm, int64_t value) {
  std::vector<int64_t> values(static_cast<size_t>(comm_size(comm)));
  check(MPI_Allgather(&value, 1, MPI_INT64_T, values.data(), 1, MPI_INT64_T, comm), "MPI_Allgather");
  return values;
}

std::vector<double> gather_to_all(MPI_Comm comm, double value) {
  std::vector<double> values(static_cast<size_t>(comm_size(comm)));
  check(MPI_Allgather(&value, 1, MPI_DOUBLE, values.data(), 1, MPI_DOUBLE, comm), "MPI_Allgather");
  return values;
}

void broadcast_bytes(MPI_Comm comm, std::string& bytes, int root) {
  uint64_t size = bytes.size();
  check(MPI_Bcast(&size, 1, MPI_UINT64_T, root, comm), "MPI_Bcast");
  bytes.resize(size);
  check(MPI_Bcast(bytes.data(), as_count(size), MPI_BYTE, root, comm), "MPI_Bcast");
}

std::vector<std::string> exchange_bytes(MPI_Comm comm, const std::vector<std::string>& send_blocks) {
  const int ranks = comm_size(comm);
  std::vector<int> send_counts(static_cast<size_t>(ranks)), receive_counts(static_cast<size_t>(ranks));
  std::string send_all;
  for (int r = 0; r < ranks; ++r) {
    send_counts[r] = as_count(send_blocks[r].size());
    send_all += send_blocks[r];
  }
  check(MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, comm), "MPI_Alltoall");
  const auto send_displacements = displacements_of(send_counts);
  const auto receive_displacements = displacements_of(receive_counts);
  std::vector<char> receive_all(
      static_cast<size_t>(std::accumulate(receive_counts.begin(), receive_counts.end(), int64_t{0})));
  check(MPI_Alltoallv(send_all.data(), send_counts.data(), send_displacements.data(), MPI_BYTE, receive_all.data(),
                      receive_counts.data(), receive_displacements.data(), MPI_BYTE, comm),
        "MPI_Alltoallv");
  return split_blocks(receive_all, receive_counts);
}

std::vector<std::string> gather_bytes_to_all(MPI_Comm comm, const std::string& block) {
  const int ranks = comm_size(comm);
  int count = as_count(block.size());
  std::vector<int> counts(static_cast<size_t>(ranks));
  check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm), "MPI_Allgather");
  const auto displacements = displacements_of(counts);
  std::vector<char> all(static_cast<size_t>(std::accumulate(counts.begin(), counts.end(), int64_t{0})));
  check(MPI_Allgatherv(block.data(), count, MPI_BYTE, all.data(), counts.data(), displacements.data(), MPI_BYTE, comm),
        "MPI_Allgatherv");
  return split_blocks(all, counts);
}

std::vector<std::string> gather_bytes(MPI_Comm comm, const std::string& block, int root) {
  const int ranks = comm_size(comm);
  const bool is_root = comm_rank(comm) == root;
  int count = as_count(block.size());
  std::vector<int> counts(static_cast<size_t>(ranks));
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm), "MPI_Gather");
  std::vector<int> displacements(static_cast<size_t>(ranks), 0);
  std::vector<char> all;
  if (is_root) {
    displacements = displacements_of(counts);
    all.resize(static_cast<size_t>(std::accumulate(counts.begin(), counts.end(), int64_t{0})));
  }
  check(
      MPI_Gatherv(block.data(), count, MPI_BYTE, all.data(), counts.data(), displacements.data(), MPI_BYTE, root, comm),
      "MPI_Gatherv");
  if (!is_root) return {};
  return split_blocks(all, counts);
}

std::string scatter_bytes(MPI_Comm comm, const std::vector<std::string>& blocks, int root) {
  const int ranks = comm_size(comm);
  const bool is_root = comm_rank(comm) == root;
  std::vector<int> counts(static_cast<size_t>(ranks), 0), displacements(static_cast<size_t>(ranks), 0);
  std::string all;
  if (is_root) {
    for (int r = 0; r < ranks; ++r) {
      counts[r] = as_count(blocks[r].size());
      all += blocks[r];
    }
    displacements = displacements_of(counts);
  }
  int count = 0;
  check(MPI_Scatter(counts.data(), 1, MPI_INT, &count, 1, MPI_INT, root, comm), "MPI_Scatter");
  std::string mine(static_cast<size_t>(count), '\0');
  check(
      MPI_Scatterv(all.data(), counts.data(), displacements.data(), MPI_BYTE, mine.data(), count, MPI_BYTE, root, comm),
      "MPI_Scatterv");
  return mine;
}

}  // namespace dnmf
