#pragma once
// Finding the documents of a corpus on disk and reading their bytes.
//
// A directory input is walked recursively; every regular file below it (links to
// regular files included) is one input file. Files are ordered by their path relative to
// the input (byte order), inputs in the order given. A file's id is the input folder's
// name joined with that relative path ("20news-bydate-train/sci.space/61092"), and its
// label is its first-level folder ("sci.space"). A file input is one file, id and label
// its name.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "src/base/comm.hpp"

namespace dnmf::io {

struct InputFile {
  std::string path;   // to open
  std::string id;     // to report and store
  std::string group;  // first-level folder, empty when the file is not inside one
  uint64_t bytes = 0;
  uint32_t input = 0;  // index of the INPUT argument it came from
  // How a file travels between ranks (src/base/comm.hpp's typed protocols).
  void pack(ByteWriter& writer) const;
  static InputFile unpack(ByteReader& reader);
};

struct ListingOptions {
  std::vector<std::string> groups;            // keep only these first-level folders (empty: all)
  std::vector<std::string> exclude_patterns;  // fnmatch patterns on the file name
};

// Walks the inputs, collectively: rank 0 checks them and lists their first-level
// entries, the ranks walk those round-robin, and rank 0 gathers and sorts the result
// (other ranks get an empty list). A missing input, an empty folder or a --groups entry
// that matches no folder ends all ranks with one message naming the path.
std::vector<InputFile> list_input_files(MPI_Comm comm, const std::vector<std::string>& inputs,
                                        const ListingOptions& options);

// Index of the first file of each of `parts` contiguous shares with about equal bytes
// (parts + 1 values, the last = files.size()).
std::vector<size_t> byte_balanced_starts(const std::vector<InputFile>& files, int parts);

// The whole file, which was `expected_size` bytes when listed; UserError
// "<path>: <reason>" when it cannot be read.
std::string read_file_bytes(const std::string& path, uint64_t expected_size);
// The same into `bytes`, reusing its memory.
void read_file_bytes(const std::string& path, uint64_t expected_size, std::string& bytes);
// Bytes [offset, offset + size) (fewer at the end of the file).
std::string read_file_range(const std::string& path, uint64_t offset, uint64_t size);
// Reads into bytes[at..] (resizing it); returns the number of bytes read.
uint64_t read_file_range_into(const std::string& path, uint64_t offset, uint64_t size, std::string& bytes, size_t at);

}  // namespace dnmf::io
