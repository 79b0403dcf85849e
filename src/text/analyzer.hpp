#pragma once
// The word analyzer of scikit-learn's TfidfVectorizer with its defaults:
//   lowercase with Python's str.lower() (full Unicode case mapping, final sigma);
//   tokens: token_pattern (?u)\b\w\w+\b, i.e. maximal runs of two or more word
//           characters, where a word character is what Python's re calls \w: a letter
//           (general category L*), any character with a Unicode numeric type (digits,
//           '¹', '½', Roman numerals...), or '_'. Combining marks are not word characters;
//   stop words removed after tokenizing (sklearn.feature_extraction.text's English list);
// and its options lowercase, strip_accents, ngram_range and token_pattern
// (AnalyzerOptions; another pattern than the default runs on ICU's regex engine).
// Unicode properties come from ICU.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "src/text/term_table.hpp"
#include "src/text/token_pattern.hpp"

namespace dnmf::text {

using StopWords = std::unordered_set<std::string>;

// scikit-learn's ENGLISH_STOP_WORDS (318 words).
const StopWords& english_stop_words();

// "english", "none", or a path to a UTF-8 file with one stop word per line.
StopWords load_stop_words(const std::string& choice);

bool is_python_word_character(char32_t c);

inline bool is_ascii_word_character(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// scikit-learn's strip_accents: none, "ascii" (NFKD, then only ASCII characters kept) or
// "unicode" (NFKD, then combining marks dropped).
enum class AccentStripping { none, ascii, unicode };
AccentStripping parse_accent_stripping(const std::string& name);

// The analyzer's options beside the stop words, as TfidfVectorizer names them.
struct AnalyzerOptions {
  bool lowercase = true;                                  // Python's str.lower() first
  AccentStripping strip_accents = AccentStripping::none;  // after lowercasing, as scikit-learn
  int ngram_min = 1, ngram_max = 1;                       // word n-grams of the tokens left after the stop words
  std::string token_pattern{default_token_pattern};       // Python re syntax (token_pattern.hpp)
};

// Tokens are numbered as they are met (a TermTable), so each token costs one lookup and
// the stop list is consulted once per distinct term, not once per token.
class Analyzer {
 public:
  explicit Analyzer(StopWords stop_words, AnalyzerOptions options = {});

  // The term ids of the terms of `text` (UTF-8) in order, stop words removed: the tokens,
  // or with n-grams those of each length from ngram_min to ngram_max, shorter first, as
  // scikit-learn lists them (an n-gram is its tokens joined by a space). Valid until the
  // next call.
  const std::vector<uint32_t>& analyze(std::string_view text);
  // The terms themselves, as views valid until the next call.
  std::vector<std::string_view> tokens(std::string_view text);

  size_t term_count() const { return terms_.size(); }
  size_t term_table_bytes() const { return terms_.bytes(); }
  std::string_view term(uint32_t id) const { return terms_.term_view(id); }

 private:
  void tokenize(std::string_view text);
  void tokenize_with_pattern(std::string_view text);
  std::string_view lowercase(std::string_view text);
  std::string_view strip_accents(std::string_view text);
  void add_token(std::string_view token);
  void add_ngrams();

  StopWords stop_words_;
  AnalyzerOptions options_;
  std::unique_ptr<TokenPattern> pattern_;  // null for the default pattern
  TermTable terms_;
  std::vector<bool> is_stop_word_;  // per term id
  std::string lowered_, stripped_, ngram_, token_;
  std::u16string utf16_, pattern_text_;
  std::u16string utf16_lowered_;
  std::vector<uint32_t> term_ids_, unigram_ids_;
};

}  // namespace dnmf::text
