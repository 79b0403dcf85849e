#include "src/base/remove_on_signal.hpp"

#include <unistd.h>

#include <cstring>

namespace dnmf {
namespace {

constexpr int kHandled[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};

// Written before the handlers are installed and cleared after they are removed, so the
// handler only ever reads a whole path; unlink is async-signal-safe.
char g_path[4096];
volatile std::sig_atomic_t g_armed = 0;

extern "C" void remove_and_die(int signal_number) {
  if (g_armed) ::unlink(g_path);
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal_number, &fallback, nullptr);
  raise(signal_number);
}

}  // namespace

RemoveOnSignal::RemoveOnSignal(const std::string& path) {
  if (path.size() >= sizeof g_path) return;  // no guard rather than a wrong one
  std::memcpy(g_path, path.c_str(), path.size() + 1);
  g_armed = 1;
  for (int i = 0; i < kSignals; ++i) {
    struct sigaction current {};
    if (sigaction(kHandled[i], nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
    struct sigaction action {};
    action.sa_handler = remove_and_die;
    sigemptyset(&action.sa_mask);
    installed_[i] = sigaction(kHandled[i], &action, &previous_[i]) == 0;
  }
}

RemoveOnSignal::~RemoveOnSignal() {
  for (int i = 0; i < kSignals; ++i)
    if (installed_[i]) sigaction(kHandled[i], &previous_[i], nullptr);
  g_armed = 0;
}

}  // namespace dnmf
