#include "src/text/analyzer.hpp"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "src/base/errors.hpp"
#include "src/text/newsgroup_cleaning.hpp"
#include "src/text/utf16.hpp"

namespace dnmf::text {
namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

// For ASCII text Python's str.lower() is this.
void lowercase_ascii(std::string& text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

}  // namespace

bool is_python_word_character(char32_t c) {
  if (c < 0x80) return is_ascii_word_character(static_cast<unsigned char>(c));
  const auto code_point = static_cast<UChar32>(c);
  return u_isalpha(code_point) || u_getIntPropertyValue(code_point, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

StopWords load_stop_words(const std::string& choice) {
  if (choice == "english") return english_stop_words();
  if (choice == "none") return {};
  // Regular files only: a folder would read as an empty list, /dev/zero as one endless line.
  std::error_code error;
  if (std::filesystem::exists(choice, error) && !std::filesystem::is_regular_file(choice, error))
    throw UserError("--stop-words: '" + choice + "' is not a regular file (expected english, none or a file)");
  std::ifstream file(choice, std::ios::binary);
  if (!file) throw UserError("--stop-words: cannot read '" + choice + "' (expected english, none or a file)");
  StopWords words;
  std::string line;
  while (std::getline(file, line)) {
    const auto word = strip_python_whitespace(line);
    if (!word.empty()) words.emplace(word);
  }
  return words;
}

AccentStripping parse_accent_stripping(const std::string& name) {
  if (name.empty() || name == "none") return AccentStripping::none;
  if (name == "ascii") return AccentStripping::ascii;
  if (name == "unicode") return AccentStripping::unicode;
  throw UserError("--strip-accents: unknown mode '" + name + "' (use ascii or unicode)");
}

Analyzer::Analyzer(StopWords stop_words, AnalyzerOptions options)
    : stop_words_(std::move(stop_words)), options_(std::move(options)) {
  if (options_.token_pattern != default_token_pattern)
    pattern_ = std::make_unique<TokenPattern>(options_.token_pattern);
}

void Analyzer::add_token(std::string_view token) {
  bool added = false;
  const uint32_t id = terms_.insert(token, added);
  if (added) is_stop_word_.push_back(stop_words_.count(std::string(token)) > 0);
  if (!is_stop_word_[id]) term_ids_.push_back(id);
}

std::vector<std::string_view> Analyzer::tokens(std::string_view text) {
  std::vector<std::string_view> views;
  for (uint32_t id : analyze(text)) views.push_back(term(id));
  return views;
}

std::string_view Analyzer::strip_accents(std::string_view text) {
  // UTF-8 -> UTF-16 -> NFKD -> drop (unicode: combining marks; ascii: all but ASCII) -> UTF-8,
  // as scikit-learn's strip_accents_unicode and strip_accents_ascii do with unicodedata.
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = to_utf16(text, utf16_);
  const UNormalizer2* nfkd = unorm2_getNFKDInstance(&status);
  check_icu(status, "NFKD");
  utf16_lowered_.resize(static_cast<size_t>(length) * 4 + 16);
  int32_t normalized = 0;
  while (true) {
    status = U_ZERO_ERROR;
    normalized = unorm2_normalize(nfkd, reinterpret_cast<const UChar*>(utf16_.data()), length,
                                  reinterpret_cast<UChar*>(utf16_lowered_.data()),
                                  static_cast<int32_t>(utf16_lowered_.size()), &status);
    if (status != U_BUFFER_OVERFLOW_ERROR) break;
    utf16_lowered_.resize(static_cast<size_t>(normalized) + 16);
  }
  check_icu(status, "NFKD normalization");
  stripped_.clear();
  for (int32_t i = 0; i < normalized;) {
    UChar32 c;
    U16_NEXT(utf16_lowered_.data(), i, normalized, c);
    const bool keep = options_.strip_accents == AccentStripping::ascii ? c < 0x80 : u_getCombiningClass(c) == 0;
    if (!keep) continue;
    char bytes[U8_MAX_LENGTH];
    int32_t size = 0;
    U8_APPEND_UNSAFE(bytes, size, c);  // c came from valid UTF-8: a scalar value
    stripped_.append(bytes, static_cast<size_t>(size));
  }
  return stripped_;
}

void Analyzer::add_ngrams() {
  if (options_.ngram_max <= 1) return;
  unigram_ids_.swap(term_ids_);
  term_ids_.clear();
  if (options_.ngram_min <= 1) term_ids_ = unigram_ids_;
  const auto tokens = static_cast<int64_t>(unigram_ids_.size());
  for (int64_t n = std::max(2, options_.ngram_min); n <= options_.ngram_max && n <= tokens; ++n) {
    for (int64_t i = 0; i + n <= tokens; ++i) {
      ngram_.assign(term(unigram_ids_[static_cast<size_t>(i)]));
      for (int64_t k = 1; k < n; ++k) {
        ngram_ += ' ';
        ngram_ += term(unigram_ids_[static_cast<size_t>(i + k)]);
      }
      // Formed after the stop words went, an n-gram is never one itself.
      bool added = false;
      const uint32_t id = terms_.insert(ngram_, added);
      if (added) is_stop_word_.push_back(false);
      term_ids_.push_back(id);
    }
  }
}

const std::vector<uint32_t>& Analyzer::analyze(std::string_view text) {
  tokenize(text);
  add_ngrams();
  return term_ids_;
}

std::string_view Analyzer::lowercase(std::string_view text) {
  // ICU's root-locale full lowercasing is Python's str.lower(): SpecialCasing's
  // unconditional mappings plus the Final_Sigma context.
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = to_utf16(text, utf16_);
  utf16_lowered_.resize(utf16_.size() * 3 + 1);
  status = U_ZERO_ERROR;
  const int32_t lowered_length =
      u_strToLower(reinterpret_cast<UChar*>(utf16_lowered_.data()), static_cast<int32_t>(utf16_lowered_.size()),
                   reinterpret_cast<const UChar*>(utf16_.data()), length, "", &status);
  check_icu(status, "lowercasing");
  to_utf8(std::u16string_view(utf16_lowered_).substr(0, static_cast<size_t>(lowered_length)), lowered_);
  return lowered_;
}

void Analyzer::tokenize_with_pattern(std::string_view text) {
  // scikit-learn's order: lowercase, strip accents, then find the pattern's matches.
  std::string_view prepared = text;
  if (options_.lowercase) {
    if (is_ascii(text)) {
      lowered_.assign(text);
      lowercase_ascii(lowered_);
      prepared = lowered_;
    } else {
      prepared = lowercase(text);
    }
  }
  if (options_.strip_accents != AccentStripping::none && !is_ascii(prepared)) prepared = strip_accents(prepared);
  to_utf16(prepared, pattern_text_);
  for (const auto& [begin, end] : pattern_->find(pattern_text_)) {
    to_utf8(std::u16string_view(pattern_text_).substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin)),
            token_);
    add_token(token_);
  }
}

void Analyzer::tokenize(std::string_view text) {
  term_ids_.clear();
  if (pattern_) {
    tokenize_with_pattern(text);
    return;
  }
  if (is_ascii(text)) {  // no accents to strip: NFKD leaves ASCII as it is
    // Most documents are ASCII: lowercase each token as it is cut, without a copy of the
    // whole text and without decoding.
    size_t position = 0;
    while (position < text.size()) {
      while (position < text.size() && !is_ascii_word_character(static_cast<unsigned char>(text[position]))) ++position;
      const size_t start = position;
      while (position < text.size() && is_ascii_word_character(static_cast<unsigned char>(text[position]))) ++position;
      if (position - start < 2) continue;
      lowered_.assign(text.data() + start, position - start);
      if (options_.lowercase) lowercase_ascii(lowered_);
      add_token(lowered_);
    }
    return;
  }

  std::string_view lowered = options_.lowercase ? lowercase(text) : text;
  if (options_.strip_accents != AccentStripping::none) lowered = strip_accents(lowered);
  const auto* bytes = reinterpret_cast<const uint8_t*>(lowered.data());
  const int32_t length = static_cast<int32_t>(lowered.size());
  int32_t position = 0;
  int32_t token_start = -1;
  int32_t token_characters = 0;
  auto finish_token = [&](int32_t end) {
    if (token_start >= 0 && token_characters >= 2)
      add_token(std::string_view(lowered.data() + token_start, static_cast<size_t>(end - token_start)));
    token_start = -1;
    token_characters = 0;
  };
  while (position < length) {
    const int32_t start = position;
    bool word_character;
    if (bytes[position] < 0x80) {
      word_character = is_ascii_word_character(bytes[position++]);
    } else {
      UChar32 c;
      U8_NEXT(bytes, position, length, c);
      word_character = c >= 0 && is_python_word_character(static_cast<char32_t>(c));
    }
    if (word_character) {
      if (token_start < 0) token_start = start;
      ++token_characters;
    } else {
      finish_token(start);
    }
  }
  finish_token(length);
}

}  // namespace dnmf::text
