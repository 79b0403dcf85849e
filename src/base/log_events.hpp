#pragma once
// dnmf's PETSc log events, registered in one place under one class ("dnmf"), so that
// -log_view lists every phase and kernel of a run with PETSc's statistics. A region is
// timed only by a LogScope object: the event begins with it and ends with its scope.
#include <petscsys.h>

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
  count_  // the number of events, not an event
};

// The name -log_view and the time summaries show.
const char* log_event_name(LogEvent event);

class LogScope {
 public:
  explicit LogScope(LogEvent event);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  PetscLogEvent event_;
};

}  // namespace dnmf
