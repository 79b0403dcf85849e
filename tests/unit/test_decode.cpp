// Decoding rules: Latin-1 maps each byte to the code point of the same value; invalid
// UTF-8 is replaced per maximal subpart (Unicode 15, section 3.9, "U+FFFD Substitution of
// Maximal Subparts"), which is what Python's errors='replace' does.
#include <catch2/catch.hpp>

#include "src/base/errors.hpp"
#include "src/text/decode.hpp"

using namespace dnmf::text;

namespace {
const std::string kReplacement = "\xef\xbf\xbd";
std::string replace(const std::string& raw) { return decode_to_utf8(raw, Encoding::utf8, DecodeErrors::replace, "t"); }
}  // namespace

TEST_CASE("latin-1 bytes become their code points") {
  CHECK(decode_to_utf8("caf\xe9 \xb9", Encoding::latin1, DecodeErrors::strict, "t") == "caf\xc3\xa9 \xc2\xb9");
}

TEST_CASE("strict utf-8 names the file and the byte offset") {
  CHECK(decode_to_utf8("ok \xc3\xa9", Encoding::utf8, DecodeErrors::strict, "t") == "ok \xc3\xa9");
  try {
    decode_to_utf8("ab\xff", Encoding::utf8, DecodeErrors::strict, "doc.txt", 100);
    FAIL("no error");
  } catch (const dnmf::UserError& error) {
    CHECK(std::string(error.what()).find("doc.txt: invalid UTF-8 at byte offset 102") == 0);
  }
}

TEST_CASE("replacement follows maximal subparts") {
  CHECK(replace("\xe2\x82 x") == kReplacement + " x");                           // truncated 3-byte sequence
  CHECK(replace("\xed\xa0\x80") == kReplacement + kReplacement + kReplacement);  // surrogate: ED alone
  CHECK(replace("\xf0\x9f\x98") == kReplacement);                                // truncated 4-byte sequence
  CHECK(replace("\xf4\x90\x80\x80") == kReplacement + kReplacement + kReplacement + kReplacement);  // > U+10FFFF
  CHECK(replace("a\xc0\xaf"
                "b") == "a" + kReplacement + kReplacement + "b");  // overlong
}

TEST_CASE("a NUL byte marks a binary file") {
  CHECK_NOTHROW(reject_binary("plain text", "f"));
  CHECK_THROWS_WITH(reject_binary(std::string("ab\0c", 4), "f.bin", 10), Catch::Contains("byte offset 12"));
}
