#pragma once
// The interface every NMF solver implements, and what they share: the products of
// kernels.hpp kept between iterations, and the residual computed from them.
//
// One solver per file (solver_*.cpp), each with its update rule written as math at the
// top. All of them run on the same distributed layout (factors.hpp): rows of W local,
// H replicated, and communicate only through sums over ranks (allreduce) of k x k and
// columns x k matrices and of scalars.
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/base/comm.hpp"
#include "src/nmf/data_matrix.hpp"
#include "src/nmf/factors.hpp"
#include "src/nmf/solver_state.hpp"

namespace dnmf::nmf {

struct SolverSettings {
  std::string name = "hals";
  double learning_rate = 1e-2;      // gd, sgd (adam: adam_learning_rate)
  double penalty_weight = 1e3;      // lambda
  double penalty_threshold = 1e-6;  // mu: entries below it are pushed back up
  double learning_rate_decay = 1.0;
  int64_t learning_rate_decay_every = 0;
  double adam_learning_rate = 1e-3;
  double adam_beta1 = 0.9, adam_beta2 = 0.9, adam_epsilon = 1e-8;
  int64_t batch_size = 256;
  uint64_t seed = 0;
  // --precision single: the products read float copies of H and W (sums stay in double).
  bool single_precision_products = false;
  // --exchange used: V^T W's sums and H's shares travel only for the terms a rank uses.
  bool used_columns_only = true;
  // --loss: the β of the β-divergence minimized (beta_divergence.hpp); 2 is Frobenius.
  double beta = 2;
  // --alpha-w, --alpha-h, --l1-ratio: scikit-learn's regularization (FactorPenalty).
  double alpha_w = 0, alpha_h = 0, l1_ratio = 0;
};

// The penalty on one factor X, l1 Σ X + (l2 / 2) ||X||²_F, weighted as scikit-learn >= 1.0
// weighs it: l1 = alpha l1_ratio n and l2 = alpha (1 − l1_ratio) n, where n is the number
// of terms for W (alpha = --alpha-w) and of documents for H (--alpha-h), so that the
// penalty keeps its weight against a loss that grows with the matrix.
struct FactorPenalty {
  double l1 = 0, l2 = 0;
  FactorPenalty() = default;
  FactorPenalty(double alpha, double l1_ratio, int64_t n)
      : l1(alpha * l1_ratio * static_cast<double>(n)), l2(alpha * (1 - l1_ratio) * static_cast<double>(n)) {}
  bool any() const { return l1 != 0 || l2 != 0; }
};

class Solver {
 public:
  // Collective: with settings.used_columns_only, learns which terms each rank uses.
  Solver(const DataMatrix& v, const SolverSettings& settings);
  virtual ~Solver() = default;

  // Advances `factors` by iteration number `iteration` (1, 2, ...) and returns
  // the error (residual_norm) of the new iterate. If the new iterate is not finite (a diverging
  // gradient method), `factors` is left as it was and the result is NaN.
  virtual double step(Factors& factors, int64_t iteration) = 0;

  // The error of `factors` as they stand: ||V - W H||_F, or for another loss
  // sqrt(2 D_beta(V || W H)) (beta_divergence.hpp), which is the same at beta = 2.
  virtual double residual_norm(const Factors& factors);

  // The objective minimized, as scikit-learn defines it: D_β = error² / 2 plus each
  // factor's penalty (collective when a penalty is set; `error` is residual_norm's).
  double objective(const Factors& factors, double error) const;

  // A solver with a stopping rule of its own (hals: scikit-learn cd's projected gradient)
  // says whether its last step met --tol; the others leave --tol to the driver's rule on
  // the error (nullopt). Every rank gives the same answer.
  virtual std::optional<bool> met_tolerance(double) const { return std::nullopt; }

  // What a restart needs beyond W and H (a decayed learning rate, Adam's moments and step
  // count), for this rank's rows and owned columns.
  // The products kept between iterations are not saved: a restored solver recomputes
  // them with the very calls (same operands, same reduction lengths) that computed them
  // in the run that wrote the snapshot, so a resumed run repeats it bit for bit.
  virtual void save_state(SolverState&) const {}
  virtual void restore_state(const SolverState&) {}

  const SolverSettings& settings() const { return settings_; }
  // Every row of Ht on every rank, for the model file: the iterations share only the rows
  // each rank uses (collective; not counted in communicated_bytes).
  void share_all_rows(Factors& factors) const;
  // True when some rank holds a non-finite number in W or in its owned rows of Ht
  // (collective).
  bool any_not_finite(const Factors& factors) const;
  // Bytes this rank has handed to collective sums and shares so far.
  int64_t communicated_bytes() const { return communicated_bytes_; }

 protected:
  // Recomputes v_ht_ = V Ht, wtw_ = sum over ranks of W^T W and hht_ = Ht^T Ht for
  // `factors`, and returns the residual norm from them (one allreduce of 2 k^2 + 1 numbers).
  double refresh_products(const Factors& factors);
  // hht_ from Ht as it stands: each rank's owned columns, summed over ranks together
  // with `partial_cross` (this rank's share of <H, V^T W>, whose sum is returned) and,
  // when given, *partial_other (summed in place).
  double refresh_hht(const Factors& factors, double partial_cross = 0, double* partial_other = nullptr);
  // v_ht_ = V Ht for the listed local rows (all when null), from Ht as it is or, with
  // --precision single, from a float copy of it.
  void refresh_v_ht(const std::vector<double>& ht, int64_t k, const std::vector<int64_t>* rows = nullptr);
  // vt_w_ = V^T W over this rank's rows (the listed ones when given), from W as it is or,
  // with --precision single, from a float copy of it.
  void refresh_vt_w(const std::vector<double>& w, int64_t k, const std::vector<int64_t>* rows = nullptr);
  // Sums `values` over ranks (a logged allreduce).
  void sum_over_ranks(std::vector<double>& values) const;

  // H is updated a block of columns per rank (V's column split), then shared, so the
  // H-side work and memory traffic divide by the number of ranks like the W side:
  // Rows [v_.first_owned_column(), + owned_columns()) of Ht are this rank's.
  int64_t owned_columns() const { return v_.owned_columns(); }
  double* owned_rows(std::vector<double>& ht, int64_t k) const { return ht.data() + v_.first_owned_column() * k; }
  const double* owned_rows(const std::vector<double>& ht, int64_t k) const {
    return ht.data() + v_.first_owned_column() * k;
  }
  // vt_w_ summed over ranks in this rank's owned rows only (a logged reduce-scatter).
  void sum_vt_w_to_owners(int64_t k);
  // Every rank's owned rows of `ht` on every rank (a logged allgather).
  void share_owned_rows(std::vector<double>& ht, int64_t k) const;

  // Makes `candidate` the new iterate and returns its residual, unless the candidate or
  // its residual is not finite: then `factors` keep the old iterate and the result is NaN.
  double adopt(Factors& factors, Factors& candidate);

  const DataMatrix& v_;
  SolverSettings settings_;
  const FactorPenalty w_penalty_, h_penalty_;
  std::vector<double> v_ht_, vt_w_, wtw_, hht_;
  bool products_current_ = false;  // v_ht_, wtw_, hht_ describe the factors as they stand
  bool hht_current_ = false;       // hht_ describes Ht as it stands
  double current_residual_ = 0;    // set by refresh_products

 private:
  std::vector<double> sums_;                         // packing space for the combined allreduces
  std::vector<float> ht_single_, w_single_;          // --precision single: Ht and W rounded to float
  std::optional<UsedColumnExchange> used_exchange_;  // --exchange used
  mutable int64_t communicated_bytes_ = 0;
};

// hals and mu: W is updated with H fixed (from A = V H^T and H H^T), then H with the new W
// (from V^T W and W^T W summed over ranks). They differ only in the rule applied to one
// factor, given gram = Y^T Y of the other factor Y (plus l2 I, the gradient of the factor's
// L2 penalty) and cross = the data times Y; each adds the factor's L1 weight its own way.
class AlternatingSolver : public Solver {
 public:
  using Solver::Solver;
  double step(Factors& factors, int64_t iteration) override;

 protected:
  // x and cross are row-major (count x k). Returns the rule's measure of how far x was
  // from a stationary point (hals: its sum of |projected gradient|; mu: 0).
  virtual double update_factor(double* x, int64_t count, int64_t k, const std::vector<double>& gram,
                               const double* cross, double l1) const = 0;
  // The last step's measure, W's and H's summed over ranks.
  double last_violation() const { return last_violation_; }
  // The flops update_factor spends on a row, for the kernel report.
  virtual double flops_per_row(int64_t k) const = 0;

 private:
  double update_logged(double* x, int64_t count, int64_t k, const std::vector<double>& gram, const double* cross,
                       const FactorPenalty& penalty);

  double last_violation_ = 0;
  std::vector<double> penalized_gram_;  // gram + l2 I, when a factor has an L2 penalty
};

// scikit-learn cd's stopping rule, for the coordinate-descent solvers (hals, kl-cd): each
// step reports the sum over ranks of |projected gradient| (the gradient where the entry is
// positive, its negative part where it is 0) over the entries it updated; --tol is met
// when that is at most tol times the first iteration's, which snapshots keep.
class ProjectedGradientRule {
 public:
  void record(int64_t iteration, double violation) {
    if (iteration == 1) first_ = violation;
    last_ = violation;
  }
  // nullopt when resumed from a snapshot written before the rule (the error's rule then).
  std::optional<bool> met(double tolerance) const {
    if (!std::isfinite(first_)) return std::nullopt;
    return first_ == 0 || last_ / first_ <= tolerance;
  }
  void save(SolverState& state) const { state.reals["first_violation"] = first_; }
  void restore(const SolverState& state) {
    const auto stored = state.reals.find("first_violation");
    first_ = stored != state.reals.end() ? stored->second : std::nan("");
  }

 private:
  double first_ = std::nan(""), last_ = 0;
};

// min(x - threshold, 0): the seed's penalty, nonzero only where x < threshold.
inline double penalty(double x, double threshold) { return x < threshold ? x - threshold : 0.0; }

// gd and sgd: the seed's penalized gradient step and its learning-rate schedule (--lr,
// multiplied by --lr-decay after every --lr-decay-every iterations; saved in snapshots).
// They differ in which rows of W step and how H's data term is scaled.
class PenalizedGradientSolver : public Solver {
 public:
  PenalizedGradientSolver(const DataMatrix& v, const SolverSettings& settings)
      : Solver(v, settings), learning_rate_(settings.learning_rate) {}
  void save_state(SolverState& state) const final { state.reals["learning_rate"] = learning_rate_; }
  void restore_state(const SolverState& state) final { learning_rate_ = state.reals.at("learning_rate"); }

 protected:
  // With v_ht_, hht_, wtw_ and vt_w_ (summed to owners) of the iterate `f`: the listed
  // local rows of W (every row when null) and this rank's columns of H take the step
  //   x <- x - lr (scale (x gram - cross) + lambda pen(x))   (scale h_scale for H, 1 for W)
  // into next_, whose other rows of W the caller has set. Then every rank gets the new H,
  // it is adopted (see adopt) and the schedule advances. Returns the new residual.
  double take_step(Factors& f, int64_t iteration, const std::vector<int64_t>* rows, double h_scale);

  Factors next_;

 private:
  double learning_rate_;
};

// What a solver needs to start from.
enum class Start { any, nonnegative };
// What a solver minimizes: the Frobenius loss alone (with the seed's own penalty, --lambda),
// or with the L1/L2 penalties of --alpha-w/--alpha-h the Frobenius loss, the
// Kullback-Leibler loss, or any --loss.
enum class Objectives { frobenius, penalized_frobenius, penalized_kullback_leibler, penalized_any_loss };

// One line of the table of solvers (solver_list.hpp, solver_registry.cpp): it drives
// --solver parsing, --help, the "use a, b or c" message and what a snapshot holds.
struct SolverEntry {
  const char* name;
  const char* help;  // one line, for --help
  Start start;
  Objectives objectives;
  const char* snapshotted_state;  // what save_state keeps beyond W and H, for messages
  std::unique_ptr<Solver> (*make)(const DataMatrix& v, const SolverSettings& settings);
  bool needs_nonnegative_start() const { return start == Start::nonnegative; }
  // The β of the loss it minimizes when --loss is not given.
  double default_beta() const { return objectives == Objectives::penalized_kullback_leibler ? 1.0 : 2.0; }
  // Whether it minimizes the loss of β.
  bool takes_loss(double beta) const { return objectives == Objectives::penalized_any_loss || beta == default_beta(); }
  bool takes_penalties() const { return objectives != Objectives::frobenius; }
};

const std::vector<SolverEntry>& solver_registry();
// The entry named `name`; a UserError naming the known ones otherwise.
const SolverEntry& find_solver(const std::string& name);

}  // namespace dnmf::nmf
