// Names that are not UTF-8 stored as UTF-8 (src/base/utf8.hpp). The expected strings are
// worked out by hand from Unicode's table 3-7 of well-formed byte sequences, and agree
// with Python's bytes.decode("utf-8", "backslashreplace") on each input.
#include <catch2/catch.hpp>

#include <string>

#include "src/base/utf8.hpp"

using dnmf::escape_invalid_utf8;
using dnmf::is_valid_utf8;

TEST_CASE("valid UTF-8 comes back unchanged", "[utf8]") {
  for (const std::string text :
       {"", "plain", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"}) {
    CHECK(is_valid_utf8(text));
    CHECK(escape_invalid_utf8(text) == text);
  }
}

TEST_CASE("bytes outside a well-formed sequence become \\xNN", "[utf8]") {
  CHECK(escape_invalid_utf8("caf\xe9") == "caf\\xe9");                       // Latin-1 e-acute
  CHECK(escape_invalid_utf8("\xc0\x80") == "\\xc0\\x80");                    // overlong NUL
  CHECK(escape_invalid_utf8("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a surrogate
  CHECK(escape_invalid_utf8("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
  CHECK(escape_invalid_utf8("a\xe2\x82") == "a\\xe2\\x82");                  // cut short at the end
  CHECK(escape_invalid_utf8("\xff\xc3\xa9") == "\\xff\xc3\xa9");             // a good sequence after a bad byte
  CHECK_FALSE(is_valid_utf8("caf\xe9"));
  CHECK(is_valid_utf8(escape_invalid_utf8("\xfe\xff\x80")));
}
