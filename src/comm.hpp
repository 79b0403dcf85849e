#pragma once
// Every MPI call dnmf makes lives behind this header, so the communication volume of a
// phase can be read off the calls it makes here. Buffers travel as bytes of trivially
// copyable types; counts are checked against MPI's int limit rather than overflowing.
#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace dnmf {

// Call before MPI starts. Open MPI 4.1's own MPI-IO component (ompio) has returned
// another dataset's bytes to some ranks in small collective reads whose selections
// overlap (seen with 3 ranks reading a 2-row matrix); ROMIO reads them right. Unless the
// user chose an io component (OMPI_MCA_io), dnmf asks Open MPI to leave ompio out.
void prefer_reliable_mpi_io();

int comm_rank(MPI_Comm comm);
int comm_size(MPI_Comm comm);
void barrier(MPI_Comm comm);

// Lowest rank whose flag is true, or -1 when no rank's is.
int lowest_rank_with(MPI_Comm comm, bool flag);

int64_t sum_over_ranks(MPI_Comm comm, int64_t value);
double sum_over_ranks(MPI_Comm comm, double value);
// Overloads only: an int or float argument must not silently pick one of them.
void sum_over_ranks(MPI_Comm comm, int value) = delete;
void sum_over_ranks(MPI_Comm comm, float value) = delete;
int64_t max_over_ranks(MPI_Comm comm, int64_t value);
double max_over_ranks(MPI_Comm comm, double value);
void sum_over_ranks_in_place(MPI_Comm comm, std::vector<int64_t>& values);
// Sums of doubles come out bit-identical on every rank (reduce, then broadcast).
void sum_over_ranks_in_place(MPI_Comm comm, std::vector<double>& values);
void max_over_ranks_in_place(MPI_Comm comm, std::vector<int64_t>& values);
void max_over_ranks_in_place(MPI_Comm comm, std::vector<double>& values);
// Block-wise sums and shares of a vector every rank holds whole; rank r's block is
// values[block_start[r] .. block_start[r + 1]).
// Sums `values` over ranks into each rank's own block only (reduce-scatter): half the
// traffic of an allreduce when the next step needs only that block. Every sum is formed
// once, so no two ranks can hold different roundings of it. The other blocks are left
// as they were.
void sum_over_ranks_to_owners(MPI_Comm comm, std::vector<double>& values, const std::vector<int64_t>& block_start);
// Every rank's own block, from that rank, on every rank (allgather).
void share_blocks(MPI_Comm comm, std::vector<double>& values, const std::vector<int64_t>& block_start);
// Element-wise sum over the ranks below this one (zeros on rank 0).
std::vector<int64_t> sum_over_lower_ranks(MPI_Comm comm, const std::vector<int64_t>& values);
// Sum of `value` over the ranks below this one (0 on rank 0).
int64_t sum_over_lower_ranks(MPI_Comm comm, int64_t value);
std::vector<int64_t> gather_to_all(MPI_Comm comm, int64_t value);
std::vector<double> gather_to_all(MPI_Comm comm, double value);

void broadcast_bytes(MPI_Comm comm, std::string& bytes, int root = 0);

// Personalised exchange: send_blocks[r] goes to rank r; returns the blocks received,
// indexed by source rank.
std::vector<std::string> exchange_bytes(MPI_Comm comm, const std::vector<std::string>& send_blocks);
// Every rank's block, indexed by rank, on every rank.
std::vector<std::string> gather_bytes_to_all(MPI_Comm comm, const std::string& block);
// Every rank's block on `root` (empty elsewhere).
std::vector<std::string> gather_bytes(MPI_Comm comm, const std::string& block, int root = 0);
// root's blocks[r] arrives on rank r.
std::string scatter_bytes(MPI_Comm comm, const std::vector<std::string>& blocks, int root = 0);

// Plain-old-data packing helpers for the byte exchanges above.
class ByteWriter {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_string(std::string_view text) {
    put<uint64_t>(text.size());
    bytes_.append(text.data(), text.size());
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  bool done() const { return position_ >= bytes_.size(); }
  template <class T>
  T get() {
    T value;
    std::memcpy(&value, bytes_.data() + position_, sizeof(T));
    position_ += sizeof(T);
    return value;
  }
  std::string_view get_string() {
    const auto size = get<uint64_t>();
    std::string_view text(bytes_.data() + position_, size);
    position_ += size;
    return text;
  }

 private:
  const std::string& bytes_;
  size_t position_ = 0;
};

}  // namespace dnmf
