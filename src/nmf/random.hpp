#pragma once
// Counter-based random numbers: a value depends only on (seed, stream, index), never on
// which rank draws it or in what order, so initializations and samples are the same for
// any number of ranks. splitmix64 (Steele, Lea & Flood 2014) mixes the counter.
#include <cmath>
#include <cstdint>

namespace dnmf::nmf {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline uint64_t random_bits(uint64_t seed, uint64_t stream, uint64_t index) {
  return splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ index);
}

// Uniform in (0, 1).
inline double random_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  return (static_cast<double>(random_bits(seed, stream, index) >> 11) + 0.5) * 0x1.0p-53;
}

// Standard normal (Box-Muller on two uniforms of the same counter).
inline double random_normal(uint64_t seed, uint64_t stream, uint64_t index) {
  const double u1 = random_uniform(seed, stream, 2 * index);
  const double u2 = random_uniform(seed, stream, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// Streams, so that W, H and the samplers never share numbers.
enum RandomStream : uint64_t { kStreamW = 1, kStreamH = 2, kStreamSketch = 3, kStreamBatch = 4, kStreamFill = 5 };

}  // namespace dnmf::nmf
