#pragma once
// --format csv and tsv: tables whose first row names the columns, as RFC 4180 has them:
// fields separated by a comma (a tab for tsv), a field in double quotes may hold the
// separator, line breaks and "" for a quote, lines end in LF or CRLF. A row is a
// document; its text, id and label come from named columns (record_fields.hpp). Blank
// lines are skipped, and a UTF-8 byte order mark before the header is dropped (spreadsheet
// programs write one). A quoted field may span lines, so a table cannot be split by
// bytes: one rank reads a whole file, compressed or not (compressed_file.hpp).
#include <cstdint>
#include <functional>
#include <string>

#include "io/record_fields.hpp"

namespace dnmf::io {

// Calls on_row(document, line) for each row after the header, `line` the line of the
// file the row starts on (from 1). Returns the number of rows. A UserError names the file
// and line for a quoted field still open at the end of the file (it took in the rest of
// the file) and a named column the header lacks; a MalformedRecord for text after a
// closing quote and a row whose number of fields differs from the header's, which
// on_malformed, when given, takes instead, and the rows after it are read on.
int64_t for_each_table_row(const std::string& path, char separator, const RecordFields& fields,
                           const std::function<void(const RecordDocument& document, int64_t line)>& on_row,
                           const std::function<void(const MalformedRecord& problem)>& on_malformed = nullptr);

}  // namespace dnmf::io
