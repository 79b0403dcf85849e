#include "src/base/stop_signals.hpp"

namespace dnmf {
namespace {

volatile std::sig_atomic_t received_signal = 0;
constexpr int kHandled[3] = {SIGTERM, SIGUSR1, SIGINT};

extern "C" void record_signal(int signal_number) { received_signal = signal_number; }

}  // namespace

StopSignals::StopSignals() {
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: a signal during file or network I/O must not turn into an I/O error.
  action.sa_flags = SA_RESTART;
  for (int i = 0; i < 3; ++i) sigaction(kHandled[i], &action, &previous_[i]);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < 3; ++i) sigaction(kHandled[i], &previous_[i], nullptr);
}

int StopSignals::received() { return received_signal; }

const char* StopSignals::name(int signal_number) {
  switch (signal_number) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "a signal";
  }
}

}  // namespace dnmf
