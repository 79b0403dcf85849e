#pragma once
// Documents that come as records of named fields (--format jsonl, csv, tsv): which
// fields hold a document's text, id and label, and what a record gave.
#include <string>
#include <vector>

namespace dnmf::io {

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
