#include "src/text/token_pattern.hpp"

#include <unicode/utypes.h>

#include <cstdio>

#include "src/base/errors.hpp"
#include "src/base/utf8.hpp"
#include "src/text/utf16.hpp"

namespace dnmf::text {
namespace {

// Python's classes spelled for ICU. Python's \w is a letter (L*), anything with a
// numeric type, or '_'; ICU's also takes combining marks. Python's \s adds U+001C..1F
// to ICU's White_Space. \d is Nd in both. Under (?a) all are ASCII.
struct ClassNames {
  std::string word, not_word, digit, not_digit, space, not_space;
};

ClassNames class_names(bool ascii) {
  if (ascii)
    return {
        "[A-Za-z0-9_]", "[^A-Za-z0-9_]", "[0-9]", "[^0-9]", R"([\t\n\x{0B}\f\r\x{20}])", R"([^\t\n\x{0B}\f\r\x{20}])"};
  return {R"([\p{L}\P{Numeric_Type=None}_])",  R"([^\p{L}\P{Numeric_Type=None}_])", R"(\p{Nd})", R"(\P{Nd})",
          R"([\p{White_Space}\x{1C}-\x{1F}])", R"([^\p{White_Space}\x{1C}-\x{1F}])"};
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string code_point_escape(unsigned long value) {
  char text[16];
  std::snprintf(text, sizeof text, "\\x{%lX}", value);
  return text;
}

// Reads a Python pattern left to right and writes its ICU form. Only what the two read
// differently is rewritten; the rest is copied as it is.
class PatternTranslator {
 public:
  explicit PatternTranslator(std::string_view pattern) : pattern_(pattern) {}

  std::string translate() {
    global_flags();
    names_ = class_names(ascii_);
    while (at_ < pattern_.size()) {
      const char c = pattern_[at_];
      if (c == '\\') {
        escape_outside_class();
      } else if (c == '[') {
        character_class();
      } else if (c == '(') {
        group_opening();
      } else if (c == '{') {
        if (!repeat_count()) {
          out_ += "\\{";  // Python reads a '{' that starts no count as itself
          ++at_;
        }
      } else if (c == '}') {
        out_ += "\\}";
        ++at_;
      } else if (c == '#' && verbose_) {
        while (at_ < pattern_.size() && pattern_[at_] != '\n') ++at_;  // a comment
      } else if (fold_literals_ && (is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0xC0)) {
        literal_in_brackets();
      } else {
        out_ += c;
        ++at_;
      }
    }
    return out_;
  }

 private:
  [[noreturn]] void refuse(size_t position, const std::string& problem) const {
    throw UserError("--token-pattern '" + std::string(pattern_) + "': " + problem + " at position " +
                    std::to_string(position) + " (the pattern is read as Python's re reads it)");
  }

  bool next_is(std::string_view text) const { return pattern_.substr(at_, text.size()) == text; }

  // Leading (?aiLmsux) groups: Python's flags for the whole pattern.
  void global_flags() {
    std::string passed;
    bool unicode = false;
    while (next_is("(?")) {
      size_t end = at_ + 2;
      while (end < pattern_.size() && std::string_view("aiLmsux").find(pattern_[end]) != std::string_view::npos) ++end;
      if (end == at_ + 2 || end >= pattern_.size() || pattern_[end] != ')') break;
      for (size_t i = at_ + 2; i < end; ++i) {
        const char flag = pattern_[i];
        if (flag == 'L') refuse(i, "the flag L (locale, for bytes patterns only)");
        if (flag == 'a') ascii_ = true;
        if (flag == 'u') unicode = true;
        if (flag == 'x') verbose_ = true;
        if (flag == 'i') fold_literals_ = true;
        if (flag == 'i' || flag == 'm' || flag == 's' || flag == 'x') passed += flag;
      }
      if (ascii_ && unicode) refuse(at_, "the flags a (ASCII) and u (Unicode) exclude each other");
      at_ = end + 1;
    }
    if (!passed.empty()) out_ += "(?" + passed + ")";
  }

  // "(?P<name>" and "(?P=name)" are Python's spellings; scoped flags lose u; global
  // flags past the start are an error in Python 3.11.
  void group_opening() {
    if (next_is("(?P<")) {
      const size_t close = pattern_.find('>', at_);
      if (close == std::string_view::npos) refuse(at_, "missing >, unterminated name");
      out_ += "(?<" + std::string(pattern_.substr(at_ + 4, close + 1 - at_ - 4));
      at_ = close + 1;
      return;
    }
    if (next_is("(?P=")) {
      const size_t close = pattern_.find(')', at_);
      if (close == std::string_view::npos) refuse(at_, "missing ), unterminated name");
      out_ += "\\k<" + std::string(pattern_.substr(at_ + 4, close - at_ - 4)) + ">";
      at_ = close + 1;
      return;
    }
    if (next_is("(?") && at_ + 2 < pattern_.size() &&
        std::string_view("aiLmsux-").find(pattern_[at_ + 2]) != std::string_view::npos) {
      size_t end = at_ + 2;
      std::string flags;
      while (end < pattern_.size() && std::string_view("aiLmsux-").find(pattern_[end]) != std::string_view::npos) {
        if (pattern_[end] == 'a' || pattern_[end] == 'L')
          refuse(end, "the flags a and L only at the start of the pattern, as (?a)");
        if (pattern_[end] != 'u') flags += pattern_[end];
        if (pattern_[end] == 'i' && flags.find('-') == std::string::npos) fold_literals_ = true;
        ++end;
      }
      if (end < pattern_.size() && pattern_[end] == ')') refuse(at_, "global flags not at the start of the expression");
      out_ += "(?" + flags;
      at_ = end;
      return;
    }
    out_ += '(';
    ++at_;
  }

  // At '{' outside a class: copies a repeat count ({m}, {m,}, {,n}, {m,n}) in ICU's
  // spelling, or returns false when Python reads the '{' as a literal.
  bool repeat_count() {
    size_t position = at_ + 1;
    const auto digits = [&] {
      const size_t start = position;
      while (position < pattern_.size() && is_digit(pattern_[position])) ++position;
      return std::string(pattern_.substr(start, position - start));
    };
    if (position < pattern_.size() && pattern_[position] == '}') return false;
    const std::string low = digits();
    const bool comma = position < pattern_.size() && pattern_[position] == ',';
    std::string high = low;
    if (comma) {
      ++position;
      high = digits();
    }
    if (position >= pattern_.size() || pattern_[position] != '}') return false;
    out_ += "{" + (low.empty() ? std::string("0") : low) + (comma ? "," + high : "") + "}";
    at_ = position + 1;
    return true;
  }

  // \x.., \u...., \U........ (at the backslash): the code point in ICU's spelling.
  std::string hex_escape(size_t digits) {
    const size_t start = at_ + 2;
    if (start + digits > pattern_.size()) refuse(at_, "incomplete escape");
    for (size_t i = start; i < start + digits; ++i)
      if (!is_hex(pattern_[i])) refuse(at_, "incomplete escape");
    const unsigned long value = std::stoul(std::string(pattern_.substr(start, digits)), nullptr, 16);
    if (value > 0x10FFFF) refuse(at_, "bad escape (beyond U+10FFFF)");
    at_ = start + digits;
    return code_point_escape(value);
  }

  // An octal escape of up to `longest` digits from `start`.
  std::string octal_escape(size_t start, size_t longest) {
    size_t end = start;
    while (end < pattern_.size() && end - start < longest && is_octal(pattern_[end])) ++end;
    const unsigned long value = std::stoul(std::string(pattern_.substr(start, end - start)), nullptr, 8);
    if (value > 0377) refuse(at_, "octal escape value outside of range 0-0o377");
    at_ = end;
    return code_point_escape(value);
  }

  // The escapes both readings share the meaning of, in and out of classes; empty if `e`
  // is none of them.
  std::string common_escape(char e) {
    const char* control = nullptr;
    switch (e) {
      case 'w': control = names_.word.c_str(); break;
      case 'W': control = names_.not_word.c_str(); break;
      case 'd': control = names_.digit.c_str(); break;
      case 'D': control = names_.not_digit.c_str(); break;
      case 's': control = names_.space.c_str(); break;
      case 'S': control = names_.not_space.c_str(); break;
      case 'x': return hex_escape(2);
      case 'u': return hex_escape(4);
      case 'U': return hex_escape(8);
      case 'N': {
        const size_t close = pattern_.find('}', at_);
        if (!next_is("\\N{") || close == std::string_view::npos) refuse(at_, "missing {} in \\N{name}");
        std::string name(pattern_.substr(at_, close + 1 - at_));
        at_ = close + 1;
        return name;
      }
      default: {
        const std::string_view controls = "a\af\fn\nr\rt\tv\v";
        const size_t found = controls.find(e);
        if (found == std::string_view::npos || found % 2 != 0) return "";
        at_ += 2;
        return code_point_escape(static_cast<unsigned char>(controls[found + 1]));
      }
    }
    at_ += 2;
    return control;
  }

  void escape_outside_class() {
    if (at_ + 1 >= pattern_.size()) refuse(at_, "bad escape (end of pattern)");
    const char e = pattern_[at_ + 1];
    const std::string word = names_.word;
    if (e == 'b') {
      out_ += "(?:(?<=" + word + ")(?!" + word + ")|(?<!" + word + ")(?=" + word + "))";
      at_ += 2;
    } else if (e == 'B') {
      out_ += "(?:(?<=" + word + ")(?=" + word + ")|(?<!" + word + ")(?!" + word + "))";
      at_ += 2;
    } else if (e == 'A' || e == 'Z') {
      out_ += e == 'A' ? "\\A" : "\\z";  // Python's \Z is the very end: ICU's \z
      at_ += 2;
    } else if (e == '0') {
      out_ += folded(octal_escape(at_ + 1, 3));
    } else if (is_digit(e)) {
      // Three octal digits are a character; otherwise a group reference, as in ICU.
      if (at_ + 3 < pattern_.size() && is_octal(e) && is_octal(pattern_[at_ + 2]) && is_octal(pattern_[at_ + 3])) {
        out_ += folded(octal_escape(at_ + 1, 3));
      } else {
        size_t end = at_ + 2;
        if (end < pattern_.size() && is_digit(pattern_[end])) ++end;
        out_ += pattern_.substr(at_, end - at_);
        at_ = end;
      }
    } else if (std::string escaped = common_escape(e); !escaped.empty()) {
      out_ += std::string_view("wWdDsS").find(e) == std::string_view::npos ? folded(escaped) : escaped;
    } else if (is_ascii_letter(e)) {
      refuse(at_, std::string("bad escape \\") + e);
    } else {
      literal_after_backslash();
    }
  }

  // Under (?i) ICU folds a literal fully ('ß' matches "ss", "st" matches 'ﬆ'), Python
  // simply; in a class ICU folds simply too, so each literal letter gets its own class.
  void literal_in_brackets() {
    const auto lead = static_cast<unsigned char>(pattern_[at_]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out_ += '[';
    out_ += pattern_.substr(at_, length);
    out_ += ']';
    at_ += length;
  }

  // A character written as an escape, outside a class: in brackets under (?i), as above.
  std::string folded(const std::string& character) const { return fold_literals_ ? "[" + character + "]" : character; }

  // Backslash and a character with no escape meaning: the character itself.
  void literal_after_backslash() {
    const auto c = static_cast<unsigned char>(pattern_[at_ + 1]);
    if (c >= 0x80) {  // a UTF-8 sequence: copied bare, ICU's quoting is for ASCII
      at_ += 1;
      return;
    }
    out_ += '\\';
    out_ += static_cast<char>(c);
    at_ += 2;
  }

  // From '[' to its ']'. Inside, Python's literals that ICU's sets read as syntax
  // ('[', '{', '&', '$', spaces...) are quoted.
  void character_class() {
    const size_t start = at_;
    out_ += '[';
    ++at_;
    if (at_ < pattern_.size() && pattern_[at_] == '^') {
      out_ += '^';
      ++at_;
    }
    for (bool first = true;; first = false) {
      if (at_ >= pattern_.size()) refuse(start, "unterminated character set");
      const char c = pattern_[at_];
      if (c == ']' && !first) {
        out_ += ']';
        ++at_;
        return;
      }
      if (c == '\\') {
        escape_in_class();
      } else if (c == '-' || is_digit(c) || is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80) {
        out_ += c;
        ++at_;
      } else {
        out_ += '\\';
        out_ += c;
        ++at_;
      }
    }
  }

  void escape_in_class() {
    if (at_ + 1 >= pattern_.size()) refuse(at_, "bad escape (end of pattern)");
    const char e = pattern_[at_ + 1];
    if (e == 'b') {  // backspace, inside a class
      out_ += code_point_escape(8);
      at_ += 2;
    } else if (is_octal(e)) {
      out_ += octal_escape(at_ + 1, 3);
    } else if (std::string escaped = common_escape(e); !escaped.empty()) {
      out_ += escaped;
    } else if (is_ascii_letter(e) || is_digit(e)) {
      refuse(at_, std::string("bad escape \\") + e);
    } else {
      literal_after_backslash();
    }
  }

  std::string_view pattern_;
  size_t at_ = 0;
  std::string out_;
  bool ascii_ = false, verbose_ = false, fold_literals_ = false;
  ClassNames names_;
};

}  // namespace

std::string python_pattern_for_icu(std::string_view pattern) { return PatternTranslator(pattern).translate(); }

TokenPattern::TokenPattern(const std::string& python_pattern) {
  const std::string icu = python_pattern_for_icu(python_pattern);
  // The command line is bytes: a pattern that is not UTF-8 is the user's to fix.
  if (!is_valid_utf8(icu)) throw UserError("--token-pattern: the pattern is not valid UTF-8");
  std::u16string units;
  const int32_t length = to_utf16(icu, units);
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  // UNIX_LINES: '.' and '$' know only '\n' as a line end, as in Python.
  regex_.reset(uregex_open(reinterpret_cast<const UChar*>(units.data()), length, UREGEX_UNIX_LINES, &where, &status));
  if (U_FAILURE(status))
    throw UserError("--token-pattern '" + python_pattern + "': not a pattern dnmf can run (" + u_errorName(status) +
                    " at offset " + std::to_string(where.offset) + " of its ICU form '" + icu + "')");
  const int32_t groups = uregex_groupCount(regex_.get(), &status);
  if (groups > 1)
    throw UserError(
        "--token-pattern '" + python_pattern +
        "': more than 1 capturing group; only a single group should be captured (as scikit-learn requires)");
  captures_group_ = groups == 1;
}

const std::vector<std::pair<int32_t, int32_t>>& TokenPattern::find(std::u16string_view text) {
  static const UChar nothing[1] = {0};
  spans_.clear();
  UErrorCode status = U_ZERO_ERROR;
  const auto* units = text.empty() ? nothing : reinterpret_cast<const UChar*>(text.data());
  uregex_setText(regex_.get(), units, static_cast<int32_t>(text.size()), &status);
  const int32_t group = captures_group_ ? 1 : 0;
  while (U_SUCCESS(status) && uregex_findNext(regex_.get(), &status)) {
    const int32_t begin = uregex_start(regex_.get(), group, &status);
    const int32_t end = uregex_end(regex_.get(), group, &status);
    // A group that took no part in the match: re.findall lists ''.
    spans_.emplace_back(begin < 0 ? 0 : begin, begin < 0 ? 0 : end);
  }
  check_icu(status, "regex matching");
  return spans_;
}

}  // namespace dnmf::text
