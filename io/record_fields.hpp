#pragma once
// Documents that come as records of named fields (--format jsonl, csv, tsv): which
// fields hold a document's text, id and label, and what a record gave.
#include <string>
#include <vector>

#include "src/base/errors.hpp"

namespace dnmf::io {

// A record that cannot be read while the records around it can: a JSON line that is no
// object or lacks a field, a table row with the wrong number of fields. Under
// --on-error skip it is counted and left out; otherwise it ends the run.
class MalformedRecord : public UserError {
 public:
  using UserError::UserError;
};

struct RecordFields {
  std::vector<std::string> text = {"text"};  // joined by "\n\n", so their words never run together
  std::string id;                            // empty: ids are FILE:N, as for --format lines
  std::string label;                         // empty: no label from the records
  // JSON Lines: invalid UTF-8 in a string is an error of the line (--decode-error
  // strict); without the check the document pipeline replaces it (--decode-error replace).
  bool check_utf8 = true;
};

struct RecordDocument {
  std::string text, id, label;
};

}  // namespace dnmf::io
