#pragma once
// One 64-bit mixing function (the SplitMix64 finalizer) for every hash dnmf keeps:
// term-table slots, the input and vocabulary fingerprints, snapshot checksums. Fixed constants, so the
// values are the same on every machine and every run. And how such a hash is printed.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace dnmf {

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A hash of a string's bytes, eight at a time through mix64.
inline uint64_t hash_bytes(std::string_view text) {
  uint64_t hash = 0x9E3779B97F4A7C15ull ^ text.size();
  const char* bytes = text.data();
  size_t left = text.size();
  while (left >= 8) {
    uint64_t word;
    std::memcpy(&word, bytes, 8);
    hash = mix64(hash ^ word);
    bytes += 8;
    left -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes, left);
  return mix64(hash ^ tail);
}

// A hash as the 16 hex digits files and messages show it.
inline std::string hex64(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}

}  // namespace dnmf
