#pragma once
// One rank's documents from raw bytes to counted terms, the same way for every input
// kind: reject binary data, decode to UTF-8, strip newsgroup parts, tokenize (analyzer.hpp)
// and count (term_counts.hpp). Buffers are reused from document to document.
#include <climits>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/errors.hpp"
#include "src/text/analyzer.hpp"
#include "src/text/decode.hpp"
#include "src/text/newsgroup_cleaning.hpp"
#include "src/text/term_counts.hpp"

namespace dnmf::text {

// How documents are read and cleaned (the text options of dnmf vectorize).
struct DocumentOptions {
  Encoding encoding = Encoding::utf8;
  DecodeErrors decode_errors = DecodeErrors::strict;
  NewsgroupCleaning cleaning;
  StopWords stop_words;
  AnalyzerOptions analysis;
};

// Turns raw document bytes into counted terms, the same way for every input kind.
class DocumentPipeline {
 public:
  explicit DocumentPipeline(const DocumentOptions& options)
      : options_(options), analyzer_(options.stop_words, options.analysis) {}

  void add(std::string_view raw, const std::string& source, uint64_t base_offset) {
    if (!options_.encoding.wide) reject_binary(raw, source, base_offset);  // UTF-16 text holds NUL bytes
    std::string_view decoded =
        decode_to_utf8(raw, options_.encoding, options_.decode_errors, source, base_offset, decoded_);
    if (options_.cleaning.any()) decoded = clean_newsgroup_post(decoded, options_.cleaning, cleaned_);
    if (decoded.size() > static_cast<size_t>(INT32_MAX))
      throw UserError(source + ": a document larger than 2 GiB (split it, e.g. with --format lines)");
    const auto& tokens = analyzer_.analyze(decoded);
    counts_.add_document(tokens, analyzer_.term_count());
  }

  const LocalTermCounts& counts() const { return counts_; }
  LocalTermCounts& counts() { return counts_; }
  const Analyzer& analyzer() const { return analyzer_; }

 private:
  const DocumentOptions& options_;
  Analyzer analyzer_;
  LocalTermCounts counts_;
  std::string decoded_, cleaned_;  // reused from document to document
};

}  // namespace dnmf::text
