// Expected tokens follow from Python's rules: str.lower() then re.findall(r"(?u)\b\w\w+\b")
// with \w = str.isalnum() or '_'. Each case notes the rule it exercises.
#include <catch2/catch.hpp>

#include "src/text/analyzer.hpp"

using namespace dnmf::text;
using Tokens = std::vector<std::string>;

namespace {
Tokens tokens_of(Analyzer& analyzer, const std::string& text) {
  const auto views = analyzer.tokens(text);
  return Tokens(views.begin(), views.end());
}
}  // namespace

TEST_CASE("ASCII: runs of two or more word characters, lowercased") {
  Analyzer analyzer({});
  CHECK(tokens_of(analyzer, "Hello, World! foo_bar x 42") == Tokens{"hello", "world", "foo_bar", "42"});
  CHECK(tokens_of(analyzer, "e-mail U.S.A. don't") == Tokens{"mail", "don"});
}

TEST_CASE("English stop words go after tokenizing") {
  Analyzer analyzer(english_stop_words());
  CHECK(english_stop_words().size() == 318);
  CHECK(tokens_of(analyzer, "The space AND the shuttle") == Tokens{"space", "shuttle"});
}

TEST_CASE("Unicode lowercasing is Python's str.lower") {
  Analyzer analyzer({});
  // final sigma: the last capital sigma of a word lowercases to U+03C2
  CHECK(tokens_of(analyzer, "\xce\x9f\xce\x94\xce\x9f\xce\xa3") == Tokens{"\xce\xbf\xce\xb4\xce\xbf\xcf\x82"});
  // capital I with dot above -> "i" + U+0307 COMBINING DOT ABOVE, a mark, which splits "ix"
  CHECK(tokens_of(analyzer, "\xc4\xb0x").empty());
  // titlecase DZ digraph lowercases to U+01C6
  CHECK(tokens_of(analyzer,
                  "\xc7\x85"
                  "emal") == Tokens{"\xc7\x86"
                                    "emal"});
}

TEST_CASE("Word characters: letters, numerics and underscore, not marks") {
  Analyzer analyzer({});
  CHECK(tokens_of(analyzer, "in\xc2\xb9 with\xc2\xb9") == Tokens{"in\xc2\xb9", "with\xc2\xb9"});  // superscript one
  CHECK(tokens_of(analyzer, "cafe\xcc\x81") == Tokens{"cafe"});  // U+0301 combining acute is not \w
  // Roman numerals (category Nl) are numeric, and lowercase to U+217B U+2173
  CHECK(tokens_of(analyzer, "\xe2\x85\xab\xe2\x85\xa3") == Tokens{"\xe2\x85\xbb\xe2\x85\xb3"});
  CHECK(is_python_word_character(U'_'));
  CHECK(is_python_word_character(U'\u00bd'));  // VULGAR FRACTION ONE HALF
  CHECK(is_python_word_character(U'\u6f22'));  // CJK ideograph
  CHECK_FALSE(is_python_word_character(U'\u00a0'));
  CHECK_FALSE(is_python_word_character(U'-'));
}
