#pragma once
// Files that hold many documents: one per line (--format lines), or records separated by
// lines that hold only a separator such as "%" (--format records, the fortune format).
// Count formats (UCI, Matrix Market) use the line mode too.
//
// Parallel reading: every rank takes a contiguous byte range of the input and owns the
// records whose first byte lies in it, reading past its end to finish its last record.
// So no byte is tokenized twice and the ranks need to agree on nothing but the ranges.
// Line mode: every line is a record (an empty line is an empty record); the final
// newline ends the last line. Record mode: the text between separator lines (newlines
// joining its lines); an empty record after the last separator is not a record.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/compressed_file.hpp"

namespace dnmf::io {

struct RecordFormat {
  bool one_per_line = true;
  std::string separator;  // record mode: a line equal to this (a trailing '\r' ignored)
};

// Calls on_record(text, first_byte) for each record of `path` (of `file_size` bytes)
// whose first byte lies in [begin, end), in file order. Returns the number of records.
int64_t for_each_record_in_range(const std::string& path, uint64_t file_size, uint64_t begin, uint64_t end,
                                 const RecordFormat& format,
                                 const std::function<void(std::string_view text, uint64_t first_byte)>& on_record);

// Sequential lines of a plain or compressed file (compressed_file.hpp), for inputs that
// cannot be split by byte ranges.
class LineStream {
 public:
  explicit LineStream(const std::string& path);
  // The next line without its '\n'; false at the end.
  bool next(std::string& line);
  // Where the line next() returned last starts in the (decompressed) text.
  uint64_t line_start() const { return line_start_; }
  Compression compression() const { return reader_.compression(); }

 private:
  bool fill();
  DecompressedReader reader_;
  std::string buffer_;
  size_t position_ = 0;
  uint64_t buffer_start_ = 0;  // offset in the text of buffer_[0]
  uint64_t line_start_ = 0;
  bool at_end_ = false;
};

// Calls on_record(text, first_byte) for each record of a whole file read as a stream
// (compressed files), with the same records for_each_record_in_range finds in a plain
// file, first_byte counted in the decompressed text. Returns the number of records.
int64_t for_each_record_in_stream(const std::string& path, const RecordFormat& format,
                                  const std::function<void(std::string_view text, uint64_t first_byte)>& on_record);

}  // namespace dnmf::io
