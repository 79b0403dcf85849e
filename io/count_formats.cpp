#include "io/count_formats.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <filesystem>

#include "io/output_path.hpp"
#include "io/record_split.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/resources.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {
namespace {

struct Header {
  int64_t rows = 0, columns = 0, entries = 0;
  int64_t lines = 0;   // header lines, comments included
  uint64_t bytes = 0;  // header bytes (plain files)
  bool pattern = false;
  bool integer_values = true;
  bool compressed = false;  // read as a stream, lines dealt round-robin
};

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool parse_int(std::string_view text, int64_t& value) {
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool parse_double(std::string_view text, double& value) {
  std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size() && std::isfinite(value);
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Read by rank 0 only: the header is tiny and decides how everyone parses the rest.
Header read_header(const std::string& path, CountFormat format) {
  LineStream stream(path);
  Header header;
  std::string line;
  auto next_line = [&](const char* what) {
    if (!stream.next(line))
      throw UserError(path + ":" + std::to_string(header.lines + 1) + ": file ends before the " + what);
    ++header.lines;
    header.bytes += line.size() + 1;
  };
  auto fail = [&](const std::string& problem) {
    throw UserError(path + ":" + std::to_string(header.lines) + ": " + problem);
  };
  if (format == CountFormat::uci) {
    int64_t* targets[3] = {&header.rows, &header.columns, &header.entries};
    const char* names[3] = {"document count (D)", "word count (W)", "entry count (NNZ)"};
    for (int i = 0; i < 3; ++i) {
      next_line(names[i]);
      const auto fields = fields_of(line);
      if (fields.size() != 1 || !parse_int(fields[0], *targets[i]) || *targets[i] < 0)
        fail(std::string("expected the ") + names[i] + " of a UCI docword file, found '" + line + "'");
    }
    return header;
  }
  next_line("Matrix Market banner");
  const auto banner = fields_of(line);
  if (banner.size() != 5 || banner[0] != "%%MatrixMarket" || lowercase(std::string(banner[1])) != "matrix")
    fail("not a Matrix Market file (expected '%%MatrixMarket matrix coordinate ...')");
  if (lowercase(std::string(banner[2])) != "coordinate")
    fail("only 'coordinate' Matrix Market files hold sparse counts");
  const std::string field = lowercase(std::string(banner[3]));
  if (field != "integer" && field != "real" && field != "pattern")
    fail("field '" + std::string(banner[3]) + "' is not integer, real or pattern");
  if (lowercase(std::string(banner[4])) != "general") fail("only 'general' symmetry is supported");
  header.pattern = field == "pattern";
  header.integer_values = field != "real";
  do next_line("size line");
  while (line.empty() || line[0] == '%');
  const auto size = fields_of(line);
  if (size.size() != 3 || !parse_int(size[0], header.rows) || !parse_int(size[1], header.columns) ||
      !parse_int(size[2], header.entries) || header.rows < 0 || header.columns < 0 || header.entries < 0)
    fail("expected 'rows columns entries', found '" + line + "'");
  return header;
}

// Declared sizes are checked before anything is allocated for them: a damaged or
// mistaken header must not make every rank work for a minute and then run out of memory.
void check_declared_sizes(const std::string& path, const Header& header, uint64_t file_bytes) {
  // TF-IDF files and PETSc's matrices index rows and columns with 32-bit integers.
  constexpr int64_t kMaxIndex = INT32_MAX;
  const auto declares = [&](const std::string& what) { return path + ": the header declares " + what; };
  if (header.rows > kMaxIndex)
    throw UserError(declares(std::to_string(header.rows) + " rows (documents), more than the " +
                             std::to_string(kMaxIndex) + " dnmf can index; split the corpus"));
  if (header.columns > kMaxIndex)
    throw UserError(declares(std::to_string(header.columns) + " columns (terms), more than the " +
                             std::to_string(kMaxIndex) + " dnmf can index"));
  // The shortest entry line is "1 1\n"; a compressed file's length says nothing.
  if (!header.compressed &&
      header.entries > static_cast<int64_t>((file_bytes - std::min(file_bytes, header.bytes)) / 4))
    throw UserError(declares(std::to_string(header.entries) + " entries, more than its " + std::to_string(file_bytes) +
                             " bytes can hold (a damaged header?)"));
}

// What reading the declared sizes will take on each rank, against what its node has left.
void check_memory_for_sizes(MPI_Comm comm, const std::string& path, const Header& header) {
  const double ranks = comm_size(comm);
  // Bytes per item, measured on uci/mtx inputs: a row's id and offsets, a column's
  // statistics, name and new number (on every rank), an entry's copies while it travels.
  const double needed = 64.0 * static_cast<double>(header.rows) / ranks + 100.0 * static_cast<double>(header.columns) +
                        84.0 * static_cast<double>(header.entries) / ranks;
  const int64_t available = available_memory_bytes();
  const int sharing = ranks_on_this_node(comm);
  run_collectively(comm, [&] {
    if (available < 0 || needed <= static_cast<double>(available) / sharing) return;
    throw UserError(path + ": the header declares " + std::to_string(header.rows) + " rows, " +
                    std::to_string(header.columns) + " columns and " + std::to_string(header.entries) +
                    " entries; reading them needs about " + format_bytes(needed) + " per rank, but each of the " +
                    std::to_string(sharing) + " ranks on this node has about " +
                    format_bytes(static_cast<double>(available) / sharing) +
                    " (spread the ranks over more nodes, or check the header)");
  });
}

// This rank's lines parsed: the entries, and the first bad line by its index among them.
struct ParsedLines {
  std::vector<CountEntry> entries;
  int64_t lines = 0, entry_lines = 0;
  int64_t bad_line = -1;
  std::string bad_reason;
};

// One entry line ("row column [count]"), checked against the header.
void parse_entry_line(std::string_view line, const Header& header, CountFormat format, ParsedLines& parsed) {
  const int64_t index = parsed.lines++;
  if (parsed.bad_line >= 0) return;
  if (format == CountFormat::mtx && !line.empty() && line[0] == '%') return;
  const auto fields = fields_of(line);
  if (fields.empty()) return;
  ++parsed.entry_lines;
  const size_t expected_fields = header.pattern ? 2 : 3;
  int64_t row = 0, column = 0;
  double count = 1;
  std::string problem;
  if (fields.size() != expected_fields) {
    problem = "expected " + std::to_string(expected_fields) + " numbers";
  } else if (!parse_int(fields[0], row) || row < 1 || row > header.rows) {
    problem = "row/document must be a whole number in 1.." + std::to_string(header.rows);
  } else if (!parse_int(fields[1], column) || column < 1 || column > header.columns) {
    problem = "column/word must be a whole number in 1.." + std::to_string(header.columns);
  } else if (!header.pattern) {
    int64_t whole = 0;
    const bool ok = header.integer_values ? parse_int(fields[2], whole) : parse_double(fields[2], count);
    if (header.integer_values) count = static_cast<double>(whole);
    if (!ok || count < 0) problem = "count must be a nonnegative number";
  }
  if (!problem.empty()) {
    parsed.bad_line = index;
    parsed.bad_reason = problem + ", found '" + std::string(line.substr(0, 80)) + "'";
    return;
  }
  if (count != 0) parsed.entries.push_back({row - 1, column - 1, count});
}

// This rank's share of the entry lines: a byte range of a plain file, or every ranks-th
// line of a compressed stream.
ParsedLines parse_local_lines(MPI_Comm comm, const std::string& path, const Header& header, CountFormat format) {
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  ParsedLines parsed;
  if (header.compressed) {
    LineStream stream(path);
    std::string line;
    int64_t line_number = 0;
    while (stream.next(line)) {
      if (line_number++ < header.lines) continue;
      if ((line_number - header.lines - 1) % ranks == rank) parse_entry_line(line, header, format, parsed);
    }
    return parsed;
  }
  const uint64_t file_size = std::filesystem::file_size(path);
  const uint64_t data_bytes = file_size - std::min<uint64_t>(header.bytes, file_size);
  const uint64_t begin = header.bytes + static_cast<uint64_t>(even_split_start(data_bytes, rank, ranks));
  const uint64_t end = header.bytes + static_cast<uint64_t>(even_split_start(data_bytes, rank + 1, ranks));
  for_each_record_in_range(path, file_size, begin, end, RecordFormat{},
                           [&](std::string_view line, uint64_t) { parse_entry_line(line, header, format, parsed); });
  return parsed;
}

// Every rank agrees on the first bad line (by its number in the file) and on the count
// of entries against the header.
void check_parsed_lines(MPI_Comm comm, const std::string& path, const Header& header, const ParsedLines& parsed) {
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  const int64_t lines_before = header.compressed ? 0 : sum_over_lower_ranks(comm, parsed.lines);
  run_collectively(comm, [&] {
    if (parsed.bad_line < 0) return;
    // Line numbers: plain files give each rank a contiguous run of lines; compressed input
    // deals lines round-robin.
    const int64_t line_number = header.compressed ? header.lines + parsed.bad_line * ranks + rank + 1
                                                  : header.lines + lines_before + parsed.bad_line + 1;
    throw UserError(path + ":" + std::to_string(line_number) + ": " + parsed.bad_reason);
  });
  const int64_t entries_found = sum_over_ranks(comm, parsed.entry_lines);
  run_collectively(comm, [&] {
    if (rank == 0 && entries_found != header.entries)
      throw UserError(path + ": the header declares " + std::to_string(header.entries) +
                      " entries but the file holds " + std::to_string(entries_found) +
                      (entries_found < header.entries ? " (a truncated file?)"
                                                      : " (a wrong header, or more than one matrix in the file?)"));
  });
}

// The entries of this rank's rows (rows split evenly), from every rank, sorted by
// (row, column) with duplicates added up.
std::vector<CountEntry> entries_of_own_rows(MPI_Comm comm, std::vector<CountEntry> parsed, int64_t rows) {
  const int ranks = comm_size(comm);
  std::vector<int64_t> row_starts;
  for (int r = 0; r <= ranks; ++r) row_starts.push_back(even_split_start(rows, r, ranks));
  std::vector<std::vector<CountEntry>> by_owner(static_cast<size_t>(ranks));
  for (const auto& entry : parsed) {
    const auto owner = std::upper_bound(row_starts.begin(), row_starts.end(), entry.row) - row_starts.begin() - 1;
    by_owner[static_cast<size_t>(owner)].push_back(entry);
  }
  parsed = {};
  std::vector<CountEntry> entries;
  for (const auto& block : send_to_owners(comm, by_owner)) entries.insert(entries.end(), block.begin(), block.end());
  std::sort(entries.begin(), entries.end(), [](const CountEntry& a, const CountEntry& b) {
    return a.row != b.row ? a.row < b.row : a.column < b.column;
  });
  size_t kept = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (kept > 0 && entries[kept - 1].row == entries[i].row && entries[kept - 1].column == entries[i].column)
      entries[kept - 1].count += entries[i].count;
    else
      entries[kept++] = entries[i];
  }
  entries.resize(kept);
  return entries;
}

}  // namespace

CountMatrix read_count_matrix(MPI_Comm comm, const std::string& path, CountFormat format) {
  // 1. The header, read by rank 0: it is tiny and decides how everyone parses the rest.
  const Header header = decide_on_root(comm, [&] {
    require_regular_file(path, "counts file");
    Header read = read_header(path, format);
    read.compressed = compression_of(path) != Compression::none;
    check_declared_sizes(path, read, std::filesystem::file_size(path));
    return read;
  });
  check_memory_for_sizes(comm, path, header);
  // 2. Each rank parses its share of the lines; all agree on what was wrong.
  ParsedLines parsed;
  run_collectively(comm, [&] { parsed = parse_local_lines(comm, path, header, format); });
  check_parsed_lines(comm, path, header, parsed);
  // 3. Entries travel to the rank that owns their row.
  CountMatrix matrix;
  matrix.rows = header.rows;
  matrix.columns = header.columns;
  matrix.declared_entries = header.entries;
  matrix.entries = entries_of_own_rows(comm, std::move(parsed.entries), header.rows);
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  matrix.first_row = even_split_start(header.rows, rank, ranks);
  matrix.local_rows = even_split_start(header.rows, rank + 1, ranks) - matrix.first_row;
  return matrix;
}

std::vector<std::string> read_vocabulary_file(const std::string& path, int64_t expected) {
  require_regular_file(path, "vocabulary file");
  LineStream stream(path);
  std::vector<std::string> terms;
  std::string line;
  while (stream.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    terms.push_back(line);
  }
  if (static_cast<int64_t>(terms.size()) != expected)
    throw UserError(path + ": holds " + std::to_string(terms.size()) + " terms but the counts have " +
                    std::to_string(expected) + " columns");
  return terms;
}

}  // namespace dnmf::io
