#pragma once
// scikit-learn's token_pattern: a pattern of Python's `re` whose matches are the tokens
// (or, when it has one capturing group, what that group captured), listed as
// re.findall lists them. dnmf runs it on ICU's regex engine, after rewriting the
// constructs the two read differently (python_pattern_for_icu): \w, \b, \s and their
// complements name Python's character classes, \Z is ICU's \z, (?P<name>...) is
// (?<name>...), a '{' that starts no repeat count is a literal, and so on.
#include <unicode/uregex.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dnmf::text {

// TfidfVectorizer's default, which the analyzer runs without a regex engine.
inline constexpr std::string_view default_token_pattern = R"((?u)\b\w\w+\b)";

// The ICU pattern that matches what `re` matches with `pattern` (str patterns, Python
// 3.11). UserError, naming the option and the position, for what `re` refuses: a bad
// escape, an unterminated class, the bytes-only flag L.
std::string python_pattern_for_icu(std::string_view pattern);

class TokenPattern {
 public:
  // UserError when the pattern is refused by either reading, or has more than one
  // capturing group (scikit-learn refuses those too).
  explicit TokenPattern(const std::string& python_pattern);

  // The tokens of `text` as [begin, end) ranges of its UTF-16 code units, in order.
  // Valid until the next call.
  const std::vector<std::pair<int32_t, int32_t>>& find(std::u16string_view text);

 private:
  struct Close {
    void operator()(URegularExpression* regex) const { uregex_close(regex); }
  };
  std::unique_ptr<URegularExpression, Close> regex_;
  bool captures_group_ = false;  // one capturing group: its text is the token
  std::vector<std::pair<int32_t, int32_t>> spans_;
};

}  // namespace dnmf::text
