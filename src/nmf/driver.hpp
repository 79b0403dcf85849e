#pragma once
// The alternating-update loop every solver runs in: iterate, record the history, report,
// and stop on --max-iter, --tol (scikit-learn's rule: every 10 iterations, stop when the
// error fell by less than tol x the initial error since the last check), --max-time, or
// divergence (a non-finite iterate: the last finite one is kept).
#include <cstdint>
#include <string>
#include <vector>

#include "src/nmf/factors.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {

struct StopSettings {
  int64_t max_iterations = 200;
  double tolerance = 1e-4;
  double max_seconds = 0;  // 0: no limit
  int64_t monitor_every = 0;  // 0: quiet
};

struct History {
  std::vector<int64_t> iteration;
  std::vector<double> seconds, error, relative_error, min_w, min_h;
  std::vector<int64_t> negative_w, negative_h;
};

struct RunResult {
  int64_t iterations = 0;
  double initial_error = 0, final_error = 0, solve_seconds = 0;
  double communicated_bytes_per_iteration = 0;  // handed to sums and shares by this rank, in the solver's steps
  std::string stop_reason;
  History history;  // iteration 0 is the starting point
};

RunResult run_solver(Solver& solver, const DataMatrix& v, Factors& factors, const StopSettings& stop);

}  // namespace dnmf::nmf
