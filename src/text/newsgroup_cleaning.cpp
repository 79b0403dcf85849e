#include "src/text/newsgroup_cleaning.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <vector>

#include "src/collective.hpp"

namespace dnmf::text {
namespace {

// Python's str.isspace(): Unicode White_Space plus the four information separators
// U+001C..U+001F, which Python counts as whitespace through their bidi class.
bool is_python_space(UChar32 c) { return u_isUWhiteSpace(c) || (c >= 0x1C && c <= 0x1F); }

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      return lines;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string join_lines(const std::vector<std::string_view>& lines, size_t count) {
  std::string joined;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) joined.push_back('\n');
    joined.append(lines[i]);
  }
  return joined;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool is_quote_line(std::string_view line) {
  for (const char* marker : {"writes in", "writes:", "wrote:", "says:", "said:"})
    if (line.find(marker) != std::string_view::npos) return true;
  return starts_with(line, "In article") || starts_with(line, "Quoted from") || starts_with(line, "|") ||
         starts_with(line, ">");
}

}  // namespace

NewsgroupCleaning parse_newsgroup_cleaning(const std::string& list) {
  NewsgroupCleaning cleaning;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string part = list.substr(start, end - start);
    if (part == "headers") cleaning.headers = true;
    else if (part == "footers") cleaning.footers = true;
    else if (part == "quotes") cleaning.quotes = true;
    else if (!part.empty())
      throw UserError("--strip: unknown part '" + part + "' (use headers, footers and/or quotes)");
    start = end + 1;
  }
  return cleaning;
}

std::string_view strip_python_whitespace(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t begin = 0;
  while (begin < length) {
    int32_t next = begin;
    UChar32 c;
    U8_NEXT(bytes, next, length, c);
    if (!is_python_space(c)) break;
    begin = next;
  }
  int32_t end = length;
  while (end > begin) {
    int32_t previous = end;
    UChar32 c;
    U8_PREV(bytes, begin, previous, c);
    if (!is_python_space(c)) break;
    end = previous;
  }
  return text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
}

std::string strip_newsgroup_header(std::string_view text) {
  const size_t blank_line = text.find("\n\n");
  if (blank_line == std::string_view::npos) return {};
  return std::string(text.substr(blank_line + 2));
}

std::string strip_newsgroup_footer(std::string_view text) {
  const auto lines = split_lines(strip_python_whitespace(text));
  size_t line_number = lines.size() - 1;
  for (;; --line_number) {
    std::string_view line = strip_python_whitespace(lines[line_number]);
    if (line.find_first_not_of('-') == std::string_view::npos) break;
    if (line_number == 0) break;
  }
  if (line_number > 0) return join_lines(lines, line_number);
  return std::string(text);
}

std::string strip_newsgroup_quoting(std::string_view text) {
  const auto lines = split_lines(text);
  std::string kept;
  bool first = true;
  for (std::string_view line : lines) {
    if (is_quote_line(line)) continue;
    if (!first) kept.push_back('\n');
    kept.append(line);
    first = false;
  }
  return kept;
}

std::string clean_newsgroup_post(std::string text, const NewsgroupCleaning& cleaning) {
  if (cleaning.headers) text = strip_newsgroup_header(text);
  if (cleaning.footers) text = strip_newsgroup_footer(text);
  if (cleaning.quotes) text = strip_newsgroup_quoting(text);
  return text;
}

}  // namespace dnmf::text
