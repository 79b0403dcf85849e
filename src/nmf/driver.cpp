#include "src/nmf/driver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

#include "src/base/comm.hpp"
#include "src/base/progress.hpp"
#include "src/base/resources.hpp"
#include "src/base/stop_signals.hpp"
#include "src/nmf/beta_divergence.hpp"

namespace dnmf::nmf {
namespace {

// The notebook's report on an iterate (min of W and H, how many entries are negative),
// with the loop's own per-iteration agreement folded into the same two collectives: the
// slowest rank's clock and whether a stop signal reached any rank. Each rank looks at its
// rows of W and its block of H's columns (H is the same on every rank).
struct IterateReport {
  double min_w, min_h, slowest_seconds;
  int64_t negative_w, negative_h;
  int stop_signal;
};

IterateReport report_on(const DataMatrix& v, const Factors& f, double seconds) {
  const int64_t first = v.first_owned_column() * f.k, end = first + v.owned_columns() * f.k;
  double min_w = std::numeric_limits<double>::infinity(), min_h = min_w;
  int64_t negative_w = 0, negative_h = 0;
  for (double x : f.W) {
    min_w = std::min(min_w, x);
    negative_w += x < 0;
  }
  for (int64_t i = first; i < end; ++i) {
    min_h = std::min(min_h, f.Ht[i]);
    negative_h += f.Ht[i] < 0;
  }
  std::vector<double> maxima{-min_w, -min_h, seconds, static_cast<double>(StopSignals::received())};
  max_over_ranks_in_place(v.comm(), maxima);
  std::vector<int64_t> counts{negative_w, negative_h};
  sum_over_ranks_in_place(v.comm(), counts);
  return {-maxima[0], -maxima[1], maxima[2], counts[0], counts[1], static_cast<int>(maxima[3])};
}

void record(History& history, const DataMatrix& v, const IterateReport& report, int64_t iteration, double seconds,
            double error, double objective) {
  history.iteration.push_back(iteration);
  history.seconds.push_back(seconds);
  history.error.push_back(error);
  history.relative_error.push_back(relative_error(error, std::sqrt(v.squared_norm())));
  history.objective.push_back(objective);
  history.min_w.push_back(report.min_w);
  history.min_h.push_back(report.min_h);
  history.negative_w.push_back(report.negative_w);
  history.negative_h.push_back(report.negative_h);
}

// The relative error means something for the Frobenius loss only: for another loss, the
// lines give the error itself, sqrt(2 D).
void print_report(const History& h, size_t at, bool frobenius, double seconds_per_iteration, double seconds_left) {
  if (frobenius)
    std::printf("iter %5lld  |V-WH| %.6f  rel %.6f", static_cast<long long>(h.iteration[at]), h.error[at],
                h.relative_error[at]);
  else
    std::printf("iter %5lld  sqrt(2D) %.6f", static_cast<long long>(h.iteration[at]), h.error[at]);
  std::printf("  min W %.3g  min H %.3g  W<0 %lld  H<0 %lld  %.4f s/iter", h.min_w[at], h.min_h[at],
              static_cast<long long>(h.negative_w[at]), static_cast<long long>(h.negative_h[at]),
              seconds_per_iteration);
  if (seconds_left >= 0) std::printf("  ~%.1f s left", seconds_left);
  std::printf("\n");
  std::fflush(stdout);
}

void print_progress(ProgressLine& progress, const RunResult& result, bool frobenius, const StopSettings& stop,
                    double per_iteration) {
  const int64_t iteration = result.iterations;
  char text[256];
  std::snprintf(text, sizeof text, "dnmf factorize: iteration %lld of %lld (%.0f%%), %s %.6f, %.4g s/iteration",
                static_cast<long long>(iteration), static_cast<long long>(stop.max_iterations),
                100.0 * static_cast<double>(iteration) / static_cast<double>(std::max<int64_t>(stop.max_iterations, 1)),
                frobenius ? "relative error" : "error",
                frobenius ? result.history.relative_error.back() : result.history.error.back(), per_iteration);
  double left = per_iteration * static_cast<double>(stop.max_iterations - iteration);
  if (stop.max_seconds > 0) left = std::min(left, stop.max_seconds - progress.seconds_since_start());
  progress.print(std::string(text) + ", " + format_time_left(left));
}

// The monitor's report every --monitor iterations, else the progress line when due.
void show_iteration(ProgressLine& progress, bool reporter, const RunResult& result, bool frobenius,
                    const StopSettings& stop, double per_iteration) {
  const int64_t iteration = result.iterations;
  if (reporter && stop.monitor_every > 0 && iteration % stop.monitor_every == 0)
    print_report(result.history, result.history.error.size() - 1, frobenius, per_iteration,
                 per_iteration * static_cast<double>(stop.max_iterations - iteration));
  if (progress.due()) print_progress(progress, result, frobenius, stop, per_iteration);
}

// Whether the run stops after this iteration, every rank taking the same decision: on
// --tol (rank 0's verdict, so no rounding can split the ranks; the solver's own rule if it
// has one), a stop signal that reached any rank, or --max-time by the slowest rank's clock.
std::optional<StopReason> stop_requested(const Solver& solver, const DataMatrix& v, const StopSettings& stop,
                                         RunResult& result, double error, const IterateReport& report, double elapsed) {
  const int64_t iteration = result.iterations;
  const std::optional<bool> solver_rule = stop.tolerance > 0 ? solver.met_tolerance(stop.tolerance) : std::nullopt;
  if (solver_rule) {
    if (broadcast_item(v.comm(), *solver_rule)) return StopReason::tolerance;
  } else if (stop.tolerance > 0 && iteration % 10 == 0) {
    const bool converged = (result.last_tolerance_check - error) / result.initial_error < stop.tolerance;
    if (broadcast_item(v.comm(), converged)) return StopReason::tolerance;
    result.last_tolerance_check = error;
  }
  if (report.stop_signal != 0) {
    if (comm_rank(v.comm()) == 0)
      std::printf("dnmf: %s received; stopping after iteration %lld\n", StopSignals::name(report.stop_signal),
                  static_cast<long long>(iteration));
    return StopReason::signal;
  }
  if (stop.max_seconds > 0 && elapsed >= stop.max_seconds) return StopReason::max_time;
  return std::nullopt;
}

// What to change when a solver's iterate stops being finite.
const char* divergence_advice(const std::string& solver) {
  if (solver == "gd" || solver == "sgd") return "Try a smaller --lr.";
  if (solver == "adam") return "Try a smaller --adam-lr.";
  return "The values of V are too large for double precision: scale them down.";
}

}  // namespace

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::max_iterations: return "max-iter";
    case StopReason::tolerance: return "tol";
    case StopReason::diverged: return "diverged";
    case StopReason::signal: return "signal";
    case StopReason::max_time: return "max-time";
    case StopReason::snapshot_failed: return "snapshot-failed";
  }
  return "unknown";
}

RunResult run_solver(Solver& solver, const DataMatrix& v, Factors& factors, const StopSettings& stop,
                     const Checkpoints& checkpoints, const RunResult* resume) {
  const bool reporter = comm_rank(v.comm()) == 0;
  RunResult result;
  double started = wall_seconds();
  double earlier_seconds = 0;  // solve time of the runs this one continues
  if (resume != nullptr) {
    result = *resume;
    earlier_seconds = resume->solve_seconds;
  } else {
    result.initial_error = solver.residual_norm(factors);
    result.final_error = result.initial_error;
    result.last_tolerance_check = result.initial_error;
    record(result.history, v, report_on(v, factors, 0.0), 0, 0.0, result.initial_error,
           solver.objective(factors, result.initial_error));
    result.initial_error_seconds = wall_seconds() - started;
    started = wall_seconds();
  }
  result.stop_reason = StopReason::max_iterations;
  const int64_t communicated_before = solver.communicated_bytes();
  const int64_t first_iteration = result.iterations + 1;
  double last_snapshot = 0;  // this run's elapsed solve time at the last snapshot
  int64_t snapshot_iteration = -1;
  // False when a snapshot could not be written: the run then stops, so that the model
  // is written while its work can still be saved.
  auto snapshot = [&](double elapsed) {
    if (!checkpoints.write || snapshot_iteration == result.iterations) return true;
    result.solve_seconds = earlier_seconds + elapsed;
    const double write_started = wall_seconds();
    const bool written = checkpoints.write(result);
    started += wall_seconds() - write_started;  // solve time leaves snapshot I/O out
    last_snapshot = elapsed;
    snapshot_iteration = result.iterations;
    if (!written) result.stop_reason = StopReason::snapshot_failed;
    return written;
  };

  // The monitor's lines, when asked for, say more than the progress line would.
  ProgressLine progress(reporter && stop.monitor_every == 0, stop.progress_seconds);
  double elapsed = 0;
  // A start whose error cannot be computed (values near the end of double precision)
  // gives no iterate worth taking: stop before the first.
  if (!std::isfinite(result.initial_error)) result.stop_reason = StopReason::diverged;
  for (int64_t iteration = first_iteration;
       iteration <= stop.max_iterations && result.stop_reason != StopReason::diverged; ++iteration) {
    const double error = solver.step(factors, iteration);
    // The slowest rank's clock, so that all stop at the same iteration, and whether a
    // stop signal reached any rank, travel with the report's numbers.
    const IterateReport report = report_on(v, factors, wall_seconds() - started);
    elapsed = report.slowest_seconds;
    if (!std::isfinite(error)) {
      result.stop_reason = StopReason::diverged;
      if (reporter)
        std::printf("dnmf factorize: %s diverged at iteration %lld (a non-finite iterate). %s\n",
                    solver.settings().name.c_str(), static_cast<long long>(iteration),
                    divergence_advice(solver.settings().name));
      break;
    }
    result.iterations = iteration;
    result.final_error = error;
    record(result.history, v, report, iteration, earlier_seconds + elapsed, error, solver.objective(factors, error));
    const double per_iteration = elapsed / static_cast<double>(iteration - first_iteration + 1);
    show_iteration(progress, reporter, result, solver.settings().beta == kFrobenius, stop, per_iteration);
    if (const auto reason = stop_requested(solver, v, stop, result, error, report, elapsed)) {
      result.stop_reason = *reason;
      break;
    }
    if ((checkpoints.every_iterations > 0 && iteration % checkpoints.every_iterations == 0) ||
        (checkpoints.every_seconds > 0 && elapsed - last_snapshot >= checkpoints.every_seconds)) {
      if (!snapshot(elapsed)) break;
    }
  }
  if (stopped_on_request(result.stop_reason)) snapshot(elapsed);
  result.solve_seconds = earlier_seconds + (wall_seconds() - started);
  if (result.iterations >= first_iteration)
    result.communicated_bytes_per_iteration = static_cast<double>(solver.communicated_bytes() - communicated_before) /
                                              static_cast<double>(result.iterations - first_iteration + 1);
  solver.share_all_rows(factors);
  return result;
}

}  // namespace dnmf::nmf
