#pragma once
// Wall-clock phases and memory, for the summaries dnmf prints. Each phase is also a
// PETSc log event (src/base/log_events.hpp), so -log_view shows the same split with
// PETSc's statistics.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/base/log_events.hpp"

namespace dnmf {

double wall_seconds();
// Peak resident set size of this process, in bytes.
int64_t peak_resident_bytes();
// What this node can still give, in bytes: /proc/meminfo's MemAvailable, or less when a
// cgroup (Slurm's, a container's) limits this process to less. -1 when unknown.
int64_t available_memory_bytes();

// Hands the pages of freed memory back to the system. glibc keeps freed blocks for
// reuse, and once it has freed a large mapped block (a read buffer) it serves later
// large blocks from its heap, whose middle it never returns on its own.
void release_free_memory();

// Call first thing in main. Large arrays on 2 MiB pages: here a fresh 24 MB array costs
// 60 ms of 4 KiB page faults, 10 ms on huge pages (nndsvda on all 20 newsgroups: 0.45 ->
// 0.17-0.30 s). glibc asks for them only when GLIBC_TUNABLES holds glibc.malloc.hugetlb=1
// at process start, so unless it is there (or DNMF_HUGE_PAGES=0) the process execs itself
// once with it added; if that fails it carries on as it is.
void restart_with_huge_pages(char** argv);

class PhaseTimer {
 public:
  // Starts `phase`, named as its log event; ends the previous one.
  void start(LogEvent phase);
  void stop();
  const std::vector<std::pair<std::string, double>>& seconds() const { return seconds_; }

 private:
  std::vector<std::pair<std::string, double>> seconds_;
  std::optional<LogScope> running_;
  double started_ = 0;
};

std::string format_bytes(double bytes);

}  // namespace dnmf
