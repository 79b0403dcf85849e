// kl-cd: cyclic coordinate descent on the Kullback-Leibler loss with a Newton step per
// entry (Hsieh & Dhillon, "Fast coordinate descent methods with variable selection for
// non-negative matrix factorization", KDD 2011: their cyclic coordinate descent for KL),
// its inner Newton loop replaced by one step safeguarded as below, so that no update
// raises the loss.
//
// One entry x of W or H, the others fixed: with a_j the entries of the other factor that
// meet x in WH (for x = W[i,t]: a_j = H[t,j]), v_j and wh_j V and WH at V's entries in x's
// row (or column), c = Σ_all a_j over every term (or document), and the penalties' l1, l2:
//   f(x) = c x − Σ_j v_j log wh_j(x) + l1 x + (l2 / 2) x²    (+ terms without x)
//   g = f'(x) = c + l1 + l2 x − A,   A = Σ_j a_j v_j / wh_j
//   h = f''(x) = Σ_j a_j² v_j / wh_j² + l2
//   Newton:  x_N = max(0, x − g / h)
//   MM:      x_M = the minimum of the multiplicative update's auxiliary function,
//            l2 x_M² + (c + l1) x_M = x A   (x_M = x A / (c + l1) when l2 = 0)
//   x <- x_N when g < 0, max(x_N, x_M) when g > 0.
// Why it never raises f: f''' ≤ 0, so f' grows at most as fast as Newton's model of it
// on the way up and a step up stops at or before the minimum, on ground where f falls.
// A step down can pass the minimum (f'' grows on the way down), so x_N ≤ minimum; x_M
// lowers f (by the auxiliary function), and max(x_N, x_M) is either x_M or lies between
// x_M and the minimum, where f is lower still. A zero wh_j where v_j > 0 is read as ε
// (scikit-learn's handling of zeros).
//
// Order: every row of W (rows in parallel, threads on static chunks), each row t = 1..k
// with its wh_j updated after each entry; then H a row t at a time (the entries of a row
// of H are independent given W): each rank sums A and h's sum over its documents for
// every term it uses, those sums go to the term's owner (reduce-scatter), the owner steps,
// the new row goes to the ranks that use the terms, and every rank updates wh at its
// entries. wh is recomputed from W and H at the start of every iteration, so a resumed
// run repeats an uninterrupted one bit for bit.
//
// Stopping (--tol): scikit-learn cd's rule (solver.hpp's ProjectedGradientRule), with g.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "src/base/log_events.hpp"
#include "src/nmf/beta_divergence.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/solver.hpp"
#include "src/nmf/threads.hpp"

namespace dnmf::nmf {
namespace {

// The safeguarded step of the header for one entry x, given A, h's data sum B and
// c; adds |projected gradient| to *violation.
inline double safeguarded_newton(double x, double sum_a, double sum_b, double c, const FactorPenalty& penalty,
                                 double* violation) {
  const double gradient = c + penalty.l1 + penalty.l2 * x - sum_a;
  *violation += std::fabs(x == 0 ? std::min(gradient, 0.0) : gradient);
  if (gradient == 0) return x;
  const double curvature = sum_b + penalty.l2;
  // No curvature: f is linear in x (no entry of V meets it), lowest at 0 when rising.
  const double newton = curvature > 0 ? std::max(0.0, x - gradient / curvature) : (gradient > 0 ? 0.0 : x);
  if (gradient < 0) return newton;
  const double linear = c + penalty.l1;
  const double mm = penalty.l2 > 0
                        ? (std::sqrt(linear * linear + 4 * penalty.l2 * x * sum_a) - linear) / (2 * penalty.l2)
                        : (linear > 0 ? x * sum_a / linear : x);
  return std::max(newton, mm);
}

// One row's entries gathered into contiguous arrays for the W sweep: the values, WH
// there, and the row's entries of H component-major (a[t * n + e] = H[t, column of e]),
// so that each component's sums are one vectorizable pass.
struct RowScratch {
  std::vector<double> value, product, a;
};

// A row of W, components 1..k in turn: each component's sums, then its step, then WH at
// the row's entries moved by the change (fused with the next component's sums).
// Returns the row's sum of |projected gradient|.
double sweep_row(RowScratch& row, int64_t n, int64_t k, double* w_row, const double* h_sums,
                 const FactorPenalty& penalty) {
  double violation = 0, change = 0;
  const double* value = row.value.data();
  double* product = row.product.data();
  for (int64_t t = 0; t < k; ++t) {
    const double* a = row.a.data() + t * n;
    const double* moved = t > 0 ? row.a.data() + (t - 1) * n : a;
    double sum_a = 0, sum_b = 0;
#pragma omp simd reduction(+ : sum_a, sum_b)
    for (int64_t e = 0; e < n; ++e) {
      product[e] += change * moved[e];
      const double inverse = 1 / product_or_epsilon(product[e]);
      const double ratio = value[e] * inverse;
      sum_a += a[e] * ratio;
      sum_b += a[e] * a[e] * ratio * inverse;
    }
    const double updated = safeguarded_newton(w_row[t], sum_a, sum_b, h_sums[t], penalty, &violation);
    change = updated - w_row[t];
    w_row[t] = updated;
  }
  if (change != 0) {
    const double* a = row.a.data() + (k - 1) * n;
    for (int64_t e = 0; e < n; ++e) product[e] += change * a[e];
  }
  return violation;
}

class KullbackLeiblerCoordinateDescent : public Solver {
 public:
  KullbackLeiblerCoordinateDescent(const DataMatrix& v, const SolverSettings& settings)
      : Solver(v, settings), wh_(v), used_columns_(v.used_columns()) {}

  double step(Factors& f, int64_t iteration) override {
    // Unless residual_norm just computed them for these factors (not so on a resumed
    // run's first step: computed here, the same numbers).
    if (!wh_current_) products_at_entries(v_, f, wh_);
    std::vector<double> violation{update_w(f) + update_h(f)};
    sum_over_ranks(violation);
    stop_rule_.record(iteration, violation[0]);
    return residual_norm(f);
  }

  // WH moved by the sweep's changes rounds differently from WH computed afresh: the error
  // and the next sweep start from the latter.
  double residual_norm(const Factors& f) override {
    products_at_entries(v_, f, wh_);
    wh_current_ = true;
    return beta_error(v_, f, kKullbackLeibler, wh_);
  }

  std::optional<bool> met_tolerance(double tolerance) const override { return stop_rule_.met(tolerance); }
  void save_state(SolverState& state) const override { stop_rule_.save(state); }
  void restore_state(const SolverState& state) override { stop_rule_.restore(state); }

 private:
  // Every entry of W's local rows; returns this rank's sum of |projected gradient|.
  double update_w(Factors& f) {
    const int64_t k = f.k;
    wh_current_ = false;
    std::vector<double> h_sums = column_sums(owned_rows(f.Ht, k), owned_columns(), k);
    sum_over_ranks(h_sums);
    LogScope scope(LogEvent::update);
    std::vector<double> violation;
    chunked_sum(f.local_rows, 1, violation, [&](int64_t begin, int64_t end, double* partial) {
      RowScratch row;
      for (int64_t i = begin; i < end; ++i) {
        int64_t n = 0;
        visit_row_entries(v_, wh_, i, [&](int64_t, double, double) { ++n; });
        row.value.resize(static_cast<size_t>(n));
        row.product.resize(static_cast<size_t>(n));
        row.a.resize(static_cast<size_t>(n * k));
        int64_t e = 0;
        visit_row_entries(v_, wh_, i, [&](int64_t column, double x, double product) {
          row.value[e] = x;
          row.product[e] = product;
          for (int64_t t = 0; t < k; ++t) row.a[t * n + e] = f.Ht[column * k + t];
          ++e;
        });
        partial[0] += sweep_row(row, n, k, f.W.data() + i * k, h_sums.data(), w_penalty_);
        e = 0;
        visit_row_entries(v_, wh_, i, [&](int64_t, double, double& product) { product = row.product[e++]; });
      }
    });
    return violation[0];
  }

  // Every entry of H, a row at a time; returns this rank's share of the sum of
  // |projected gradient| (its owned columns).
  double update_h(Factors& f) {
    const int64_t k = f.k;
    std::vector<double> w_sums = column_sums(f.W.data(), f.local_rows, k);
    sum_over_ranks(w_sums);
    double violation = 0;
    new_row_.resize(static_cast<size_t>(f.columns));
    change_.assign(static_cast<size_t>(f.columns), 0.0);
    // WH is left behind by the last component's changes: residual_norm computes it afresh.
    for (int64_t t = 0; t < k; ++t) {
      // One pass over this rank's entries: WH moved by component t − 1's changes, then
      // per term A and h's data sum of component t over this rank's documents. Rows
      // scatter into columns, so one thread adds them.
      vt_w_.assign(static_cast<size_t>(f.columns * 2), 0.0);
      for (int64_t i = 0; i < f.local_rows; ++i) {
        const double moved = t > 0 ? f.W[i * k + t - 1] : 0.0;
        const double a = f.W[i * k + t];
        if (moved == 0 && a == 0) continue;
        for_each_entry(i, [&](int64_t column, double x, double& product) {
          product += moved * change_[column];
          const double inverse = 1 / product_or_epsilon(product);
          const double ratio = x * inverse;
          vt_w_[column * 2] += a * ratio;
          vt_w_[column * 2 + 1] += a * a * ratio * inverse;
        });
      }
      sum_vt_w_to_owners(2);
      {
        LogScope scope(LogEvent::update);
        const int64_t first = v_.first_owned_column();
        for (int64_t j = first; j < first + owned_columns(); ++j)
          new_row_[j] =
              safeguarded_newton(f.Ht[j * k + t], vt_w_[j * 2], vt_w_[j * 2 + 1], w_sums[t], h_penalty_, &violation);
      }
      share_owned_rows(new_row_, 1);
      // The share brought every term this rank uses (every term with --exchange all);
      // every rank takes the owner's value, so that H is the same everywhere.
      auto take = [&](int64_t j) {
        change_[j] = new_row_[j] - f.Ht[j * k + t];
        f.Ht[j * k + t] = new_row_[j];
      };
      if (settings_.used_columns_only) {
        const int64_t first = v_.first_owned_column(), end = first + owned_columns();
        for (int64_t j = first; j < end; ++j) take(j);
        for (int64_t j : used_columns_)
          if (j < first || j >= end) take(j);
      } else {
        for (int64_t j = 0; j < f.columns; ++j) take(j);
      }
    }
    return violation;
  }

  // visit(global column, value, WH there) for local row i's entries, block by block: the
  // per-column sums above add one entry per row, so the order within a row is free.
  template <class Visit>
  void for_each_entry(int64_t i, Visit&& visit) {
    const CsrBlock& diagonal = v_.diagonal();
    for (PetscInt p = diagonal.row_start[i]; p < diagonal.row_start[i + 1]; ++p)
      visit(diagonal.global_column(diagonal.column[p]), diagonal.value[p], wh_.diagonal[p]);
    const CsrBlock& off = v_.off_diagonal();
    for (PetscInt p = off.row_start[i]; p < off.row_start[i + 1]; ++p)
      visit(off.global_column(off.column[p]), off.value[p], wh_.off_diagonal[p]);
  }

  EntryValues wh_;  // WH at this rank's entries of V, kept current through the sweep
  bool wh_current_ = false;
  const std::vector<int64_t> used_columns_;
  std::vector<double> new_row_, change_;  // a row of H as its owners stepped it, and its change
  ProjectedGradientRule stop_rule_;
};

}  // namespace

std::unique_ptr<Solver> make_kl_coordinate_descent(const DataMatrix& v, const SolverSettings& settings) {
  return std::make_unique<KullbackLeiblerCoordinateDescent>(v, settings);
}

}  // namespace dnmf::nmf
