#include "src/text/decode.hpp"

#include <cstring>

#include "src/base/errors.hpp"

namespace dnmf::text {

Encoding parse_encoding(const std::string& name) {
  if (name == "utf-8" || name == "utf8" || name == "UTF-8") return Encoding::utf8;
  if (name == "latin-1" || name == "latin1" || name == "iso-8859-1" || name == "ISO-8859-1") return Encoding::latin1;
  throw UserError("--encoding: unknown encoding '" + name + "' (use utf-8 or latin-1)");
}

DecodeErrors parse_decode_errors(const std::string& name) {
  if (name == "strict") return DecodeErrors::strict;
  if (name == "replace") return DecodeErrors::replace;
  throw UserError("--decode-error: unknown value '" + name + "' (use strict or replace)");
}

namespace {

// Length of the valid prefix of a UTF-8 sequence starting at `bytes` (Unicode table 3-7):
// returns the sequence length when complete and valid, otherwise 0 and sets
// `maximal_subpart` to the number of bytes that form the longest invalid prefix.
size_t valid_sequence_length(const unsigned char* bytes, size_t available, size_t& maximal_subpart) {
  const unsigned char lead = bytes[0];
  size_t length = 0;
  unsigned char second_low = 0x80, second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
  } else {
    maximal_subpart = 1;
    return 0;
  }
  size_t i = 1;
  for (; i < length && i < available; ++i) {
    const unsigned char low = i == 1 ? second_low : 0x80;
    const unsigned char high = i == 1 ? second_high : 0xBF;
    if (bytes[i] < low || bytes[i] > high) break;
  }
  if (i == length) return length;
  maximal_subpart = i;
  return 0;
}

}  // namespace

std::string decode_to_utf8(std::string_view raw, Encoding encoding, DecodeErrors errors, const std::string& source,
                           size_t base_offset) {
  std::string decoded;
  return std::string(decode_to_utf8(raw, encoding, errors, source, base_offset, decoded));
}

std::string_view decode_to_utf8(std::string_view raw, Encoding encoding, DecodeErrors errors, const std::string& source,
                                size_t base_offset, std::string& decoded) {
  size_t ascii_prefix = 0;
  while (ascii_prefix < raw.size() && static_cast<unsigned char>(raw[ascii_prefix]) < 0x80) ++ascii_prefix;
  if (ascii_prefix == raw.size()) return raw;
  decoded.clear();
  decoded.reserve(raw.size() + raw.size() / 16);
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  const size_t size = raw.size();
  size_t i = 0;
  while (i < size) {
    // Most text is ASCII: copy such runs without looking at them twice.
    size_t run = i;
    while (run < size && bytes[run] < 0x80) ++run;
    decoded.append(raw.data() + i, run - i);
    i = run;
    if (i >= size) break;
    if (encoding == Encoding::latin1) {
      decoded.push_back(static_cast<char>(0xC0 | (bytes[i] >> 6)));
      decoded.push_back(static_cast<char>(0x80 | (bytes[i] & 0x3F)));
      ++i;
      continue;
    }
    size_t maximal_subpart = 0;
    const size_t length = valid_sequence_length(bytes + i, size - i, maximal_subpart);
    if (length > 0) {
      decoded.append(raw.data() + i, length);
      i += length;
      continue;
    }
    if (errors == DecodeErrors::strict) {
      char byte_text[8];
      std::snprintf(byte_text, sizeof byte_text, "0x%02X", bytes[i]);
      throw UserError(source + ": invalid UTF-8 at byte offset " + std::to_string(base_offset + i) + " (byte " +
                      byte_text + "; use --encoding latin-1 or --decode-error replace)");
    }
    decoded += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    i += maximal_subpart;
  }
  return decoded;
}

void reject_binary(std::string_view raw, const std::string& source, size_t base_offset) {
  const void* nul = std::memchr(raw.data(), 0, raw.size());
  if (nul == nullptr) return;
  const size_t offset = static_cast<const char*>(nul) - raw.data();
  throw UserError(source + ": binary file (NUL byte at byte offset " + std::to_string(base_offset + offset) + ")");
}

}  // namespace dnmf::text
