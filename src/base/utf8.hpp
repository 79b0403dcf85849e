#pragma once
// Text that must be UTF-8 where it is stored (HDF5 string tables and attributes, JSON)
// but comes from the file system, whose names are bytes: a name may hold bytes that are
// not UTF-8 (a Latin-1 folder name, say).
#include <string>
#include <string_view>

namespace dnmf {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points
// beyond U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with each byte that is not part of a well-formed UTF-8 sequence written as
// "\xNN" (Python's "backslashreplace"), so that the result is valid UTF-8 and still
// tells the original bytes apart. Valid text comes back unchanged.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace dnmf
