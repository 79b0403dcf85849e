#pragma once
// dnmf's PETSc log events, registered in one place under one class ("dnmf"), so that
// -log_view lists every phase and kernel of a run with PETSc's statistics. A region is
// timed only by a LogScope object: the event begins with it and ends with its scope.
#include <petscsys.h>

#include <cstdint>

namespace dnmf {

enum class LogEvent {
  // Phases of the commands (also the lines of their time summaries).
  list,
  read,
  tokenize,
  vocabulary,
  weight,
  write,
  // Kernels and exchanges of the factorization.
  v_ht,
  vt_w,
  gram,
  allreduce,
  reduce_scatter,
  allgather,
  update,
  error,
  triangular_solve,
  count_  // the number of events, not an event
};

// The name -log_view and the time summaries show.
const char* log_event_name(LogEvent event);

// What a kernel did: time inside its LogScopes, and the flops and bytes it reported with
// log_work. Counted on every run (-log_view or not), for the end-of-run report.
struct KernelWork {
  int64_t calls = 0;
  double seconds = 0, flops = 0, bytes = 0;
};

// Adds to `event`'s work (and the flops to PETSc's log, for -log_view's Mflop/s). The
// bytes are what the kernel reads and writes as it is written, whatever caches make of it.
void log_work(LogEvent event, double flops, double bytes);
const KernelWork& work_of(LogEvent event);

class LogScope {
 public:
  explicit LogScope(LogEvent event);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  LogEvent event_;
  double started_;
};

}  // namespace dnmf
