#pragma once
// The kinds of failure dnmf tells apart, and so reports differently:
//   UserError      something the user can fix (an input, an option, a path, a full disk):
//                  printed as one line, "dnmf: error: <message>", exit status 1.
//   LibraryError   a call into MPI, PETSc or HDF5 failed where dnmf did not expect it:
//                  an internal error that names the call, so a bug report can say where.
//   CollectiveFailure  thrown on every rank once some rank's error has been reported
//                  (src/base/collective.hpp); it carries no message of its own, only
//                  the exit status the phase that failed asked for.
#include <stdexcept>
#include <string>

namespace dnmf {

// Exit statuses (docs/errors.md); 3, a stop on request, is src/base/stop_signals.hpp's.
constexpr int kExitFailure = 1;  // an input, a path, the machine
constexpr int kExitUsage = 2;    // the command line itself

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LibraryError : public std::runtime_error {
 public:
  // `library` is "MPI", "PETSc" or "HDF5"; `call` the function that failed; `detail`
  // what it was doing (a file and dataset, say), may be empty.
  LibraryError(const std::string& library, const std::string& call, const std::string& detail = "")
      : std::runtime_error(library + " call " + call + " failed" + (detail.empty() ? "" : " (" + detail + ")")) {}
};

class CollectiveFailure : public std::runtime_error {
 public:
  explicit CollectiveFailure(int exit_status = kExitFailure)
      : std::runtime_error("collective failure"), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_;
};

}  // namespace dnmf
