#include "src/text/analyzer.hpp"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <fstream>

#include "src/collective.hpp"
#include "src/text/newsgroup_cleaning.hpp"

namespace dnmf::text {
namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

bool is_ascii_word_character(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
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

Analyzer::Analyzer(StopWords stop_words) : stop_words_(std::move(stop_words)) {
  for (const auto& word : stop_words_) stop_lookup_.insert(word);
}

std::string_view Analyzer::lowercase(std::string_view text) {
  if (is_ascii(text)) {
    lowered_.assign(text);
    for (char& c : lowered_)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lowered_;
  }
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

const std::vector<std::string_view>& Analyzer::analyze(std::string_view text) {
  tokens_.clear();
  const std::string_view lowered = lowercase(text);
  const auto* bytes = reinterpret_cast<const uint8_t*>(lowered.data());
  const int32_t length = static_cast<int32_t>(lowered.size());
  int32_t position = 0;
  int32_t token_start = -1;
  int32_t token_characters = 0;
  auto finish_token = [&](int32_t end) {
    if (token_start >= 0 && token_characters >= 2) {
      std::string_view token(lowered.data() + token_start, static_cast<size_t>(end - token_start));
      if (stop_lookup_.find(token) == stop_lookup_.end()) tokens_.push_back(token);
    }
    token_start = -1;
    token_characters = 0;
  };
  while (position < length) {
    const int32_t start = position;
    UChar32 c;
    if (bytes[position] < 0x80) {
      c = bytes[position++];
    } else {
      U8_NEXT(bytes, position, length, c);
    }
    if (c >= 0 && is_python_word_character(static_cast<char32_t>(c))) {
      if (token_start < 0) token_start = start;
      ++token_characters;
    } else {
      finish_token(start);
    }
  }
  finish_token(length);
  return tokens_;
}

}  // namespace dnmf::text
