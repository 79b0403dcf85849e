#include "src/text/analyzer.hpp"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <filesystem>
#include <fstream>

#include "src/base/errors.hpp"
#include "src/text/newsgroup_cleaning.hpp"

namespace dnmf::text {
namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

void check_icu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU ") + what + " failed: " + u_errorName(status));
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

Analyzer::Analyzer(StopWords stop_words, bool lowercase) : stop_words_(std::move(stop_words)), lowercase_(lowercase) {}

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

std::string_view Analyzer::lowercase(std::string_view text) {
  // ICU's root-locale full lowercasing is Python's str.lower(): SpecialCasing's
  // unconditional mappings plus the Final_Sigma context.
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  utf16_.resize(text.size() + 1);
  u_strFromUTF8(reinterpret_cast<UChar*>(utf16_.data()), static_cast<int32_t>(utf16_.size()), &length, text.data(),
                static_cast<int32_t>(text.size()), &status);
  check_icu(status, "UTF-8 to UTF-16 conversion");
  utf16_.resize(static_cast<size_t>(length));
  utf16_lowered_.resize(utf16_.size() * 3 + 1);
  status = U_ZERO_ERROR;
  const int32_t lowered_length =
      u_strToLower(reinterpret_cast<UChar*>(utf16_lowered_.data()), static_cast<int32_t>(utf16_lowered_.size()),
                   reinterpret_cast<const UChar*>(utf16_.data()), length, "", &status);
  check_icu(status, "lowercasing");
  lowered_.resize(static_cast<size_t>(lowered_length) * 3 + 1);
  int32_t utf8_length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(lowered_.data(), static_cast<int32_t>(lowered_.size()), &utf8_length,
              reinterpret_cast<const UChar*>(utf16_lowered_.data()), lowered_length, &status);
  check_icu(status, "UTF-16 to UTF-8 conversion");
  lowered_.resize(static_cast<size_t>(utf8_length));
  return lowered_;
}

const std::vector<uint32_t>& Analyzer::analyze(std::string_view text) {
  term_ids_.clear();
  if (is_ascii(text)) {
    // Most documents are ASCII: lowercase each token as it is cut, without a copy of the
    // whole text and without decoding.
    size_t position = 0;
    while (position < text.size()) {
      while (position < text.size() && !is_ascii_word_character(static_cast<unsigned char>(text[position]))) ++position;
      const size_t start = position;
      while (position < text.size() && is_ascii_word_character(static_cast<unsigned char>(text[position]))) ++position;
      if (position - start < 2) continue;
      lowered_.assign(text.data() + start, position - start);
      if (lowercase_)
        for (char& c : lowered_)
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      add_token(lowered_);
    }
    return term_ids_;
  }

  const std::string_view lowered = lowercase_ ? lowercase(text) : text;
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
  return term_ids_;
}

}  // namespace dnmf::text
