#pragma once
// A temporary file that a deadly signal must not leave behind. While a RemoveOnSignal
// lives, SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 remove the file and then end the
// process as the signal would have (same status, as a shell or Slurm sees it). Signals
// that already have a handler (factorize's clean stop, src/base/stop_signals.hpp) keep
// it: there the run stops by itself and removes its temporaries on the way out.
// SIGKILL cannot be caught; docs/errors.md says what is left then.
#include <csignal>
#include <string>

namespace dnmf {

class RemoveOnSignal {
 public:
  explicit RemoveOnSignal(const std::string& path);
  ~RemoveOnSignal();
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

 private:
  static constexpr int kSignals = 5;
  struct sigaction previous_[kSignals];
  bool installed_[kSignals] = {};
};

}  // namespace dnmf
