#pragma once
// One rank's documents from raw bytes to counted terms, the same way for every input
// kind: reject binary data, decode to UTF-8, strip newsgroup parts, tokenize (analyzer.hpp)
// and count (term_counts.hpp). Buffers are reused from document to document.
#include <climits>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// What a reader of the terms sees of each document as it is read: its term ids in order
// (analyzer.hpp) and the analyzer that names them (dnmf evaluate's coherence counts).
using TermsObserver = std::function<void(const std::vector<uint32_t>& term_ids, const Analyzer& analyzer)>;

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
    if (observe_terms_) observe_terms_(tokens, analyzer_);
    snippets_.push_back(snippet_of(decoded));
  }

  const LocalTermCounts& counts() const { return counts_; }
  // The first words of each document as read (decoded and cleaned), for dnmf topics
  // --documents to show: at most kSnippetBytes, spaces collapsed, cut between words.
  static constexpr size_t kSnippetBytes = 80;
  std::vector<std::string>& snippets() { return snippets_; }
  LocalTermCounts& counts() { return counts_; }
  const Analyzer& analyzer() const { return analyzer_; }
  void observe_terms(TermsObserver observer) { observe_terms_ = std::move(observer); }

 private:
  static std::string snippet_of(std::string_view text) {
    std::string snippet;
    size_t last_word_end = 0;
    for (size_t i = 0; i < text.size() && snippet.size() < kSnippetBytes; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c <= ' ') {
        if (!snippet.empty() && snippet.back() != ' ') {
          last_word_end = snippet.size();
          snippet += ' ';
        }
      } else {
        snippet += static_cast<char>(c);
      }
    }
    if (snippet.size() >= kSnippetBytes && last_word_end > 0) snippet.resize(last_word_end);  // whole words
    while (!snippet.empty() && snippet.back() == ' ') snippet.pop_back();
    // One long word cut in the middle of a character: drop the character.
    size_t last = snippet.size();
    while (last > 0 && (static_cast<unsigned char>(snippet[last - 1]) & 0xC0) == 0x80) --last;
    if (last > 0) {
      const auto lead = static_cast<unsigned char>(snippet[last - 1]);
      const size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      if (last - 1 + length > snippet.size()) snippet.resize(last - 1);
    }
    return snippet;
  }

  const DocumentOptions& options_;
  Analyzer analyzer_;
  LocalTermCounts counts_;
  std::vector<std::string> snippets_;
  TermsObserver observe_terms_;
  std::string decoded_, cleaned_;  // reused from document to document
};

}  // namespace dnmf::text
