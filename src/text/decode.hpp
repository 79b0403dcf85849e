#pragma once
// Turning a document's raw bytes into UTF-8 text, the way Python's bytes.decode does for
// the encodings dnmf accepts, so that tokens match scikit-learn's byte for byte.
#include <string>
#include <string_view>

namespace dnmf::text {

enum class Encoding { utf8, latin1 };
enum class DecodeErrors { strict, replace };

Encoding parse_encoding(const std::string& name);           // "utf-8"/"utf8", "latin-1"/"latin1"/"iso-8859-1"
DecodeErrors parse_decode_errors(const std::string& name);  // "strict", "replace"

// Decodes `raw` to UTF-8. Under utf-8 + strict an invalid sequence throws UserError
// "<source>: invalid UTF-8 at byte offset N (...)"; under replace each maximal invalid
// subpart becomes U+FFFD, as Python does. `source` names the file in messages and
// `base_offset` is where `raw` starts inside it.
std::string decode_to_utf8(std::string_view raw, Encoding encoding, DecodeErrors errors, const std::string& source,
                           size_t base_offset = 0);

// The same, without a copy when `raw` is ASCII (valid as is in every encoding): returns
// `raw` itself or a view of `buffer`, which it reuses.
std::string_view decode_to_utf8(std::string_view raw, Encoding encoding, DecodeErrors errors, const std::string& source,
                                size_t base_offset, std::string& buffer);

// Throws UserError "<source>: binary file (NUL byte at byte offset N)" if `raw` holds a NUL.
void reject_binary(std::string_view raw, const std::string& source, size_t base_offset = 0);

}  // namespace dnmf::text
