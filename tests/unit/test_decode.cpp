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

// Other encodings go through ICU's converters; the code points below are those of the
// encodings' published tables (cp1252: 0x80 euro sign U+20AC, 0x93/0x94 curly quotes
// U+201C/U+201D; Shift_JIS: 0x82 0xA0 hiragana a U+3042; KOI8-R: 0xC1 U+0430).
TEST_CASE("encodings ICU converts") {
  const auto decode = [](const std::string& raw, const std::string& name, DecodeErrors errors = DecodeErrors::strict) {
    return decode_to_utf8(raw, parse_encoding(name), errors, "doc.txt", 10);
  };
  CHECK(decode("\x93quoted\x94 \x80", "cp1252") == "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac");
  CHECK(decode("a\x82\xa0", "shift_jis") == "a\xe3\x81\x82");
  CHECK(decode("\xc1", "KOI8-R") == "\xd0\xb0");
  const Encoding utf16 = parse_encoding("utf-16le");
  CHECK(utf16.wide);
  CHECK_FALSE(utf16.ascii_compatible);
  CHECK(decode_to_utf8(std::string("a\0b\0", 4), utf16, DecodeErrors::strict, "t") == "ab");
  CHECK(parse_encoding("cp1252").ascii_compatible);
  CHECK(parse_encoding("shift_jis").splits_on_ascii);
  CHECK_FALSE(parse_encoding("utf-16").splits_on_ascii);
  CHECK(parse_encoding("Latin_1").kind == Encoding::latin1);
  // A lead byte with no trail byte: byte offset 10 + 1.
  CHECK_THROWS_WITH(decode("a\x82", "shift_jis"),
                    Catch::Contains("doc.txt: bytes not valid in shift_jis at byte offset 11"));
  CHECK(decode("a\x82", "shift_jis", DecodeErrors::replace) == "a\xef\xbf\xbd");
  CHECK_THROWS_WITH(parse_encoding("klingon-8"), Catch::Contains("unknown encoding 'klingon-8'"));
}
