#include "src/text/utf16.hpp"

#include <unicode/ustring.h>

#include <stdexcept>

namespace dnmf::text {

void check_icu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU ") + what + " failed: " + u_errorName(status));
}

int32_t to_utf16(std::string_view text, std::u16string& utf16) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  utf16.resize(text.size() + 1);
  u_strFromUTF8(reinterpret_cast<UChar*>(utf16.data()), static_cast<int32_t>(utf16.size()), &length, text.data(),
                static_cast<int32_t>(text.size()), &status);
  check_icu(status, "UTF-8 to UTF-16 conversion");
  utf16.resize(static_cast<size_t>(length));
  return length;
}

void to_utf8(std::u16string_view utf16, std::string& utf8) {
  utf8.resize(utf16.size() * 3 + 1);  // a UTF-16 unit is at most 3 bytes of UTF-8
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &length, reinterpret_cast<const UChar*>(utf16.data()),
              static_cast<int32_t>(utf16.size()), &status);
  check_icu(status, "UTF-16 to UTF-8 conversion");
  utf8.resize(static_cast<size_t>(length));
}

}  // namespace dnmf::text
