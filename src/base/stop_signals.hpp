#pragma once
// SIGTERM, SIGUSR1 and SIGINT ask a running factorization to stop cleanly rather than
// die: the handler only records the signal, and the solve loop folds that record into
// the one small allreduce it makes every iteration, so every rank learns of a signal that
// reached any of them and all stop after the same iteration, write a snapshot and exit
// with kExitInterrupted. Slurm sends USR1 ahead of a time limit (--signal=B:USR1@margin)
// and mpirun forwards it to every rank.
#include <csignal>

namespace dnmf {

// Exit status of a run that stopped early on request (signal or --max-time) after
// saving its state: a job script resumes it with --restart. 0 is a finished run and 1 an
// error.
constexpr int kExitInterrupted = 3;

// Installs the handlers for its lifetime and puts the previous ones back after.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The last stop signal received (0: none).
  static int received();
  static const char* name(int signal_number);

 private:
  struct sigaction previous_[3];
};

}  // namespace dnmf
