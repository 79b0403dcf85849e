#include "src/base/resources.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

namespace dnmf {

double wall_seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

int64_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

void PhaseTimer::start(LogEvent phase) {
  stop();
  running_.emplace(phase);
  seconds_.emplace_back(log_event_name(phase), 0.0);
  started_ = wall_seconds();
}

void PhaseTimer::stop() {
  if (!running_) return;
  seconds_.back().second = wall_seconds() - started_;
  running_.reset();
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

}  // namespace dnmf
