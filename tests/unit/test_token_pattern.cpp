// Expected tokens are re.findall(pattern, text.lower()) worked out by hand with Python's
// rules (3.11): \w is a letter, anything with a numeric type, or '_' (not a combining
// mark); \s adds U+001C..1F to Unicode's White_Space; \Z is the very end; a '{' that
// starts no repeat count is a literal; one capturing group gives the group's text.
#include <catch2/catch.hpp>

#include "src/base/errors.hpp"
#include "src/text/analyzer.hpp"

using namespace dnmf::text;
using Tokens = std::vector<std::string>;

namespace {
Tokens tokens_with(const std::string& pattern, const std::string& text) {
  AnalyzerOptions options;
  options.token_pattern = pattern;
  Analyzer analyzer({}, options);
  const auto views = analyzer.tokens(text);
  return Tokens(views.begin(), views.end());
}
}  // namespace

TEST_CASE("Token pattern: Python's \\w and \\b, not ICU's") {
  // U+0301 COMBINING ACUTE is no word character in Python: "x\u0301y" is x, y.
  CHECK(tokens_with(R"(\b\w+\b)", "x\xcc\x81y") == Tokens{"x", "y"});
  // '½' (U+00BD) has a numeric type: a word character.
  CHECK(tokens_with(R"(\w+)", "a\xc2\xbd b") == Tokens{"a\xc2\xbd", "b"});
  // The default pattern's regex form agrees with the analyzer's own loop.
  CHECK(tokens_with(R"((?u)\b\w\w+\b )", "ab c de ") == Tokens{"ab ", "de "});
}

TEST_CASE("Token pattern: Python's \\s takes U+001C..U+001F") {
  CHECK(tokens_with(R"(\S+)",
                    "a\x1c"
                    "b c") == Tokens{"a", "b", "c"});
}

TEST_CASE("Token pattern: one capturing group gives its text") {
  // (\w+)-\w+ on "state-of-the-art x-y": "state-of", "the-art", "x-y" match; the group
  // holds the part before each hyphen.
  CHECK(tokens_with(R"((\w+)-\w+)", "state-of-the-art x-y") == Tokens{"state", "the", "x"});
}

TEST_CASE("Token pattern: Python's spellings of counts, ends and names") {
  CHECK(tokens_with(R"(a{,2})", "aaa") == Tokens{"aa", "a", ""});  // {,2} is {0,2}; an empty match at the end
  CHECK(tokens_with(R"(x{y})", "x{y} xy") == Tokens{"x{y}"});      // "{y}" is no count: literal
  CHECK(tokens_with(R"(\w+\Z)", "ab cd\n") == Tokens{});           // \Z is the very end, past the newline
  CHECK(tokens_with(R"(\w+$)", "ab cd\n") == Tokens{"cd"});        // $ may stand before a final newline
  CHECK(tokens_with(R"((?P<c>\w)(?P=c))", "aab bcc") == Tokens{"a", "c"});
  CHECK(tokens_with(R"((?a)\w+)", "caf\xc3\xa9") == Tokens{"caf"});
  CHECK(tokens_with(R"(\x41|\u00e9|\101)", "\xc3\xa9") == Tokens{"\xc3\xa9"});  // lowercased text has no 'A'
}

TEST_CASE("Token pattern: (?i) folds case simply, as Python") {
  // Simple case folding: 'ß' matches itself and U+1E9E (capital sharp s), not "ss";
  // "st" does not match U+FB06 (the st ligature).
  CHECK(tokens_with(R"((?i)\xdf)", "ss \xc3\x9f") == Tokens{"\xc3\x9f"});
  CHECK(tokens_with(R"((?i)ß)", "ss \xc3\x9f") == Tokens{"\xc3\x9f"});
  CHECK(tokens_with(R"((?i)st)", "\xef\xac\x86 st") == Tokens{"st"});
  CHECK(tokens_with(R"((?i:ab)c)", "AbC abc") == Tokens{"abc", "abc"});  // both lowercased first
}

TEST_CASE("Token pattern: what Python's re refuses is refused") {
  CHECK_THROWS_WITH(tokens_with(R"(\p{L}+)", "x"), Catch::Contains("bad escape \\p at position 0"));
  CHECK_THROWS_WITH(tokens_with(R"([a-z)", "x"), Catch::Contains("unterminated character set"));
  CHECK_THROWS_WITH(tokens_with(R"(x(?i)y)", "x"), Catch::Contains("global flags not at the start"));
  CHECK_THROWS_WITH(tokens_with(R"((a)(b))", "x"), Catch::Contains("more than 1 capturing group"));
  CHECK_THROWS_AS(tokens_with(R"((a)", "x"), dnmf::UserError);
}
