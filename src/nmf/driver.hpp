#pragma once
// The alternating-update loop every solver runs in: iterate, record the history, report,
// snapshot, and stop on --max-iter, --tol (the solver's own rule when it has one, as hals
// has scikit-learn cd's; else scikit-learn mu's: every 10 iterations, stop when the error
// fell by less than tol x the initial error since the last check),
// divergence (a non-finite iterate: the last finite one is kept), or a request to stop
// early: --max-time or a stop signal (src/base/stop_signals.hpp). All ranks take every one of
// these decisions at the same iteration.
#include <cstdint>
#include <functional>

#include "src/nmf/factors.hpp"
#include "src/nmf/run_state.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {

struct StopSettings {
  int64_t max_iterations = 200;
  double tolerance = 1e-4;
  double max_seconds = 0;        // 0: no limit
  int64_t monitor_every = 0;     // 0: quiet
  double progress_seconds = 60;  // a progress line this often in a batch log (progress.hpp); 0: none
};

struct Checkpoints {
  int64_t every_iterations = 0;  // 0: not by count
  double every_seconds = 0;      // 0: not by time
  // Writes a snapshot of the run as it stands (collective); false when it could not.
  // Empty: no snapshots.
  std::function<bool(const RunResult&)> write;
};

// Runs `solver` from `factors`. With `resume`, continues that run (its history, counts and
// tol state) after its last iteration instead of starting at iteration 1.
RunResult run_solver(Solver& solver, const DataMatrix& v, Factors& factors, const StopSettings& stop,
                     const Checkpoints& checkpoints = {}, const RunResult* resume = nullptr);

}  // namespace dnmf::nmf
