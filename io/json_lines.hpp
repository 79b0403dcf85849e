#pragma once
// --format jsonl: JSON Lines, one JSON object per line, the form most large corpora come
// in (PubMed, arXiv and Wikipedia extracts, crawls). A document's text is one or more
// string fields of its object, joined by a blank line; its id and label may come from
// fields too. The lines are split over the ranks by bytes like --format lines
// (record_split.hpp); a line holding only spaces is no document. Parsing is RapidJSON's
// (Debian's rapidjson-dev), which decodes the escapes; the text then goes through the
// document pipeline as UTF-8, as RFC 8259 says JSON text is.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/record_fields.hpp"

namespace dnmf::io {

bool is_blank_line(std::string_view line);

// Parses lines into documents, reusing its memory from line to line.
class JsonLineReader {
 public:
  explicit JsonLineReader(RecordFields fields);
  ~JsonLineReader();
  JsonLineReader(const JsonLineReader&) = delete;
  JsonLineReader& operator=(const JsonLineReader&) = delete;

  // Fills `document` from `line`, which starts at byte `first_byte` of `source`. A line
  // that is not one JSON object, a missing field, or a field of another type (the text
  // must be a string; an id or label a string or an integer) is a MalformedRecord naming
  // the file, the line's byte offset and the problem.
  void read(std::string_view line, const std::string& source, uint64_t first_byte, RecordDocument& document);
  const RecordFields& fields() const { return fields_; }

 private:
  struct Parser;
  RecordFields fields_;
  std::unique_ptr<Parser> parser_;
};

}  // namespace dnmf::io
