#include "io/h5.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include "io/output_path.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/remove_on_signal.hpp"
#include "src/base/utf8.hpp"

namespace dnmf::h5 {
namespace {

// The one checked idiom for HDF5 calls that only fail when something is wrong inside
// dnmf or the library (property, type and selection setters, space queries): a negative
// status, or an invalid identifier, is a LibraryError naming the call. Calls that fail
// for the user's reasons (a file that cannot be created, read or written) become a
// UserError naming the file where they are made.
void checked(herr_t status, const char* call) {
  if (status < 0) throw LibraryError("HDF5", call);
}

Handle checked_handle(hid_t id, const char* call) {
  if (id < 0) throw LibraryError("HDF5", call);
  return Handle(id);
}

template <class T>
hid_t memory_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, uint8_t>)
    return H5T_NATIVE_UINT8;
  else
    static_assert(sizeof(T) == 0, "no HDF5 type for this C++ type");
}

// File types are little-endian IEEE/two's complement whatever the writing machine.
template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_IEEE_F64LE;
  else if constexpr (std::is_same_v<T, int64_t>)
    return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, int32_t>)
    return H5T_STD_I32LE;
  else if constexpr (std::is_same_v<T, uint8_t>)
    return H5T_STD_U8LE;
}

Handle collective_transfer() {
  Handle transfer = checked_handle(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate");
  checked(H5Pset_dxpl_mpio(transfer.id(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  return transfer;
}

// Objects without creation times: the same run writes the same bytes, so outputs can be
// compared and checksummed as files.
Handle untimed_creation(hid_t list_class) {
  Handle creation = checked_handle(H5Pcreate(list_class), "H5Pcreate");
  checked(H5Pset_obj_track_times(creation.id(), false), "H5Pset_obj_track_times");
  return creation;
}

Handle utf8_string_type(size_t size) {
  Handle type = checked_handle(H5Tcopy(H5T_C_S1), "H5Tcopy");
  checked(H5Tset_size(type.id(), size == 0 ? 1 : size), "H5Tset_size");
  checked(H5Tset_cset(type.id(), H5T_CSET_UTF8), "H5Tset_cset");
  checked(H5Tset_strpad(type.id(), H5T_STR_NULLTERM), "H5Tset_strpad");
  return type;
}

// Selects rows first_row .. first_row + rows of `file_space` (1-D, or 2-D of `width`
// columns) and returns the matching memory space; a rank with no rows selects nothing but
// still takes part in the collective transfer.
Handle select_rows(const Handle& file_space, int dimensions, int64_t first_row, int64_t rows, int64_t width) {
  const hsize_t start[2] = {static_cast<hsize_t>(first_row), 0};
  const hsize_t count[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(width)};
  Handle memory_space = checked_handle(H5Screate_simple(dimensions, count, nullptr), "H5Screate_simple");
  if (rows == 0) {
    checked(H5Sselect_none(file_space.id()), "H5Sselect_none");
    checked(H5Sselect_none(memory_space.id()), "H5Sselect_none");
  } else {
    checked(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr),
            "H5Sselect_hyperslab");
  }
  return memory_space;
}

Handle file_access(MPI_Comm comm) {
  Handle access = checked_handle(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
  checked(H5Pset_fapl_mpio(access.id(), comm, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  // Metadata written collectively keeps small writes from every rank off the file system.
  checked(H5Pset_all_coll_metadata_ops(access.id(), true), "H5Pset_all_coll_metadata_ops");
  checked(H5Pset_coll_metadata_write(access.id(), true), "H5Pset_coll_metadata_write");
  return access;
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    close();
    id_ = other.id_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::close() noexcept {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
  id_ = H5I_INVALID_HID;
}

void quiet_library_errors() { checked(H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), "H5Eset_auto2"); }

void check_output_writable(const std::string& output) {
  struct stat status {};
  if (::stat(output.c_str(), &status) == 0 && S_ISDIR(status.st_mode))
    throw UserError(output + ": is a directory, not a file name");
  const std::string probe = temporary_path_for(output, static_cast<uint64_t>(getpid())) + ".probe";
  const RemoveOnSignal remove_if_killed(probe);
  const int descriptor = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (descriptor < 0) throw UserError(output + ": cannot write the output (" + std::strerror(errno) + ")");
  ::close(descriptor);
  ::unlink(probe.c_str());
}

std::string format_of_file(MPI_Comm comm, const std::string& path) {
  const auto file = File::open(comm, path);
  return file.has_attribute("/", "format") ? file.read_string_attribute("/", "format") : std::string();
}

bool is_hdf5_file(const std::string& path) {
  quiet_library_errors();
  std::error_code error;
  return std::filesystem::is_regular_file(path, error) && H5Fis_hdf5(path.c_str()) > 0;
}

std::string temporary_path_for(const std::string& final_path, uint64_t unique) {
  return final_path + kTemporaryMarker + std::to_string(unique);
}

namespace {
void sync_path(const std::string& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY);
  if (descriptor < 0) return;  // nothing to make durable that we could reach
  ::fsync(descriptor);
  ::close(descriptor);
}

}  // namespace

void write_file_atomically(MPI_Comm comm, const std::string& final_path, const std::function<void(File&)>& fill) {
  const int rank = comm_rank(comm);
  std::string temporary;
  if (rank == 0) temporary = temporary_path_for(final_path, static_cast<uint64_t>(getpid()));
  broadcast_bytes(comm, temporary);
  const RemoveOnSignal remove_if_killed(temporary);
  // Failures are agreed, not printed: the caller decides whether one stops the run.
  try {
    agree_collectively(comm, [&] {
      auto file = File::create(comm, temporary, final_path);
      fill(file);
      file.close();
    });
    agree_collectively(comm, [&] {
      if (rank != 0) return;
      // Closing flushed every rank's part (MPI_File_sync); fsync makes it durable before
      // the name appears, and the directory's fsync makes the new name itself durable, so
      // a crash at any moment leaves either the old file or the complete new one.
      sync_path(temporary);
      if (std::rename(temporary.c_str(), final_path.c_str()) != 0)
        throw UserError(final_path + ": cannot move the finished file into place (" + std::strerror(errno) + ")");
      const auto folder = std::filesystem::path(final_path).parent_path();
      sync_path(folder.empty() ? "." : folder.string());
    });
  } catch (...) {
    if (rank == 0) std::remove(temporary.c_str());
    throw;
  }
}

File File::create(MPI_Comm comm, const std::string& path, const std::string& shown_path) {
  quiet_library_errors();
  const std::string& name = shown_path.empty() ? path : shown_path;
  Handle access = file_access(comm);
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.id()));
  if (!file.valid()) throw UserError(name + ": cannot create the HDF5 file");
  return File(comm, name, path, std::move(file));
}

File File::open(MPI_Comm comm, const std::string& path) {
  quiet_library_errors();
  io::require_regular_file(path, "");  // a FIFO would block H5Fis_hdf5's open
  if (H5Fis_hdf5(path.c_str()) <= 0) throw UserError(path + ": not an HDF5 file (unreadable or corrupt)");
  Handle access = file_access(comm);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.id()));
  if (!file.valid()) throw UserError(path + ": cannot open the HDF5 file");
  return File(comm, path, path, std::move(file));
}

void File::close() {
  if (!handle_.valid()) return;
  agree_on_write(H5Fflush(handle_.id(), H5F_SCOPE_GLOBAL) >= 0, "flushing the file");
  agree_on_write(H5Fclose(handle_.release()) >= 0, "closing the file");
  // Give back the room reserved past the end that the metadata did not use (truncating
  // to its own size drops a file's blocks beyond its end).
  struct stat written {};
  if (reserved_ && comm_rank(comm_) == 0 && ::stat(written_path_.c_str(), &written) == 0 &&
      ::truncate(written_path_.c_str(), written.st_size) != 0)
    print_warning(path_ + ": could not give back the space reserved past its end (" + std::strerror(errno) + ")");
}

void File::reserve_space_for(uint64_t bytes, const std::string& name) {
  // A full disk met inside HDF5's collective writes leaves the ranks in different
  // collective calls (a hang), and so would closing the file afterwards if a dataset's
  // unwritten space lay between its metadata. So before each dataset is even created,
  // rank 0 reserves its bytes past the file's end, with room for the metadata still to
  // be written, where every rank hears of a failure; the end itself does not move.
  // File systems without fallocate skip the reservation.
  constexpr off_t kMetadataRoom = off_t{256} << 10;
  bool reserved = true;
  int error_number = 0;
  if (comm_rank(comm_) == 0 && bytes > 0) {
    const int descriptor = ::open(written_path_.c_str(), O_WRONLY);
    struct stat now {};
    if (descriptor >= 0 && ::fstat(descriptor, &now) == 0) {
      if (::fallocate(descriptor, FALLOC_FL_KEEP_SIZE, now.st_size, static_cast<off_t>(bytes) + kMetadataRoom) == 0) {
        reserved_ = true;
      } else if (errno != EOPNOTSUPP) {
        reserved = false;
        error_number = errno;
        // What a failed reservation took is given back, for the metadata written at close
        // (should that fail too, the error already says what matters).
        if (::ftruncate(descriptor, now.st_size) != 0) error_number = errno;
      }
    }
    if (descriptor >= 0) ::close(descriptor);
  }
  errno = error_number;
  agree_on_write(reserved, "writing dataset '" + name + "'");
}

void File::fail(const std::string& what) const { throw UserError(path_ + ": " + what + " failed"); }

namespace {
// MPI-IO reports a full disk as a bare "input/output error"; the file system tells.
bool out_of_space(const std::string& written_path, int error_number) {
  if (error_number == ENOSPC || error_number == EDQUOT) return true;
  const auto folder = std::filesystem::path(written_path).parent_path();
  struct statvfs space {};
  if (::statvfs(folder.empty() ? "." : folder.c_str(), &space) != 0) return false;
  constexpr uint64_t kNearlyFull = uint64_t{1} << 20;
  return static_cast<uint64_t>(space.f_bavail) * space.f_frsize < kNearlyFull;
}
}  // namespace

void File::agree_on_write(bool ok, const std::string& what) {
  const int error_number = errno;
  // A write is collective: a rank whose part failed (a full disk shows on the ranks that
  // wrote) must not leave the others waiting in the next collective call, so every rank
  // learns of it here and throws the same message.
  agree_collectively(comm_, [&] {
    if (ok) return;
    if (out_of_space(written_path_, error_number)) throw UserError(path_ + ": no space left on the device, " + what);
    fail(what);
  });
}

bool File::exists(const std::string& name) const {
  // H5Lexists needs each parent to exist, so walk the path one component at a time.
  size_t position = 0;
  while (position != std::string::npos) {
    position = name.find('/', position + 1);
    const std::string prefix = name.substr(0, position);
    if (prefix.empty() || prefix == "/") continue;
    if (H5Lexists(id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

void File::create_group(const std::string& name) {
  Handle creation = untimed_creation(H5P_GROUP_CREATE);
  Handle group(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, creation.id(), H5P_DEFAULT));
  agree_on_write(group.valid(), "creating group '" + name + "'");
}

std::vector<int64_t> File::dataset_shape(const std::string& name) const {
  if (!exists(name)) throw UserError(path_ + ": no dataset '" + name + "' (not a dnmf file?)");
  Handle dataset(H5Dopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail("opening dataset '" + name + "'");
  Handle space = checked_handle(H5Dget_space(dataset.id()), "H5Dget_space");
  const int rank = H5Sget_simple_extent_ndims(space.id());
  checked(rank, "H5Sget_simple_extent_ndims");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  checked(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), "H5Sget_simple_extent_dims");
  return std::vector<int64_t>(dims.begin(), dims.end());
}

template <class T>
void File::write_block(const std::string& name, int64_t total_rows, int64_t width, int64_t first_row, int64_t rows,
                       const T* values) {
  const int dimensions = width > 0 ? 2 : 1;
  const hsize_t global_dims[2] = {static_cast<hsize_t>(total_rows), static_cast<hsize_t>(width)};
  reserve_space_for(static_cast<uint64_t>(total_rows) * static_cast<uint64_t>(std::max<int64_t>(width, 1)) * sizeof(T),
                    name);
  Handle file_space = checked_handle(H5Screate_simple(dimensions, global_dims, nullptr), "H5Screate_simple");
  Handle creation = untimed_creation(H5P_DATASET_CREATE);
  // Every element is written right after, so HDF5 need not write fill values first (a
  // write a full disk could fail on one rank only).
  checked(H5Pset_fill_time(creation.id(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  Handle dataset(
      H5Dcreate2(id(), name.c_str(), file_type<T>(), file_space.id(), H5P_DEFAULT, creation.id(), H5P_DEFAULT));
  agree_on_write(dataset.valid(), "creating dataset '" + name + "'");
  Handle memory_space = select_rows(file_space, dimensions, first_row, rows, width);
  Handle transfer = collective_transfer();
  agree_on_write(
      H5Dwrite(dataset.id(), memory_type<T>(), memory_space.id(), file_space.id(), transfer.id(), values) >= 0,
      "writing dataset '" + name + "'");
}

template <class T>
void File::read_block(const std::string& name, int64_t first_row, int64_t rows, int64_t width, T* values) const {
  const auto shape = dataset_shape(name);
  const size_t dimensions = width > 0 ? 2 : 1;
  if (shape.size() != dimensions || (width > 0 && shape[1] != width))
    throw UserError(path_ + ": '" + name + "' has the wrong shape");
  // Every rank must learn of a bad request before the collective read, or the others
  // would wait in it for a rank that has left.
  const bool out_of_range = first_row < 0 || rows < 0 || first_row + rows > shape[0];
  if (lowest_rank_with(comm_, out_of_range) >= 0)
    throw UserError(path_ + ": '" + name + "' is shorter than expected (truncated file?)");
  Handle dataset(H5Dopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail("opening dataset '" + name + "'");
  Handle file_space = checked_handle(H5Dget_space(dataset.id()), "H5Dget_space");
  Handle memory_space = select_rows(file_space, static_cast<int>(dimensions), first_row, rows, width);
  Handle transfer = collective_transfer();
  const bool read =
      H5Dread(dataset.id(), memory_type<T>(), memory_space.id(), file_space.id(), transfer.id(), values) >= 0;
  if (lowest_rank_with(comm_, !read) >= 0) fail("reading dataset '" + name + "'");
}

template <class T>
void File::write_slice(const std::string& name, int64_t global_size, int64_t offset, const std::vector<T>& values) {
  write_block(name, global_size, 0, offset, static_cast<int64_t>(values.size()), values.data());
}

template <class T>
std::vector<T> File::read_slice(const std::string& name, int64_t offset, int64_t count) const {
  std::vector<T> values(static_cast<size_t>(std::max<int64_t>(count, 0)));
  read_block(name, offset, count, 0, values.data());
  return values;
}

template <class T>
void File::write_rows(const std::string& name, int64_t total_rows, int64_t width, int64_t first_row,
                      const std::vector<T>& values) {
  write_block(name, total_rows, width, first_row, static_cast<int64_t>(values.size()) / width, values.data());
}

template <class T>
std::vector<T> File::read_rows(const std::string& name, int64_t first_row, int64_t count, int64_t width) const {
  std::vector<T> values(static_cast<size_t>(std::max<int64_t>(count * width, 0)));
  read_block(name, first_row, count, width, values.data());
  return values;
}

template void File::write_rows<double>(const std::string&, int64_t, int64_t, int64_t, const std::vector<double>&);
template std::vector<double> File::read_rows<double>(const std::string&, int64_t, int64_t, int64_t) const;
template void File::write_slice<double>(const std::string&, int64_t, int64_t, const std::vector<double>&);
template void File::write_slice<int64_t>(const std::string&, int64_t, int64_t, const std::vector<int64_t>&);
template void File::write_slice<int32_t>(const std::string&, int64_t, int64_t, const std::vector<int32_t>&);
template void File::write_slice<uint8_t>(const std::string&, int64_t, int64_t, const std::vector<uint8_t>&);
template std::vector<double> File::read_slice<double>(const std::string&, int64_t, int64_t) const;
template std::vector<int64_t> File::read_slice<int64_t>(const std::string&, int64_t, int64_t) const;
template std::vector<int32_t> File::read_slice<int32_t>(const std::string&, int64_t, int64_t) const;
template std::vector<uint8_t> File::read_slice<uint8_t>(const std::string&, int64_t, int64_t) const;

namespace {

Handle open_object(hid_t file, const std::string& object_path) {
  return Handle(H5Oopen(file, object_path.c_str(), H5P_DEFAULT));
}

}  // namespace

void File::write_attribute(const std::string& object_path, const std::string& name, const std::string& text) {
  // The type says UTF-8; names from the file system may not be (src/base/utf8.hpp).
  const std::string value = dnmf::escape_invalid_utf8(text);
  Handle object = open_object(id(), object_path);
  Handle type = utf8_string_type(value.size());
  Handle space = checked_handle(H5Screate(H5S_SCALAR), "H5Screate");
  Handle attribute(H5Acreate2(object.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT));
  std::string padded = value;
  padded.resize(value.empty() ? 1 : value.size(), '\0');
  agree_on_write(attribute.valid() && H5Awrite(attribute.id(), type.id(), padded.data()) >= 0,
                 "writing attribute '" + name + "' of '" + object_path + "'");
}

void File::write_attribute(const std::string& object_path, const std::string& name, const std::vector<int64_t>& value) {
  Handle object = open_object(id(), object_path);
  const hsize_t dims[1] = {value.size()};
  Handle space = checked_handle(H5Screate_simple(1, dims, nullptr), "H5Screate_simple");
  Handle attribute(H5Acreate2(object.id(), name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT));
  agree_on_write(attribute.valid() && H5Awrite(attribute.id(), H5T_NATIVE_INT64, value.data()) >= 0,
                 "writing attribute '" + name + "' of '" + object_path + "'");
}

void File::write_attribute(const std::string& object_path, const std::string& name, int64_t value) {
  Handle object = open_object(id(), object_path);
  Handle space = checked_handle(H5Screate(H5S_SCALAR), "H5Screate");
  Handle attribute(H5Acreate2(object.id(), name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT));
  agree_on_write(attribute.valid() && H5Awrite(attribute.id(), H5T_NATIVE_INT64, &value) >= 0,
                 "writing attribute '" + name + "' of '" + object_path + "'");
}

void File::write_attribute(const std::string& object_path, const std::string& name, double value) {
  Handle object = open_object(id(), object_path);
  Handle space = checked_handle(H5Screate(H5S_SCALAR), "H5Screate");
  Handle attribute(H5Acreate2(object.id(), name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT));
  agree_on_write(attribute.valid() && H5Awrite(attribute.id(), H5T_NATIVE_DOUBLE, &value) >= 0,
                 "writing attribute '" + name + "' of '" + object_path + "'");
}

namespace {

herr_t add_attribute_name(hid_t, const char* name, const H5A_info_t*, void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  return 0;
}

}  // namespace

void File::copy_attributes(const File& source, const std::string& from_object, const std::string& to_object,
                           const std::vector<std::string>& except) {
  std::vector<std::string> names;
  {
    Handle object = open_object(source.id(), from_object);
    hsize_t next = 0;
    if (!object.valid() || H5Aiterate2(object.id(), H5_INDEX_NAME, H5_ITER_INC, &next, add_attribute_name, &names) < 0)
      source.fail("listing the attributes of '" + from_object + "'");
  }
  for (const auto& name : names) {
    if (std::find(except.begin(), except.end(), name) != except.end()) continue;
    H5T_class_t kind = H5T_NO_CLASS;
    {
      Handle attribute(H5Aopen_by_name(source.id(), from_object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
      Handle type = checked_handle(H5Aget_type(attribute.id()), "H5Aget_type");
      kind = H5Tget_class(type.id());
    }
    if (kind == H5T_STRING) {
      write_attribute(to_object, name, source.read_string_attribute(from_object, name));
    } else if (kind == H5T_INTEGER) {
      const auto values = source.read_int_attribute(from_object, name);
      if (values.size() == 1)
        write_attribute(to_object, name, values[0]);
      else
        write_attribute(to_object, name, values);
    } else if (kind == H5T_FLOAT) {
      write_attribute(to_object, name, source.read_real_attribute(from_object, name));
    }
  }
}

bool File::has_attribute(const std::string& object_path, const std::string& name) const {
  return H5Aexists_by_name(id(), object_path.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string File::read_string_attribute(const std::string& object_path, const std::string& name) const {
  if (!has_attribute(object_path, name))
    throw UserError(path_ + ": attribute '" + name + "' of '" + object_path + "' is missing (not a dnmf file?)");
  Handle attribute(H5Aopen_by_name(id(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  Handle stored_type = checked_handle(H5Aget_type(attribute.id()), "H5Aget_type");
  if (H5Tget_class(stored_type.id()) != H5T_STRING)
    throw UserError(path_ + ": attribute '" + name + "' is not a string");
  if (H5Tis_variable_str(stored_type.id()) > 0) {
    // Written by h5py or other tools: a variable-length string.
    Handle type = checked_handle(H5Tcopy(H5T_C_S1), "H5Tcopy");
    checked(H5Tset_size(type.id(), H5T_VARIABLE), "H5Tset_size");
    // HDF5 converts no character set into another; h5py's strings are UTF-8.
    checked(H5Tset_cset(type.id(), H5Tget_cset(stored_type.id())), "H5Tset_cset");
    char* text = nullptr;
    if (H5Aread(attribute.id(), type.id(), &text) < 0) fail("reading attribute '" + name + "'");
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const size_t size = H5Tget_size(stored_type.id());
  std::string value(size, '\0');
  if (H5Aread(attribute.id(), stored_type.id(), value.data()) < 0) fail("reading attribute '" + name + "'");
  value.resize(std::strlen(value.c_str()));
  return value;
}

std::vector<int64_t> File::read_int_attribute(const std::string& object_path, const std::string& name) const {
  if (!has_attribute(object_path, name))
    throw UserError(path_ + ": attribute '" + name + "' of '" + object_path + "' is missing (not a dnmf file?)");
  Handle attribute(H5Aopen_by_name(id(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  Handle space = checked_handle(H5Aget_space(attribute.id()), "H5Aget_space");
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  std::vector<int64_t> value(static_cast<size_t>(count < 0 ? 0 : count));
  if (H5Aread(attribute.id(), H5T_NATIVE_INT64, value.data()) < 0)
    throw UserError(path_ + ": attribute '" + name + "' is not an integer");
  return value;
}

double File::read_real_attribute(const std::string& object_path, const std::string& name) const {
  if (!has_attribute(object_path, name))
    throw UserError(path_ + ": attribute '" + name + "' of '" + object_path + "' is missing (not a dnmf file?)");
  Handle attribute(H5Aopen_by_name(id(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  Handle space = checked_handle(H5Aget_space(attribute.id()), "H5Aget_space");
  double value = 0;
  if (H5Sget_simple_extent_npoints(space.id()) != 1 || H5Aread(attribute.id(), H5T_NATIVE_DOUBLE, &value) < 0)
    throw UserError(path_ + ": attribute '" + name + "' is not a number");
  return value;
}

void File::write_strings(const std::string& name, int64_t first_index, const std::vector<std::string>& texts) {
  // The table is UTF-8 by its name; names from the file system may not be (src/base/utf8.hpp).
  std::vector<std::string> escaped;
  const bool all_valid =
      std::all_of(texts.begin(), texts.end(), [](const std::string& t) { return dnmf::is_valid_utf8(t); });
  if (!all_valid)
    for (const auto& text : texts) escaped.push_back(dnmf::escape_invalid_utf8(text));
  const std::vector<std::string>& strings = all_valid ? texts : escaped;
  std::vector<uint8_t> bytes;
  int64_t local_bytes = 0;
  for (const auto& text : strings) local_bytes += static_cast<int64_t>(text.size());
  bytes.reserve(static_cast<size_t>(local_bytes));
  for (const auto& text : strings) bytes.insert(bytes.end(), text.begin(), text.end());
  const int64_t byte_offset = sum_over_lower_ranks(comm_, local_bytes);
  const int64_t total_bytes = sum_over_ranks(comm_, local_bytes);
  const int64_t total_strings = sum_over_ranks(comm_, static_cast<int64_t>(strings.size()));

  // Each rank writes the end offsets of its strings; rank 0 also the leading zero.
  const bool writes_leading_zero = comm_rank(comm_) == 0;
  std::vector<int64_t> offsets;
  if (writes_leading_zero) offsets.push_back(0);
  int64_t end = byte_offset;
  for (const auto& text : strings) offsets.push_back(end += static_cast<int64_t>(text.size()));
  create_group(name);
  write_slice<uint8_t>(name + "/utf8", total_bytes, byte_offset, bytes);
  write_slice<int64_t>(name + "/offsets", total_strings + 1, writes_leading_zero ? 0 : first_index + 1, offsets);
}

int64_t File::string_count(const std::string& name) const {
  const auto shape = dataset_shape(name + "/offsets");
  if (shape.size() != 1 || shape[0] < 1) throw UserError(path_ + ": '" + name + "/offsets' is malformed");
  return shape[0] - 1;
}

void File::require_entries(const std::string& name, int64_t expected, const std::string& what) const {
  int64_t count = -1;
  if (exists(name + "/offsets")) {
    count = string_count(name);
  } else {
    const auto shape = dataset_shape(name);
    if (shape.size() == 1) count = shape[0];
  }
  if (count != expected)
    throw UserError(path_ + ": " + name + " holds " + std::to_string(count) + " entries but there are " +
                    std::to_string(expected) + " " + what + " (the file is inconsistent)");
}

std::vector<std::string> File::read_strings(const std::string& name, int64_t first_index, int64_t count) const {
  const auto offsets = read_slice<int64_t>(name + "/offsets", first_index, count + 1);
  bool decreasing = false;
  for (size_t i = 1; i < offsets.size(); ++i) decreasing = decreasing || offsets[i] < offsets[i - 1];
  // Agreed before the collective read of the bytes, which a rank leaving here would hang.
  if (lowest_rank_with(comm_, decreasing) >= 0) throw UserError(path_ + ": '" + name + "/offsets' is not increasing");
  const int64_t begin = offsets.front(), end = offsets.back();
  const auto bytes = read_slice<uint8_t>(name + "/utf8", begin, end - begin);
  std::vector<std::string> strings;
  strings.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    strings.emplace_back(reinterpret_cast<const char*>(bytes.data()) + (offsets[i] - begin),
                         static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
  return strings;
}

}  // namespace dnmf::h5
