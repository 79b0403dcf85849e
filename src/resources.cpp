#include "src/resources.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <map>

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

void PhaseTimer::start(const std::string& name) {
  stop();
  static std::map<std::string, PetscLogEvent> events;
  static PetscClassId class_id = 0;
  if (class_id == 0) PetscClassIdRegister("dnmf", &class_id);
  auto found = events.find(name);
  if (found == events.end()) {
    PetscLogEvent event = 0;
    PetscLogEventRegister(name.c_str(), class_id, &event);
    found = events.emplace(name, event).first;
  }
  event_ = found->second;
  PetscLogEventBegin(event_, 0, 0, 0, 0);
  seconds_.emplace_back(name, 0.0);
  started_ = wall_seconds();
  running_ = true;
}

void PhaseTimer::stop() {
  if (!running_) return;
  seconds_.back().second = wall_seconds() - started_;
  PetscLogEventEnd(event_, 0, 0, 0, 0);
  running_ = false;
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
