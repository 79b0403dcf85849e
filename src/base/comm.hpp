#pragma once
// Every MPI call dnmf makes lives behind this header, so the communication volume of a
// phase can be read off the calls it makes here. Buffers travel as bytes of trivially
// copyable types; counts are checked against MPI's int limit rather than overflowing.
#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace dnmf {

// Call before MPI starts. Open MPI 4.1's own MPI-IO component (ompio) has returned
// another dataset's bytes to some ranks in small collective reads whose selections
// overlap (seen with 3 ranks reading a 2-row matrix); ROMIO reads them right. Unless the
// user chose an io component (OMPI_MCA_io), dnmf asks Open MPI to leave ompio out.
void prefer_reliable_mpi_io();

// Makes MPI calls on `comm` return their errors, so that each becomes a LibraryError
// naming the call (MPI's default is to abort the job without a word from dnmf).
void return_errors_on(MPI_Comm comm);
// The last resort when ranks can no longer agree (an MPI failure, an exception no phase
// caught): ends every rank of `comm` with `status`.
[[noreturn]] void abort_all_ranks(MPI_Comm comm, int status);

int comm_rank(MPI_Comm comm);
int comm_size(MPI_Comm comm);

// The ranks of `parent` with the same `color`, ordered by `key`, as a communicator of
// their own (MPI_Comm_split, collective over `parent`), freed with this object; its
// errors are returned, as return_errors_on makes them.
class SplitComm {
 public:
  SplitComm(MPI_Comm parent, int color, int key);
  ~SplitComm();
  SplitComm(const SplitComm&) = delete;
  SplitComm& operator=(const SplitComm&) = delete;
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};
// How many ranks of `comm` share this rank's node (and its memory).
int ranks_on_this_node(MPI_Comm comm);
void barrier(MPI_Comm comm);

// Lowest rank whose flag is true, or -1 when no rank's is.
int lowest_rank_with(MPI_Comm comm, bool flag);

int64_t sum_over_ranks(MPI_Comm comm, int64_t value);
// Σ of every rank's `values`, added one at a time in rank order as one rank holding them
// all would add them: bitwise the same on any number of ranks (a chain of messages from
// rank to rank, then a broadcast; for sums taken once, not every iteration).
double sum_in_rank_order(MPI_Comm comm, const std::vector<double>& values);
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
// The sums and shares above restricted to the columns each rank uses (PETSc's ghost
// columns): rank r sends an owner only the columns of its block that r's own entries
// touch, and gets back only those. Built once (collective) from this rank's used
// columns, sorted, and the owners' split. Sums are added by the owner in rank order
// starting from zero, so a column gets bitwise the sum the dense reduce-scatter gives
// (a rank that does not use a column would add an exact zero).
class UsedColumnExchange {
 public:
  UsedColumnExchange(MPI_Comm comm, const std::vector<int64_t>& used_columns, const std::vector<int64_t>& column_split);
  // The owner's block of `values` (columns x width) becomes the sum over ranks of their
  // used columns; other rows are left as they were.
  void sum_to_owners(std::vector<double>& values, int64_t width) const;
  // Every rank's used columns of `values` get their owners' rows.
  void share_from_owners(std::vector<double>& values, int64_t width) const;
  // Rows (of width numbers) this rank sends to other ranks in each call.
  int64_t rows_sent_by_sum() const { return rows_sent_by_sum_; }
  int64_t rows_sent_by_share() const { return rows_sent_by_share_; }

 private:
  // Packs `rows` of `values` into outgoing and exchanges them (counts in rows per rank);
  // incoming receives the other ranks' rows, grouped by rank.
  void send_rows(const std::vector<double>& values, int64_t width, const std::vector<int64_t>& rows,
                 const std::vector<int>& send_counts, const std::vector<int>& receive_counts,
                 std::vector<double>& outgoing, std::vector<double>& incoming) const;

  MPI_Comm comm_;
  int rank_ = 0;
  int64_t first_owned_ = 0, owned_count_ = 0;
  std::vector<int> send_counts_, receive_counts_;  // columns per rank
  std::vector<int64_t> send_columns_;              // my used columns, grouped by owner
  std::vector<int64_t> receive_columns_;           // my columns each rank uses, grouped by rank
  int64_t rows_sent_by_sum_ = 0, rows_sent_by_share_ = 0;
  // Message buffers kept between calls: fresh ones of this size every iteration cost more
  // in first-touch page faults than the copies themselves.
  mutable std::vector<double> outgoing_, incoming_;
};

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

// Byte packing for the exchanges above; call sites use the typed protocols below.
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

// How an item travels in the typed protocols below: a trivially copyable type as its
// bytes, a string with its length, a vector or pair item by item, and any other type
// through its own `void pack(ByteWriter&) const` and `static T unpack(ByteReader&)`.
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

template <class T>
void put_item(ByteWriter& writer, const T& item) {
  if constexpr (std::is_same_v<T, std::string>) {
    writer.put_string(item);
  } else if constexpr (is_vector<T>::value) {
    writer.put<uint64_t>(item.size());
    for (const auto& element : item) put_item(writer, element);
  } else if constexpr (is_pair<T>::value) {
    put_item(writer, item.first);
    put_item(writer, item.second);
  } else if constexpr (std::is_trivially_copyable_v<T>) {
    writer.put(item);
  } else {
    item.pack(writer);
  }
}

template <class T>
T get_item(ByteReader& reader) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(reader.get_string());
  } else if constexpr (is_vector<T>::value) {
    T items(static_cast<size_t>(reader.get<uint64_t>()));
    for (auto& element : items) element = get_item<typename T::value_type>(reader);
    return items;
  } else if constexpr (is_pair<T>::value) {
    auto first = get_item<typename T::first_type>(reader);
    return T(std::move(first), get_item<typename T::second_type>(reader));
  } else if constexpr (std::is_trivially_copyable_v<T>) {
    return reader.get<T>();
  } else {
    return T::unpack(reader);
  }
}

template <class T>
std::string pack_items(const std::vector<T>& items) {
  ByteWriter writer;
  for (const auto& item : items) put_item(writer, item);
  return std::move(writer.bytes());
}

template <class T>
std::vector<T> unpack_items(const std::string& bytes) {
  std::vector<T> items;
  ByteReader reader(bytes);
  while (!reader.done()) items.push_back(get_item<T>(reader));
  return items;
}

// Send each item to its owner rank: items_by_owner[r] goes to rank r. Returns what each
// rank sent this one, indexed by source rank, in the order it was sent (one all-to-all).
template <class T>
std::vector<std::vector<T>> send_to_owners(MPI_Comm comm, const std::vector<std::vector<T>>& items_by_owner) {
  std::vector<std::string> blocks;
  blocks.reserve(items_by_owner.size());
  for (const auto& items : items_by_owner) blocks.push_back(pack_items(items));
  std::vector<std::vector<T>> received;
  for (const auto& block : exchange_bytes(comm, blocks)) received.push_back(unpack_items<T>(block));
  return received;
}

// Every rank's items, indexed by rank, on every rank (one allgather).
template <class T>
std::vector<std::vector<T>> gather_items_to_all(MPI_Comm comm, const std::vector<T>& items) {
  std::vector<std::vector<T>> gathered;
  for (const auto& block : gather_bytes_to_all(comm, pack_items(items))) gathered.push_back(unpack_items<T>(block));
  return gathered;
}

// Every rank's items, indexed by rank, on `root` (empty elsewhere).
template <class T>
std::vector<std::vector<T>> gather_items(MPI_Comm comm, const std::vector<T>& items, int root = 0) {
  std::vector<std::vector<T>> gathered;
  for (const auto& block : gather_bytes(comm, pack_items(items), root)) gathered.push_back(unpack_items<T>(block));
  return gathered;
}

// root's items_for_rank[r] arrive on rank r.
template <class T>
std::vector<T> scatter_items(MPI_Comm comm, const std::vector<std::vector<T>>& items_for_rank, int root = 0) {
  std::vector<std::string> blocks;
  blocks.reserve(items_for_rank.size());
  for (const auto& items : items_for_rank) blocks.push_back(pack_items(items));
  return unpack_items<T>(scatter_bytes(comm, blocks, root));
}

// root's `value` on every rank.
template <class T>
T broadcast_item(MPI_Comm comm, const T& value, int root = 0) {
  ByteWriter writer;
  if (comm_rank(comm) == root) put_item(writer, value);
  broadcast_bytes(comm, writer.bytes(), root);
  ByteReader reader(writer.bytes());
  return get_item<T>(reader);
}

}  // namespace dnmf
