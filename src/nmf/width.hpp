#pragma once
// The factor kernels work on rows of k numbers, k the number of topics. With k known only
// at run time, a k = 5 row loop is mostly loop overhead and its sums wait on each other;
// with k a compile-time constant the compiler unrolls the loops and keeps a row in
// registers (3-10x on the seed problem). `with_width(k, f)` calls f(Width<K>{k}) with
// K == k for the topic counts people use (and the SVD's k + 10), or with Width<0>, the run
// time fallback, for any other k. A kernel reads the width as `w.k()`. The arithmetic is
// the same in every instantiation, so results do not depend on which one runs.
#include <algorithm>
#include <cstdint>
#include <utility>

namespace dnmf::nmf {

template <int64_t K>
struct Width {
  static constexpr int64_t fixed = K;  // 0: known at run time only
  int64_t runtime_k;
  constexpr int64_t k() const { return K > 0 ? K : runtime_k; }
};

namespace detail {
template <class F, int64_t... Ks>
void with_width(int64_t k, F&& f, std::integer_sequence<int64_t, Ks...>) {
  const bool fixed = ((k == Ks && (f(Width<Ks>{k}), true)) || ...);
  if (!fixed) f(Width<0>{k});
}
}  // namespace detail

// Runs add(sums) with sums k zeros the compiler can keep in registers (a local array of
// the fixed width), then leaves them in out; at the run-time width sums is out itself,
// zeroed first. Kernels that sum into one row use it: a row of sums passed on
// to further calls was spilled to memory instead (1.5x slower).
template <class Wd, class Add>
inline void sum_into(Wd w, double* out, Add&& add) {
  if constexpr (Wd::fixed > 0) {
    double sums[Wd::fixed] = {};
    add(sums);
    for (int64_t c = 0; c < w.k(); ++c) out[c] = sums[c];
  } else {
    std::fill(out, out + w.k(), 0.0);
    add(out);
  }
}

template <class F>
void with_width(int64_t k, F&& f) {
  using Fixed = std::integer_sequence<int64_t, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                      21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32, 40, 50, 60, 64, 100>;
  detail::with_width(k, std::forward<F>(f), Fixed{});
}

}  // namespace dnmf::nmf
