#include "src/text/newsgroup_cleaning.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <vector>

#include "src/base/errors.hpp"

namespace dnmf::text {
namespace {

// Python's str.isspace(): Unicode White_Space plus the four information separators
// U+001C..U+001F, which Python counts as whitespace through their bidi class.
bool is_python_space(UChar32 c) { return u_isUWhiteSpace(c) || (c >= 0x1C && c <= 0x1F); }

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// One pass over the colons instead of one search per marker: this runs on every line.
bool is_quote_line(std::string_view line) {
  if (line.empty()) return false;
  if (line[0] == '>' || line[0] == '|' || starts_with(line, "In article") || starts_with(line, "Quoted from"))
    return true;
  for (size_t colon = line.find(':'); colon != std::string_view::npos; colon = line.find(':', colon + 1)) {
    const std::string_view before = line.substr(0, colon);
    if (ends_with(before, "writes") || ends_with(before, "wrote") || ends_with(before, "says") ||
        ends_with(before, "said"))
      return true;
  }
  return line.find("writes in") != std::string_view::npos;
}

}  // namespace

NewsgroupCleaning parse_newsgroup_cleaning(const std::string& list) {
  NewsgroupCleaning cleaning;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string part = list.substr(start, end - start);
    if (part == "headers")
      cleaning.headers = true;
    else if (part == "footers")
      cleaning.footers = true;
    else if (part == "quotes")
      cleaning.quotes = true;
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

namespace {

// The cleaning steps as views into their input where scikit-learn's result is a prefix
// or suffix of it, so a post is copied once, not once per step.
std::string_view header_removed(std::string_view text) {
  const size_t blank_line = text.find("\n\n");
  if (blank_line == std::string_view::npos) return {};
  return text.substr(blank_line + 2);
}

std::string_view footer_removed(std::string_view text) {
  // scikit-learn: lines = text.strip().split("\n"); scan from the last line for one that
  // is blank or dashes; keep lines[:i] when i > 0, else the whole (unstripped) text.
  const std::string_view stripped = strip_python_whitespace(text);
  size_t line_end = stripped.size();
  while (true) {
    const size_t newline = line_end == 0 ? std::string_view::npos : stripped.rfind('\n', line_end - 1);
    const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
    const std::string_view line = strip_python_whitespace(stripped.substr(line_start, line_end - line_start));
    const bool separator = line.find_first_not_of('-') == std::string_view::npos;
    if (newline == std::string_view::npos) return text;  // reached the first line
    if (separator) return stripped.substr(0, newline);
    line_end = newline;
  }
}

// Appends the lines of `text` that are not quotes to `kept`; returns false, appending
// nothing, when there is no quote line at all (the caller can then keep `text` itself).
bool append_unquoted(std::string_view text, std::string& kept) {
  bool copying = false;
  bool first = true;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (is_quote_line(line)) {
      if (!copying) {
        // First quote line: everything before it is kept as it stands.
        kept.append(text.substr(0, start > 0 ? start - 1 : 0));
        first = start == 0;
        copying = true;
      }
    } else if (copying) {
      if (!first) kept.push_back('\n');
      kept.append(line);
      first = false;
    }
    start = end + 1;
  }
  return copying;
}

}  // namespace

std::string strip_newsgroup_header(std::string_view text) { return std::string(header_removed(text)); }

std::string strip_newsgroup_footer(std::string_view text) { return std::string(footer_removed(text)); }

std::string strip_newsgroup_quoting(std::string_view text) {
  std::string kept;
  return append_unquoted(text, kept) ? kept : std::string(text);
}

std::string_view clean_newsgroup_post(std::string_view text, const NewsgroupCleaning& cleaning, std::string& buffer) {
  if (cleaning.headers) text = header_removed(text);
  if (cleaning.footers) text = footer_removed(text);
  if (!cleaning.quotes) return text;
  buffer.clear();
  return append_unquoted(text, buffer) ? std::string_view(buffer) : text;
}

std::string clean_newsgroup_post(std::string_view text, const NewsgroupCleaning& cleaning) {
  std::string buffer;
  return std::string(clean_newsgroup_post(text, cleaning, buffer));
}

}  // namespace dnmf::text
