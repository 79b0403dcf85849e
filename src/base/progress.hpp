#pragma once
// How far a long run has got, on stderr of rank 0. On a terminal one line redrawn in
// place twice a second; in a batch job (a Slurm log) a plain line every `every_seconds`
// (--progress-seconds, default 60; 0: none), so the log shows how far a job got before
// it stopped. mpirun hands its ranks a pseudo-terminal for stdout whatever its own
// output is, and a pipe for stderr, so under a launcher the terminal is the launcher's.
#include <string>

namespace dnmf {

class ProgressLine {
 public:
  // `show` false (ranks other than 0): never prints.
  ProgressLine(bool show, double every_seconds);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Whether a line is due now; cheap enough to ask once per document or iteration.
  bool due();
  // Prints `text` (no line end): redrawn over the last on a terminal, a new line else.
  void print(const std::string& text);
  // Ends a redrawn line, so the output after it starts on a line of its own.
  void finish();

  double seconds_since_start() const;

 private:
  bool terminal_;
  bool show_;
  double interval_;
  double started_, last_;
  bool drawn_ = false;
};

// "ETA 1 h 02 min", "ETA 4 min 10 s", "ETA 12 s" for `seconds` left; "" if unknown.
std::string format_time_left(double seconds);

}  // namespace dnmf
