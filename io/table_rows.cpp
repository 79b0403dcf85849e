#include "io/table_rows.hpp"

#include <algorithm>
#include <vector>

#include "io/record_split.hpp"
#include "src/base/errors.hpp"

namespace dnmf::io {
namespace {

// Splits the records of a table into fields, line by line: a quoted field that reaches
// the end of a line continues on the next one, with the line break in it.
class RowParser {
 public:
  RowParser(const std::string& path, char separator) : path_(path), separator_(separator), lines_(path) {}

  // The next row's fields and the line it starts on; false at the end of the file.
  bool next(std::vector<std::string>& fields, int64_t& first_line) {
    while (lines_.next(line_)) {
      ++line_number_;
      if (line_.empty() || line_ == "\r") continue;  // a blank line is no row
      first_line = line_number_;
      fields.assign(1, std::string());
      parse_row(fields, first_line);
      return true;
    }
    return false;
  }

 private:
  enum class State { field_start, unquoted, quoted, after_quote };

  void parse_row(std::vector<std::string>& fields, int64_t first_line) {
    State state = State::field_start;
    while (true) {
      for (size_t i = 0; i < line_.size(); ++i) {
        const char c = line_[i];
        const bool line_end_cr = c == '\r' && i + 1 == line_.size() && state != State::quoted;
        if (line_end_cr) break;  // CRLF ends the row
        std::string& field = fields.back();
        if (state == State::quoted) {
          if (c == '"')
            state = State::after_quote;
          else
            field.push_back(c);
        } else if (c == separator_) {
          fields.emplace_back();
          state = State::field_start;
        } else if (state == State::after_quote) {
          if (c != '"')
            throw MalformedRecord(
                path_ + ": line " + std::to_string(line_number_) +
                ": text after the closing quote of a field (a quote inside a quoted field is written \"\")");
          field.push_back('"');
          state = State::quoted;
        } else if (state == State::field_start && c == '"') {
          state = State::quoted;
        } else {
          field.push_back(c);
          state = State::unquoted;
        }
      }
      if (state != State::quoted) return;
      fields.back().push_back('\n');
      if (!lines_.next(line_))
        throw UserError(path_ + ": line " + std::to_string(first_line) +
                        ": a quoted field opens on this line and is not closed by the end of the file");
      ++line_number_;
    }
  }

  const std::string& path_;
  char separator_;
  LineStream lines_;
  std::string line_;
  int64_t line_number_ = 0;
};

// The index of column `name` in the header.
size_t column_of(const std::string& path, const std::vector<std::string>& header, const std::string& name) {
  const auto found = std::find(header.begin(), header.end(), name);
  if (found != header.end()) return static_cast<size_t>(found - header.begin());
  std::string names;
  for (const auto& column : header) names += (names.empty() ? "" : ", ") + column;
  throw UserError(path + ": the header (line 1) has no column \"" + name + "\" (it has " + names + ")");
}

}  // namespace

int64_t for_each_table_row(const std::string& path, char separator, const RecordFields& fields,
                           const std::function<void(const RecordDocument& document, int64_t line)>& on_row,
                           const std::function<void(const MalformedRecord& problem)>& on_malformed) {
  RowParser parser(path, separator);
  std::vector<std::string> header, row;
  int64_t line = 0;
  if (!parser.next(header, line)) throw UserError(path + ": an empty table (no header row)");
  if (header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
  std::vector<size_t> text_columns;
  for (const auto& name : fields.text) text_columns.push_back(column_of(path, header, name));
  const bool has_id = !fields.id.empty(), has_label = !fields.label.empty();
  const size_t id_column = has_id ? column_of(path, header, fields.id) : 0;
  const size_t label_column = has_label ? column_of(path, header, fields.label) : 0;

  RecordDocument document;
  int64_t rows = 0;
  while (true) {
    try {
      if (!parser.next(row, line)) break;
      if (row.size() != header.size())
        throw MalformedRecord(path + ": line " + std::to_string(line) + ": " + std::to_string(row.size()) +
                              (row.size() == 1 ? " field" : " fields") + ", but the header has " +
                              std::to_string(header.size()));
    } catch (const MalformedRecord& problem) {
      if (!on_malformed) throw;
      on_malformed(problem);  // the row ended with its line: go on with the next
      continue;
    }
    document.text.clear();
    for (size_t t = 0; t < text_columns.size(); ++t) {
      if (t > 0) document.text += "\n\n";
      document.text += row[text_columns[t]];
    }
    document.id = has_id ? row[id_column] : std::string();
    document.label = has_label ? row[label_column] : std::string();
    on_row(document, line);
    ++rows;
  }
  return rows;
}

}  // namespace dnmf::io
