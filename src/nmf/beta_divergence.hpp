#pragma once
// The loss --loss chooses: the β-divergence D_β(V || WH) as scikit-learn defines it
// (sklearn.decomposition._nmf._beta_divergence), zeros handled as it handles them. With
// wh = (WH)_ij, ε = float32 epsilon, sums over V's entries taken where v > ε, and a
// product wh = 0 there read as ε:
//   β = 2   ½ ||V − WH||²_F                                            (Frobenius)
//   β = 1   Σ v log(v / wh) + Σ_all wh − Σ v                          (Kullback-Leibler)
//   β = 0   Σ (v / wh − log(v / wh)) − rows·columns                   (Itakura-Saito)
//   else    (Σ v^β − β Σ v wh^(β−1) + (β−1) Σ_all wh^β) / (β (β−1))
// dnmf reports sqrt(2 D), scikit-learn's reconstruction_err_: ||V − WH||_F at β = 2.
//
// Σ_all wh = (column sums of W)·(row sums of H), so β = 1 needs wh only at V's nonzeros:
// a sparse pass like V Hᵀ. β = 0 sums over V's entries only, which is the whole matrix
// since Itakura-Saito takes only a matrix without zeros (checked). Any other β needs wh^β
// at every (i, j): computed a row at a time and never stored, rows·columns·k flops, fit
// for small matrices only, as in scikit-learn.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/factors.hpp"

namespace dnmf::nmf {

constexpr double kFrobenius = 2, kKullbackLeibler = 1, kItakuraSaito = 0;
// scikit-learn's EPSILON: what a zero product (or a zero denominator of mu) is read as.
constexpr double kBetaEpsilon = std::numeric_limits<float>::epsilon();
// A product wh at an entry of V, a zero read as ε (scikit-learn's handling of zeros).
inline double product_or_epsilon(double product) { return product == 0 ? kBetaEpsilon : product; }

// An entry's terms of D_β, x > ε with product wh, added to partial[0] and partial[1] as
// the formulas above sum them; divergence_of then makes D_β of the sums, given Σ_all wh
// (KL) or Σ_all wh^β (other β but 0) and, for IS, the number of entries.
inline void add_entry_terms(double beta, double x, double product, double* partial) {
  const double safe = product_or_epsilon(product);
  if (beta == kKullbackLeibler) {
    partial[0] += x * std::log(x / safe);
    partial[1] += x;
  } else if (beta == kItakuraSaito) {
    partial[0] += x / safe - std::log(x / safe);
  } else {
    partial[0] += std::pow(x, beta);
    partial[1] += x * std::pow(safe, beta - 1);
  }
}
inline double divergence_of(double beta, const double* partial, double all_products, double entries) {
  if (beta == kKullbackLeibler) return partial[0] + all_products - partial[1];
  if (beta == kItakuraSaito) return partial[0] - entries;
  return (partial[0] - beta * partial[1] + (beta - 1) * all_products) / (beta * (beta - 1));
}

// β of a --loss value: frobenius, kullback-leibler (kl), itakura-saito (is) or a number;
// a UserError naming the option otherwise.
double parse_loss(const std::string& text);
// The name a loss is recorded under: the long name of the three named ones, else β.
std::string loss_name(double beta);
// Whether the loss may be computed on `v`: β <= 0 divides by V's entries, so V must have
// no zero. Empty when fine, else the reason (collective: every rank gets the same answer).
std::string loss_refusal(const DataMatrix& v, double beta);

// Numbers at this rank's entries of V, one per entry, in the order of its two CSR blocks.
struct EntryValues {
  std::vector<double> diagonal, off_diagonal;
  // Sized for v's entries.
  explicit EntryValues(const DataMatrix& v)
      : diagonal(static_cast<size_t>(v.diagonal().row_start[v.local_rows()])),
        off_diagonal(static_cast<size_t>(v.off_diagonal().row_start[v.local_rows()])) {}
};

// visit(column, entry of V, its number in `values`) for local row `row`'s entries in
// increasing global column, whichever block holds them (data_matrix.hpp's visit_row).
template <class Values, class Visit>
void visit_row_entries(const DataMatrix& v, Values& values, int64_t row, Visit&& visit) {
  auto* diagonal_values = values.diagonal.data();
  auto* off_values = values.off_diagonal.data();
  visit_row_positions(v, row, [&](int64_t column, double x, bool off_diagonal, PetscInt position) {
    visit(column, x, off_diagonal ? off_values[position] : diagonal_values[position]);
  });
}

// wh = (WH)_ij at each of this rank's entries: W's local rows times the rows of Ht its
// entries' columns name (those rows are current on the rank that uses them).
void products_at_entries(const DataMatrix& v, const Factors& f, EntryValues& wh);

// sqrt(2 D_β(V || WH)) of `f`, given wh = products_at_entries(f) (collective: one sum over
// ranks). β outside {1, 2} reads every row of f.Ht: all of H must be current.
double beta_error(const DataMatrix& v, const Factors& f, double beta, const EntryValues& wh);

}  // namespace dnmf::nmf
