#pragma once
// A factorization run as the solve loop (driver.hpp) keeps it: where it stands, why it
// stopped, and its history. The model and snapshot files (io/) store these as they are.
#include <cstdint>
#include <vector>

namespace dnmf::nmf {

// One entry per recorded iterate; entry 0 is the starting point. `error` is
// sqrt(2 D_β(V || WH)) (||V − WH||_F for Frobenius), `objective` what the solver
// minimizes: D_β plus the penalties of --alpha-w and --alpha-h.
struct History {
  std::vector<int64_t> iteration;
  std::vector<double> seconds, error, relative_error, objective, min_w, min_h;
  std::vector<int64_t> negative_w, negative_h;
};

// Why a run ended. The names are those files and messages use.
enum class StopReason { max_iterations, tolerance, diverged, signal, max_time, snapshot_failed };
const char* stop_reason_name(StopReason reason);
// True when the run stopped early on request (a stop signal or --max-time); its state is
// in the last snapshot, if it takes snapshots.
inline bool stopped_on_request(StopReason reason) {
  return reason == StopReason::signal || reason == StopReason::max_time;
}

// |V - WH|_F relative to |V|_F; for an all-zero V, where that ratio is undefined, the
// absolute error.
inline double relative_error(double error, double data_norm) { return data_norm > 0 ? error / data_norm : error; }

struct RunResult {
  int64_t iterations = 0;
  double initial_error = 0, final_error = 0, solve_seconds = 0;
  // The start's error costs one extra V Ht: timed apart, so that solve_seconds and the
  // seconds per iteration are the iterations' alone.
  double initial_error_seconds = 0;
  double last_tolerance_check = 0;              // the error the tol rule compares with next
  double communicated_bytes_per_iteration = 0;  // handed to sums and shares by this rank, in the solver's steps
  StopReason stop_reason = StopReason::max_iterations;
  History history;
};

}  // namespace dnmf::nmf
