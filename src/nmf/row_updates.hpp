#pragma once
// The rules hals and mu apply to one factor with the other fixed, for callers that update
// rows of W outside the alternating loop (transform.cpp). X is row-major (count x k),
// gram = Y^T Y (+ l2 I) of the fixed factor Y, cross = the data times Y, and l1 the
// factor's L1 weight; the math is in solver_hals.cpp and solver_mu.cpp.
#include <cmath>
#include <cstdint>
#include <limits>

#include "src/nmf/beta_divergence.hpp"

namespace dnmf::nmf {

// hals: one coordinate-descent sweep over the rows; returns its sum of |projected gradient|.
double hals_sweep(double* x, int64_t count, int64_t k, const double* gram, const double* cross, double l1);
// mu at β = 2: x[i,:] *= cross[i,:] / (x[i,:] gram + l1), a zero denominator read as ε.
void mu_frobenius_update(double* x, int64_t count, int64_t k, const double* gram, const double* cross, double l1);

// mu for any other β, a row at a time (solver_mu.cpp): γ of the update, the ratio an
// entry x with product wh = (WH)_ij adds to the numerator (times H[:, j]), the factor an
// entry adds to D_W for β other than 1 (times H[:, j], over every column), and the update
// of a row given its numerator and D.
inline double mu_gamma(double beta) { return beta < 1 ? 1 / (2 - beta) : beta > 2 ? 1 / (beta - 1) : 1; }
inline double mu_entry_ratio(double x, double product, double beta) {
  const double safe = beta < 2 ? product_or_epsilon(product) : product;
  return beta == kKullbackLeibler ? x / safe
         : beta == kItakuraSaito  ? x * ((1 / safe) * (1 / safe))
                                  : x * std::pow(safe, beta - 2);
}
inline double mu_powered(double product, double beta) {
  return std::pow(product == 0 && beta < 1 ? kBetaEpsilon : product, beta - 1);
}
// x[t] *= (numerator[t] / (denominator[t] + l1 + l2 x[t]))^γ, a zero denominator read as
// ε; after it, entries below float64 epsilon become 0 when β < 1 (scikit-learn's W rule).
inline void mu_apply(double* x, int64_t k, const double* numerator, const double* denominator, double l1, double l2,
                     double beta, double gamma) {
  for (int64_t t = 0; t < k; ++t) {
    const double below = denominator[t] + l1 + l2 * x[t];
    const double ratio = numerator[t] / (below == 0 ? kBetaEpsilon : below);
    x[t] *= gamma == 1 ? ratio : std::pow(ratio, gamma);
    if (beta < 1 && x[t] < std::numeric_limits<double>::epsilon()) x[t] = 0;
  }
}

}  // namespace dnmf::nmf
