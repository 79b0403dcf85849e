#include "src/base/resources.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

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

namespace {

// The first number in FILE after `key` (or at its start when key is empty); -1 if none.
int64_t number_in_file(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string word;
  while (in >> word)
    if (key.empty() || word == key) {
      if (!key.empty() && !(in >> word)) break;
      try {
        return std::stoll(word);
      } catch (const std::exception&) {
        return -1;  // "max": no limit
      }
    }
  return -1;
}

}  // namespace

int64_t available_memory_bytes() {
  int64_t available = number_in_file("/proc/meminfo", "MemAvailable:");
  if (available >= 0) available *= 1024;  // kB
  const int64_t limit = number_in_file("/sys/fs/cgroup/memory.max", "");
  const int64_t used = number_in_file("/sys/fs/cgroup/memory.current", "");
  if (limit >= 0 && used >= 0) {
    const int64_t left = std::max<int64_t>(limit - used, 0);
    available = available < 0 ? left : std::min(available, left);
  }
  return available;
}

void release_free_memory() { malloc_trim(0); }

void restart_with_huge_pages(char** argv) {
  const char* choice = std::getenv("DNMF_HUGE_PAGES");
  if (choice != nullptr && std::strcmp(choice, "0") == 0) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) return;
  const std::string value = tunables != nullptr && *tunables != 0 ? std::string(tunables) + ":glibc.malloc.hugetlb=1"
                                                                  : "glibc.malloc.hugetlb=1";
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Only reached when exec failed: run on as before, without the setting.
  if (tunables != nullptr)
    setenv("GLIBC_TUNABLES", tunables, 1);
  else
    unsetenv("GLIBC_TUNABLES");
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
