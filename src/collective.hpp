#pragma once
// Errors a user can cause, and how all ranks agree on them.
//
// A rank that meets a bad file cannot simply exit: the other ranks would wait forever
// in the next collective. So each phase runs under `run_collectively`, which catches the
// error locally, lets every rank learn (in one allreduce) whether any rank failed, and
// has only the lowest failing rank print its message. Every rank then throws
// `CollectiveFailure`, which main() turns into a non-zero exit after cleaning up.
#include <mpi.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace dnmf {

// A problem with the user's input, options or environment: printed as one line.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown on every rank once some rank has reported a UserError (already printed).
class CollectiveFailure : public std::runtime_error {
 public:
  CollectiveFailure() : std::runtime_error("collective failure") {}
};

// Runs `phase` on every rank of `comm`; if it throws on any rank, the lowest such rank
// prints "dnmf: error: <message>" and all ranks throw CollectiveFailure.
void run_collectively(MPI_Comm comm, const std::function<void()>& phase);

// Like run_collectively, but a failure is returned instead of printed and thrown: the
// lowest failing rank's message, the same on every rank ("" when every rank succeeded).
// For phases the caller can recover from, such as skipping a corrupt snapshot.
std::string attempt_collectively(MPI_Comm comm, const std::function<void()>& phase);

// Prints a warning line (rank-local; call from one rank).
void print_warning(const std::string& message);

}  // namespace dnmf
