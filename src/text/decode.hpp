#pragma once
// Turning a document's raw bytes into UTF-8 text, the way Python's bytes.decode does, so
// that tokens match scikit-learn's byte for byte. UTF-8 and Latin-1 are decoded here;
// every other encoding through one of ICU's converters.
#include <string>
#include <string_view>

namespace dnmf::text {

struct Encoding {
  enum Kind { utf8, latin1, icu };
  Encoding(Kind kind = utf8) : kind(kind) {}  // implicit: Encoding::utf8 stands for the encoding
  Kind kind;
  std::string name;              // an ICU converter's name, for icu
  bool ascii_compatible = true;  // bytes 1..127 are those code points: ASCII text needs no decoding
  bool splits_on_ascii = true;   // at least \t, \n, \r and ' '..'~' are: lines and fields split on them
  bool wide = false;             // UTF-16 or UTF-32: NUL bytes are part of the text
};
enum class DecodeErrors { strict, replace };

// "utf-8", "latin-1" (and their other spellings), or any name ICU's converters know
// ("cp1252", "shift_jis", "gb18030", "koi8-r", "utf-16"...): UserError if none does.
Encoding parse_encoding(const std::string& name);
DecodeErrors parse_decode_errors(const std::string& name);  // "strict", "replace"

// Decodes `raw` to UTF-8. Under strict an invalid sequence throws UserError
// "<source>: invalid UTF-8 at byte offset N (...)" (or "bytes not valid in ENCODING");
// under replace each maximal invalid subpart of UTF-8 becomes U+FFFD, as Python does,
// and each sequence an ICU converter rejects becomes one U+FFFD. `source` names the
// file in messages and `base_offset` is where `raw` starts inside it.
std::string decode_to_utf8(std::string_view raw, const Encoding& encoding, DecodeErrors errors,
                           const std::string& source, size_t base_offset = 0);

// The same, without a copy when `raw` is ASCII and the encoding ASCII-compatible: returns
// `raw` itself or a view of `buffer`, which it reuses.
std::string_view decode_to_utf8(std::string_view raw, const Encoding& encoding, DecodeErrors errors,
                                const std::string& source, size_t base_offset, std::string& buffer);

// Throws UserError "<source>: binary file (NUL byte at byte offset N)" if `raw` holds a NUL.
void reject_binary(std::string_view raw, const std::string& source, size_t base_offset = 0);

}  // namespace dnmf::text
