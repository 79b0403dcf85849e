#include "io/record_split.hpp"

#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

#include "io/corpus_files.hpp"
#include "src/base/errors.hpp"

namespace dnmf::io {
namespace {

constexpr uint64_t kChunkBytes = 8u << 20;

// Lines of a byte range of a file, read in chunks so memory stays bounded.
class LineCursor {
 public:
  LineCursor(const std::string& path, uint64_t file_size, uint64_t start)
      : path_(path), file_size_(file_size), next_read_(start), line_start_(start) {}

  // Next line (without '\n') and the offset of its first byte; false at end of file.
  bool next(std::string_view& line, uint64_t& first_byte) {
    while (true) {
      const size_t newline = buffer_.find('\n', scan_from_);
      if (newline != std::string::npos) {
        line = std::string_view(buffer_).substr(consumed_, newline - consumed_);
        first_byte = line_start_;
        line_start_ += newline + 1 - consumed_;
        consumed_ = scan_from_ = newline + 1;
        return true;
      }
      if (next_read_ >= file_size_) {
        if (consumed_ >= buffer_.size()) return false;
        line = std::string_view(buffer_).substr(consumed_);
        first_byte = line_start_;
        line_start_ += buffer_.size() - consumed_;
        consumed_ = scan_from_ = buffer_.size();
        return true;
      }
      buffer_.erase(0, consumed_);
      consumed_ = 0;
      scan_from_ = buffer_.size();
      const std::string chunk = read_file_range(path_, next_read_, kChunkBytes);
      if (chunk.empty()) throw UserError(path_ + ": file shrank while being read");
      next_read_ += chunk.size();
      buffer_ += chunk;
    }
  }

 private:
  const std::string& path_;
  uint64_t file_size_;
  uint64_t next_read_;
  uint64_t line_start_;
  std::string buffer_;
  size_t consumed_ = 0;
  size_t scan_from_ = 0;
};

bool is_separator(std::string_view line, const std::string& separator) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line == separator;
}

// First line start at or after `position`.
uint64_t first_line_start(const std::string& path, uint64_t file_size, uint64_t position) {
  if (position == 0) return 0;
  uint64_t offset = position - 1;
  while (offset < file_size) {
    const std::string chunk = read_file_range(path, offset, 1u << 16);
    if (chunk.empty()) break;
    const void* newline = std::memchr(chunk.data(), '\n', chunk.size());
    if (newline != nullptr) return offset + (static_cast<const char*>(newline) - chunk.data()) + 1;
    offset += chunk.size();
  }
  return file_size;
}

// Whether the line ending just before `line_start` (> 0) is a separator line.
bool follows_separator(const std::string& path, uint64_t line_start, const std::string& separator) {
  const uint64_t window = separator.size() + 3;
  const uint64_t from = line_start > window ? line_start - window : 0;
  const std::string before = read_file_range(path, from, line_start - from);
  std::string_view view(before);
  if (view.empty() || view.back() != '\n') return false;
  view.remove_suffix(1);
  if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
  if (view.size() < separator.size() || view.substr(view.size() - separator.size()) != separator) return false;
  view.remove_suffix(separator.size());
  if (view.empty()) return from == 0;
  return view.back() == '\n';
}

}  // namespace

int64_t for_each_record_in_range(const std::string& path, uint64_t file_size, uint64_t begin, uint64_t end,
                                 const RecordFormat& format,
                                 const std::function<void(std::string_view text, uint64_t first_byte)>& on_record) {
  if (begin >= end || begin >= file_size) return 0;
  const uint64_t start = first_line_start(path, file_size, begin);
  if (start >= end || start >= file_size) return 0;
  LineCursor cursor(path, file_size, start);
  std::string_view line;
  uint64_t line_start = 0;
  int64_t records = 0;

  if (format.one_per_line) {
    while (cursor.next(line, line_start) && line_start < end) {
      on_record(line, line_start);
      ++records;
    }
    return records;
  }

  bool in_record = start == 0 || follows_separator(path, start, format.separator);
  uint64_t record_start = start;
  std::string record;
  bool record_has_lines = false;
  while (cursor.next(line, line_start)) {
    if (is_separator(line, format.separator)) {
      if (in_record) {
        on_record(record, record_start);
        ++records;
      }
      record.clear();
      record_has_lines = false;
      const uint64_t next_start = line_start + line.size() + 1;
      in_record = next_start < end && next_start < file_size;
      record_start = next_start;
      if (!in_record && next_start >= end) return records;
      continue;
    }
    if (!in_record) continue;
    if (record_has_lines) record.push_back('\n');
    record.append(line);
    record_has_lines = true;
  }
  if (in_record && record_start < file_size) {
    on_record(record, record_start);
    ++records;
  }
  return records;
}

int64_t for_each_record_in_stream(const std::string& path, const RecordFormat& format,
                                  const std::function<void(std::string_view text, uint64_t first_byte)>& on_record) {
  LineStream stream(path);
  std::string line;
  int64_t records = 0;
  if (format.one_per_line) {
    while (stream.next(line)) {
      on_record(line, stream.line_start());
      ++records;
    }
    return records;
  }
  // As in for_each_record_in_range: a record is the lines between separators; after the
  // last separator there is a record only if a line follows it.
  std::string record;
  bool in_record = false, record_has_lines = false;
  uint64_t record_start = 0;
  while (stream.next(line)) {
    if (is_separator(line, format.separator)) {
      on_record(record, record_start);
      ++records;
      record.clear();
      in_record = record_has_lines = false;
      record_start = stream.line_start() + line.size() + 1;
      continue;
    }
    if (!in_record) record_start = stream.line_start();
    in_record = true;
    if (record_has_lines) record.push_back('\n');
    record.append(line);
    record_has_lines = true;
  }
  if (in_record) {
    on_record(record, record_start);
    ++records;
  }
  return records;
}

LineStream::LineStream(const std::string& path) : reader_(path) {}

bool LineStream::fill() {
  if (at_end_) return false;
  buffer_.erase(0, position_);
  buffer_start_ += position_;
  position_ = 0;
  const size_t old_size = buffer_.size();
  constexpr size_t kBlock = 1u << 20;
  buffer_.resize(old_size + kBlock);
  const size_t got = reader_.read(buffer_.data() + old_size, kBlock);
  buffer_.resize(old_size + got);
  if (got == 0) at_end_ = true;
  return got > 0;
}

bool LineStream::next(std::string& line) {
  while (true) {
    const size_t newline = buffer_.find('\n', position_);
    if (newline != std::string::npos) {
      line.assign(buffer_, position_, newline - position_);
      line_start_ = buffer_start_ + position_;
      position_ = newline + 1;
      return true;
    }
    if (!fill()) {
      if (position_ >= buffer_.size()) return false;
      line.assign(buffer_, position_, std::string::npos);
      line_start_ = buffer_start_ + position_;
      position_ = buffer_.size();
      return true;
    }
  }
}

}  // namespace dnmf::io
