#pragma once
// A thin RAII layer over parallel HDF5: every handle closes itself, every failed call
// becomes an exception naming the file and the object, and C++ types map to HDF5 types
// here only. All dataset writes and reads are collective (MPI-IO): every rank of the
// file's communicator calls them, each with its own slice (possibly empty).
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dnmf::h5 {

// Owns one HDF5 identifier of any kind and closes it with the matching H5*close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  ~Handle() { close(); }
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void close() noexcept;
  // Gives up ownership without closing.
  hid_t release() noexcept {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

class File {
 public:
  // Collective create (truncating) / open-read-only over `comm` with the MPI-IO driver.
  // Messages name `shown_path` when given (the final name of a file written under a
  // temporary one).
  static File create(MPI_Comm comm, const std::string& path, const std::string& shown_path = "");
  static File open(MPI_Comm comm, const std::string& path);

  const std::string& path() const { return path_; }
  hid_t id() const { return handle_.id(); }
  MPI_Comm comm() const { return comm_; }
  // Flushes and closes; errors here mean the file is incomplete.
  void close();

  bool exists(const std::string& name) const;
  void create_group(const std::string& name);
  std::vector<int64_t> dataset_shape(const std::string& name) const;

  // Creates dataset `name` of `global_size` elements (collective) and writes this rank's
  // `values` at element `offset`.
  template <class T>
  void write_slice(const std::string& name, int64_t global_size, int64_t offset, const std::vector<T>& values);
  template <class T>
  std::vector<T> read_slice(const std::string& name, int64_t offset, int64_t count) const;

  // The same for a 2-D dataset (total_rows x width, row-major): this rank's rows
  // first_row .. first_row + values.size() / width.
  template <class T>
  void write_rows(const std::string& name, int64_t total_rows, int64_t width, int64_t first_row,
                  const std::vector<T>& values);
  template <class T>
  std::vector<T> read_rows(const std::string& name, int64_t first_row, int64_t count, int64_t width) const;

  // Attributes on the object at `object_path` ("/" for the file). Collective: every rank
  // passes the same value.
  void write_attribute(const std::string& object_path, const std::string& name, const std::string& value);
  void write_attribute(const std::string& object_path, const std::string& name, int64_t value);
  void write_attribute(const std::string& object_path, const std::string& name, double value);
  void write_attribute(const std::string& object_path, const std::string& name, const std::vector<int64_t>& value);
  bool has_attribute(const std::string& object_path, const std::string& name) const;
  std::string read_string_attribute(const std::string& object_path, const std::string& name) const;
  std::vector<int64_t> read_int_attribute(const std::string& object_path, const std::string& name) const;
  double read_real_attribute(const std::string& object_path, const std::string& name) const;
  // Every attribute of `from_object` in `source` (strings, integers, reals) written onto
  // `to_object` of this file under its own name, but those listed in `except`.
  // Collective; the other kinds of attribute dnmf never writes are left out.
  void copy_attributes(const File& source, const std::string& from_object, const std::string& to_object,
                       const std::vector<std::string>& except);

  // Strings as one "CSR of bytes": `name`/utf8 (uint8, the strings concatenated) and
  // `name`/offsets (int64, count + 1): string i is utf8[offsets[i] : offsets[i+1]].
  // Variable-length HDF5 strings cannot be written in parallel, this layout can, and it
  // costs no padding. This rank's `strings` are strings first_index.. of the table; bytes
  // that are not UTF-8 are stored as "\xNN" (src/base/utf8.hpp).
  void write_strings(const std::string& name, int64_t first_index, const std::vector<std::string>& strings);
  std::vector<std::string> read_strings(const std::string& name, int64_t first_index, int64_t count) const;
  int64_t string_count(const std::string& name) const;
  // UserError naming the file unless `name`, a 1-D dataset or a string table, has
  // `expected` entries, the number of `what` ("rows of the matrix", "columns of /H").
  void require_entries(const std::string& name, int64_t expected, const std::string& what) const;

 private:
  File(MPI_Comm comm, std::string shown_path, std::string written_path, Handle handle)
      : comm_(comm), path_(std::move(shown_path)), written_path_(std::move(written_path)), handle_(std::move(handle)) {}
  [[noreturn]] void fail(const std::string& what) const;
  // Throws the same UserError on every rank when the write failed on any ("no space left
  // on the device" when the file system is full).
  void agree_on_write(bool ok, const std::string& what);
  void reserve_space_for(uint64_t bytes, const std::string& name);
  // A 1-D (width 0) or 2-D (rows x width) block of a dataset, collectively.
  template <class T>
  void write_block(const std::string& name, int64_t total_rows, int64_t width, int64_t first_row, int64_t rows,
                   const T* values);
  template <class T>
  void read_block(const std::string& name, int64_t first_row, int64_t rows, int64_t width, T* values) const;

  MPI_Comm comm_ = MPI_COMM_NULL;
  std::string path_;  // for messages
  std::string written_path_;
  Handle handle_;
  bool reserved_ = false;  // space reserved past the data, to trim at close
};

// Collective: the "format" attribute of the dnmf file at `path` ("dnmf-tfidf",
// "dnmf-model", "dnmf-snapshot"), or "" when it has none.
std::string format_of_file(MPI_Comm comm, const std::string& path);

// Whether `path` is a regular file in HDF5's format (rank-local; false for folders, FIFOs
// and files that are not there).
bool is_hdf5_file(const std::string& path);

// Silences HDF5's own error-stack printing: dnmf reports errors itself, once.
void quiet_library_errors();

// Fails early, before any work, when `path` cannot be written (UserError naming it).
void check_output_writable(const std::string& path);

// Temporary name used while writing `final_path` (same directory, so rename is atomic):
// final_path + kTemporaryMarker + a number.
constexpr const char* kTemporaryMarker = ".partial-";
std::string temporary_path_for(const std::string& final_path, uint64_t unique);

// Creates the file under a temporary name, lets `fill` write it (collectively), closes
// it and renames it over `final_path`. On any error on any rank the temporary file is
// removed and every rank throws the same UserError (the lowest failing rank's), unprinted:
// `final_path` is either the old file or the complete new one, never half written. Call
// it inside run_collectively, or attempt_collectively to go on after a failure.
void write_file_atomically(MPI_Comm comm, const std::string& final_path, const std::function<void(File&)>& fill);

}  // namespace dnmf::h5
