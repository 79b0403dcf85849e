#include "src/text/decode.hpp"

#include <unicode/ucnv.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "src/base/errors.hpp"
#include "src/text/utf16.hpp"

namespace dnmf::text {
namespace {

struct CloseConverter {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};
using Converter = std::unique_ptr<UConverter, CloseConverter>;

// ICU's converter of that name, reset, with errors stopping the conversion; the last
// one opened on this thread is kept for the next document.
UConverter* converter_named(const std::string& name) {
  thread_local std::string open_name;
  thread_local Converter open;
  if (!open || open_name != name) {
    UErrorCode status = U_ZERO_ERROR;
    Converter converter(ucnv_open(name.c_str(), &status));
    if (U_FAILURE(status) || !converter)
      throw UserError("--encoding: unknown encoding '" + name +
                      "' (neither utf-8, latin-1 nor a converter ICU knows, such as cp1252, shift_jis or koi8-r)");
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    open = std::move(converter);
    open_name = name;
  }
  ucnv_reset(open.get());
  return open.get();
}

// The name without case, '-', '_' or spaces, as ICU compares converter names.
std::string plain_name(const std::string& name) {
  std::string plain;
  for (char c : name)
    if (c != '-' && c != '_' && c != ' ') plain += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return plain;
}

}  // namespace

Encoding parse_encoding(const std::string& name) {
  const std::string plain = plain_name(name);
  if (plain == "utf8") return Encoding::utf8;
  if (plain == "latin1" || plain == "iso88591" || plain == "l1") return Encoding::latin1;
  Encoding encoding(Encoding::icu);
  encoding.name = name;
  UConverter* converter = converter_named(name);
  encoding.wide = ucnv_getMinCharSize(converter) > 1;
  // ASCII-compatible: the bytes 1..127 come out as the same code points.
  std::string ascii;
  for (int byte = 1; byte < 128; ++byte) ascii += static_cast<char>(byte);
  std::u16string units(ascii.size() + 8, u'\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length =
      ucnv_toUChars(converter, reinterpret_cast<UChar*>(units.data()), static_cast<int32_t>(units.size()), ascii.data(),
                    static_cast<int32_t>(ascii.size()), &status);
  const bool whole = U_SUCCESS(status) && length == static_cast<int32_t>(ascii.size());
  encoding.ascii_compatible = whole && std::equal(ascii.begin(), ascii.end(), units.begin());
  // IBM's Shift_JIS (ICU's shift_jis) swaps the controls 0x1A, 0x1C and 0x7F: still
  // splittable, but decoded through ICU.
  encoding.splits_on_ascii = whole;
  for (size_t i = 0; whole && i < ascii.size(); ++i) {
    const char byte = ascii[i];
    if ((byte >= ' ' && byte <= '~') || byte == '\t' || byte == '\n' || byte == '\r')
      encoding.splits_on_ascii = encoding.splits_on_ascii && units[i] == static_cast<char16_t>(byte);
  }
  return encoding;
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

// `raw` through ICU's converter, to UTF-8 in `decoded`.
void decode_with_icu(std::string_view raw, const Encoding& encoding, DecodeErrors errors, const std::string& source,
                     size_t base_offset, std::string& decoded) {
  UConverter* converter = converter_named(encoding.name);
  std::u16string units(raw.size() + 16, u'\0');
  auto* target = reinterpret_cast<UChar*>(units.data());
  const char* next = raw.data();
  const char* const end = raw.data() + raw.size();
  auto grow = [&] {  // twice the room, `target` kept at the same unit
    const size_t written = target - reinterpret_cast<UChar*>(units.data());
    units.resize(units.size() * 2);
    target = reinterpret_cast<UChar*>(units.data()) + written;
  };
  while (true) {
    const char* const before = next;
    UErrorCode status = U_ZERO_ERROR;
    UChar* const target_end = reinterpret_cast<UChar*>(units.data()) + units.size();
    ucnv_toUnicode(converter, &target, target_end, &next, end, nullptr, true, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      grow();
      continue;
    }
    if (U_SUCCESS(status)) break;
    if (next == before && status != U_TRUNCATED_CHAR_FOUND)
      throw std::runtime_error(std::string("ICU conversion made no progress: ") + u_errorName(status));
    char invalid[32];
    int8_t invalid_length = sizeof invalid;
    UErrorCode ignored = U_ZERO_ERROR;
    ucnv_getInvalidChars(converter, invalid, &invalid_length, &ignored);
    if (U_FAILURE(ignored)) invalid_length = 0;
    if (errors == DecodeErrors::strict) {
      const size_t offset = static_cast<size_t>(next - raw.data()) - static_cast<size_t>(invalid_length);
      std::string shown;
      for (int i = 0; i < invalid_length && i < 4; ++i) {
        char byte_text[8];
        std::snprintf(byte_text, sizeof byte_text, "%s0x%02X", i ? " " : "", static_cast<unsigned char>(invalid[i]));
        shown += byte_text;
      }
      throw UserError(source + ": bytes not valid in " + encoding.name + " at byte offset " +
                      std::to_string(base_offset + offset) + " (" + shown +
                      "; --decode-error replace reads them as U+FFFD)");
    }
    if (target == reinterpret_cast<UChar*>(units.data()) + units.size()) grow();
    *target++ = 0xFFFD;
    ucnv_reset(converter);  // the rejected bytes were consumed: go on after them
  }
  units.resize(static_cast<size_t>(target - reinterpret_cast<UChar*>(units.data())));
  to_utf8(units, decoded);
}

}  // namespace

std::string decode_to_utf8(std::string_view raw, const Encoding& encoding, DecodeErrors errors,
                           const std::string& source, size_t base_offset) {
  std::string decoded;
  return std::string(decode_to_utf8(raw, encoding, errors, source, base_offset, decoded));
}

std::string_view decode_to_utf8(std::string_view raw, const Encoding& encoding, DecodeErrors errors,
                                const std::string& source, size_t base_offset, std::string& decoded) {
  size_t ascii_prefix = 0;
  while (ascii_prefix < raw.size() && static_cast<unsigned char>(raw[ascii_prefix]) < 0x80) ++ascii_prefix;
  if (ascii_prefix == raw.size() && encoding.ascii_compatible) return raw;
  if (encoding.kind == Encoding::icu) {
    decode_with_icu(raw, encoding, errors, source, base_offset, decoded);
    return decoded;
  }
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
    if (encoding.kind == Encoding::latin1) {
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
