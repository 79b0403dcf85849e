#pragma once
// The word analyzer of scikit-learn's TfidfVectorizer with its defaults:
//   lowercase with Python's str.lower() (full Unicode case mapping, final sigma);
//   tokens: token_pattern (?u)\b\w\w+\b, i.e. maximal runs of two or more word
//           characters, where a word character is what Python's re calls \w: a letter
//           (general category L*), any character with a Unicode numeric type (digits,
//           '¹', '½', Roman numerals...), or '_'. Combining marks are not word characters;
//   stop words removed after tokenizing (sklearn.feature_extraction.text's English list).
// Unicode properties come from ICU.
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace dnmf::text {

using StopWords = std::unordered_set<std::string>;

// scikit-learn's ENGLISH_STOP_WORDS (318 words).
const StopWords& english_stop_words();

// "english", "none", or a path to a UTF-8 file with one stop word per line.
StopWords load_stop_words(const std::string& choice);

bool is_python_word_character(char32_t c);

class Analyzer {
 public:
  explicit Analyzer(StopWords stop_words);

  // The tokens of `text` (UTF-8) in order, stop words removed. The views stay valid
  // until the next call.
  const std::vector<std::string_view>& analyze(std::string_view text);

 private:
  std::string_view lowercase(std::string_view text);

  StopWords stop_words_;
  std::unordered_set<std::string_view> stop_lookup_;  // views into stop_words_, no allocation per token
  std::string lowered_;
  std::u16string utf16_;
  std::u16string utf16_lowered_;
  std::vector<std::string_view> tokens_;
};

}  // namespace dnmf::text
