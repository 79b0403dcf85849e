#include "src/base/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "src/base/resources.hpp"

namespace dnmf {
namespace {

// Whether a person watches the output: stdout a terminal and, under an MPI launcher,
// the launcher's stdout one too (not a batch job's log file).
bool on_terminal() {
  if (isatty(STDOUT_FILENO) != 1) return false;
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
                        std::getenv("PMI_RANK") != nullptr;
  if (!launched) return true;
  char target[64] = {};
  const std::string link = "/proc/" + std::to_string(getppid()) + "/fd/1";
  if (readlink(link.c_str(), target, sizeof target - 1) <= 0) return false;
  const std::string_view device(target);
  return device.rfind("/dev/pts/", 0) == 0 || device.rfind("/dev/tty", 0) == 0;
}

}  // namespace

ProgressLine::ProgressLine(bool show, double every_seconds)
    : terminal_(on_terminal()),
      show_(show && (every_seconds > 0 || terminal_)),
      interval_(terminal_ ? 0.5 : every_seconds),
      started_(wall_seconds()),
      last_(started_) {}

ProgressLine::~ProgressLine() { finish(); }

bool ProgressLine::due() {
  if (!show_) return false;
  const double now = wall_seconds();
  if (now - last_ < interval_) return false;
  last_ = now;
  return true;
}

void ProgressLine::print(const std::string& text) {
  if (!show_) return;
  if (terminal_) {
    // Carriage return, the text, then clear what a longer earlier line left.
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    drawn_ = true;
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

double ProgressLine::seconds_since_start() const { return wall_seconds() - started_; }

std::string format_time_left(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "";
  char text[48];
  const long long whole = std::llround(seconds);
  if (whole >= 3600)
    std::snprintf(text, sizeof text, "ETA %lld h %02lld min", whole / 3600, whole % 3600 / 60);
  else if (whole >= 60)
    std::snprintf(text, sizeof text, "ETA %lld min %02lld s", whole / 60, whole % 60);
  else
    std::snprintf(text, sizeof text, "ETA %lld s", whole);
  return text;
}

}  // namespace dnmf
