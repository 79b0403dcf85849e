#pragma once
// UTF-8 to UTF-16 and back, for ICU's functions that take UTF-16 (case mapping,
// normalization, regular expressions, converters), into buffers reused from call to call.
#include <unicode/utypes.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace dnmf::text {

// Throws "ICU <what> failed: <error>" when `status` is a failure (a bug, not bad input).
void check_icu(UErrorCode status, const char* what);

// `text` (valid UTF-8) as UTF-16 in `utf16`, resized to fit; returns its length.
int32_t to_utf16(std::string_view text, std::u16string& utf16);

// `utf16` as UTF-8 in `utf8`, resized to fit.
void to_utf8(std::u16string_view utf16, std::string& utf8);

}  // namespace dnmf::text
