// mu: Lee and Seung's multiplicative updates (Lee & Seung, "Algorithms for non-negative
// matrix factorization", NIPS 2000), for the β-divergence of --loss as Févotte & Idier
// give them ("Algorithms for nonnegative matrix factorization with the β-divergence",
// Neural Computation 23(9), 2011), in scikit-learn 1.2's form (NMF(solver="mu")).
//
// Frobenius (β = 2):
//   W <- W * (V H^T) / (W H H^T)
//   H <- H * (W^T V) / (W^T W H)        with the new W,
// element-wise, a zero denominator replaced by float32 epsilon ε as scikit-learn does.
// W's update is local; H's needs W^T W and V^T W summed over ranks.
//
// Any other β, with WH read only where V has entries (a zero there read as ε when β < 2)
// and γ = 1/(2 − β) for β < 1, 1/(β − 1) for β > 2, else 1:
//   W <- W * ( (V ∘ (WH)^(β−2)) H^T / D_W )^γ
//   H <- H * ( W^T (V ∘ (WH)^(β−2)) / D_H )^γ            with the new W,
// where for KL (β = 1) D_W[i,t] = Σ_j H[t,j] and D_H[t,j] = Σ_i W[i,t] (a zero sum
// read as 1): a sparse pass over V's entries per factor and sums of k numbers. For other
// β, D_W = (WH)^(β−1) H^T and D_H = W^T (WH)^(β−1) over every (i, j), a row at a time
// (zero products read as ε when β < 1): rows·columns·k flops, and every rank needs all of
// H, so H travels whole. After W's update, entries below float64 epsilon become 0 when
// β < 1; after H's, when β <= 1. The loss never increases (Févotte & Idier, for γ above).
//
// Penalties (solver.hpp's FactorPenalty: l1 and l2 of the factor X updated) add to the
// denominator what they add to the gradient, as scikit-learn's do:
//   denominator + l1 + l2 X       (before a zero denominator is read as ε).
#include <cmath>
#include <limits>
#include <vector>

#include "src/base/log_events.hpp"
#include "src/nmf/beta_divergence.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/row_updates.hpp"
#include "src/nmf/solver.hpp"
#include "src/nmf/threads.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

// x[i,:] *= numerator[i,:] / (x[i,:] gram + l1), for the rows of x (count x k).
template <class Wd>
void multiplicative_update(Wd w, double* x, int64_t count, const double* gram, const double* numerator, double l1) {
  const int64_t k = w.k();
  // Rows are independent: each thread updates a static share of them.
  on_thread_shares(count, [&](int64_t begin, int64_t end, int) {
    constexpr int64_t kCapacity = Wd::fixed > 0 ? Wd::fixed : 1;
    std::vector<double> runtime_denominator(Wd::fixed > 0 ? 0 : static_cast<size_t>(k));
    double fixed_denominator[kCapacity];
    double* denominator = Wd::fixed > 0 ? fixed_denominator : runtime_denominator.data();
    for (int64_t i = begin; i < end; ++i) {
      double* row = x + i * k;
      for (int64_t t = 0; t < k; ++t) denominator[t] = l1;
      for (int64_t r = 0; r < k; ++r)
        for (int64_t t = 0; t < k; ++t) denominator[t] += row[r] * gram[r * k + t];
      for (int64_t t = 0; t < k; ++t) {
        const double below = denominator[t] == 0 ? kBetaEpsilon : denominator[t];
        row[t] *= numerator[i * k + t] / below;
      }
    }
  });
}

class MultiplicativeUpdates : public AlternatingSolver {
 public:
  using AlternatingSolver::AlternatingSolver;

 protected:
  double update_factor(double* x, int64_t count, int64_t k, const std::vector<double>& gram_matrix, const double* cross,
                       double l1) const override {
    mu_frobenius_update(x, count, k, gram_matrix.data(), cross, l1);
    return 0;  // mu stops on the error
  }
  // the denominator's k x k multiply-adds, then a divide and a multiply per component
  double flops_per_row(int64_t k) const override { return static_cast<double>(k * (2 * k + 2)); }
};

// ratio^γ, with γ = 1 skipping the power as scikit-learn does.
inline double raised(double ratio, double gamma) { return gamma == 1 ? ratio : std::pow(ratio, gamma); }

class BetaMultiplicativeUpdates : public Solver {
 public:
  BetaMultiplicativeUpdates(const DataMatrix& v, const SolverSettings& settings)
      : Solver(v, settings), beta_(settings.beta), gamma_(mu_gamma(beta_)), ratio_(v) {}

  double step(Factors& f, int64_t) override {
    update_w(f);
    update_h(f);
    return residual_norm(f);
  }

  double residual_norm(const Factors& f) override {
    products_at_entries(v_, f, ratio_);
    ratio_holds_products_ = true;
    return beta_error(v_, f, beta_, ratio_);
  }

 private:
  bool kl() const { return beta_ == kKullbackLeibler; }

  // ratio_ = V ∘ (WH)^(β−2) at V's entries (V / WH for KL, V / (WH)² for IS), from the
  // products residual_norm left there for these factors, if it just ran (a resumed run's
  // first step computes them here: the same numbers).
  void entry_ratios(const Factors& f) {
    if (!ratio_holds_products_) products_at_entries(v_, f, ratio_);
    ratio_holds_products_ = false;
    parallel_for(v_.local_rows(), [&](int64_t i) {
      visit_row_entries(v_, ratio_, i,
                        [&](int64_t, double x, double& product) { product = mu_entry_ratio(x, product, beta_); });
    });
  }

  // (WH)_ij^(β−1), a zero product read as ε when β < 1.
  double powered(const double* w_row, const double* h_row, int64_t k) const {
    return mu_powered(row_dot(w_row, h_row, k), beta_);
  }

  void update_w(Factors& f) {
    const int64_t k = f.k;
    entry_ratios(f);
    std::vector<double> h_sums;
    if (kl()) {
      h_sums = column_sums(owned_rows(f.Ht, k), owned_columns(), k);
      sum_over_ranks(h_sums);
    }
    LogScope scope(LogEvent::update);
    parallel_for(f.local_rows, [&](int64_t i) {
      double* w_row = f.W.data() + i * k;
      std::vector<double> numerator(static_cast<size_t>(k), 0.0), denominator(static_cast<size_t>(k), 0.0);
      visit_row_entries(v_, ratio_, i, [&](int64_t column, double, double ratio) {
        for (int64_t t = 0; t < k; ++t) numerator[t] += ratio * f.Ht[column * k + t];
      });
      if (kl()) {
        denominator = h_sums;
      } else {
        for (int64_t j = 0; j < f.columns; ++j) {
          const double* h_row = f.Ht.data() + j * k;
          const double scale = powered(w_row, h_row, k);
          for (int64_t t = 0; t < k; ++t) denominator[t] += scale * h_row[t];
        }
      }
      mu_apply(w_row, k, numerator.data(), denominator.data(), w_penalty_.l1, w_penalty_.l2, beta_, gamma_);
    });
  }

  void update_h(Factors& f) {
    const int64_t k = f.k;
    const int64_t width = kl() ? k : 2 * k;  // per column: the numerator, then D_H for other β
    entry_ratios(f);
    // This rank's share of W^T (V ∘ (WH)^(β−2)), a column's sums in a row of vt_w_: rows
    // scatter into columns, so one thread adds them.
    vt_w_.assign(static_cast<size_t>(f.columns * width), 0.0);
    for (int64_t i = 0; i < f.local_rows; ++i) {
      const double* w_row = f.W.data() + i * k;
      visit_row_entries(v_, ratio_, i, [&](int64_t column, double, double ratio) {
        for (int64_t t = 0; t < k; ++t) vt_w_[column * width + t] += ratio * w_row[t];
      });
    }
    std::vector<double> w_sums;
    if (kl()) {
      w_sums = column_sums(f.W.data(), f.local_rows, k);
      sum_over_ranks(w_sums);
      for (double& sum : w_sums) sum = sum == 0 ? 1 : sum;
    } else {
      parallel_for(f.columns, [&](int64_t j) {
        const double* h_row = f.Ht.data() + j * k;
        double* sums = vt_w_.data() + j * width + k;
        for (int64_t i = 0; i < f.local_rows; ++i) {
          const double* w_row = f.W.data() + i * k;
          const double scale = powered(w_row, h_row, k);
          for (int64_t t = 0; t < k; ++t) sums[t] += scale * w_row[t];
        }
      });
    }
    sum_vt_w_to_owners(width);
    {
      LogScope scope(LogEvent::update);
      double* ht = owned_rows(f.Ht, k);
      const double* sums = owned_rows(vt_w_, width);
      parallel_for(owned_columns(), [&](int64_t j) {
        for (int64_t t = 0; t < k; ++t) {
          double& h = ht[j * k + t];
          const double denominator = (kl() ? w_sums[t] : sums[j * width + k + t]) + h_penalty_.l1 + h_penalty_.l2 * h;
          const double below = denominator == 0 ? kBetaEpsilon : denominator;
          h *= raised(sums[j * width + t] / below, gamma_);
          if (beta_ <= 1 && h < std::numeric_limits<double>::epsilon()) h = 0;
        }
      });
    }
    share_owned_rows(f.Ht, k);
  }

  const double beta_, gamma_;
  EntryValues ratio_;
  bool ratio_holds_products_ = false;  // ratio_ is WH of the factors as they stand
};

}  // namespace

void mu_frobenius_update(double* x, int64_t count, int64_t k, const double* gram, const double* cross, double l1) {
  with_width(k, [&](auto w) { multiplicative_update(w, x, count, gram, cross, l1); });
}

std::unique_ptr<Solver> make_multiplicative_updates(const DataMatrix& v, const SolverSettings& settings) {
  if (settings.beta == kFrobenius) return std::make_unique<MultiplicativeUpdates>(v, settings);
  // Only KL's sums stay on the terms a rank uses; other β sum over every (i, j).
  SolverSettings beta_settings = settings;
  if (settings.beta != kKullbackLeibler) beta_settings.used_columns_only = false;
  return std::make_unique<BetaMultiplicativeUpdates>(v, beta_settings);
}

}  // namespace dnmf::nmf
