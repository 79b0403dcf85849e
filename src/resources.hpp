#pragma once
// Wall-clock phases and memory, for the summaries dnmf prints. Each phase is also a
// PETSc log event, so -log_view shows the same split with PETSc's statistics.
#include <petscsys.h>

#include <string>
#include <vector>

namespace dnmf {

double wall_seconds();
// Peak resident set size of this process, in bytes.
int64_t peak_resident_bytes();

class PhaseTimer {
 public:
  // Starts phase `name` (registered as a PETSc event once); ends the previous one.
  void start(const std::string& name);
  void stop();
  const std::vector<std::pair<std::string, double>>& seconds() const { return seconds_; }

 private:
  std::vector<std::pair<std::string, double>> seconds_;
  PetscLogEvent event_ = 0;
  bool running_ = false;
  double started_ = 0;
};

std::string format_bytes(double bytes);

}  // namespace dnmf
