#pragma once
// One 64-bit mixing function (the SplitMix64 finalizer) for every hash dnmf keeps:
// term-table slots, the input fingerprint, snapshot checksums. Fixed constants, so the
// values are the same on every machine and every run.
#include <cstdint>

namespace dnmf {

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace dnmf
