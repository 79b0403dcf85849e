#pragma once
// One 64-bit mixing function (the SplitMix64 finalizer) for every hash dnmf keeps:
// term-table slots, the input fingerprint, snapshot checksums. Fixed constants, so the
// values are the same on every machine and every run. And how such a hash is printed.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace dnmf {

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A hash as the 16 hex digits files and messages show it.
inline std::string hex64(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}

}  // namespace dnmf
