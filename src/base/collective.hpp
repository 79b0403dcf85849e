#pragma once
// How all ranks agree on an error (src/base/errors.hpp) that one of them met.
//
// A rank that meets a bad file cannot simply exit: the other ranks would wait forever
// in the next collective. So each phase runs under `run_collectively`, which catches the
// error locally, lets every rank learn (in one allreduce) whether any rank failed, and
// has only the lowest failing rank print its message. Every rank then throws
// `CollectiveFailure`, which main() turns into a non-zero exit after cleaning up.
#include <mpi.h>

#include <functional>
#include <string>

#include "src/base/comm.hpp"
#include "src/base/errors.hpp"

namespace dnmf {

// Runs `phase` on every rank of `comm`; if it throws on any rank, the lowest such rank
// prints "dnmf: error: <message>" and all ranks throw CollectiveFailure carrying
// `exit_status` (kExitUsage for the phases that read the command line), or the status
// of a collective phase inside this one that failed first.
void run_collectively(MPI_Comm comm, const std::function<void()>& phase, int exit_status = kExitFailure);

// Like run_collectively, but a failure is returned instead of printed and thrown: the
// lowest failing rank's message, the same on every rank ("" when every rank succeeded).
// For phases the caller can recover from, such as skipping a corrupt snapshot.
std::string attempt_collectively(MPI_Comm comm, const std::function<void()>& phase);

// Like attempt_collectively, but a failure is thrown again on every rank as the same
// UserError, unprinted: for phases inside a larger one that decides what a failure means.
void agree_collectively(MPI_Comm comm, const std::function<void()>& phase);

// "Rank 0 decides, every rank receives": runs `decide` on rank 0 only, as a collective
// phase (an error there stops every rank, as run_collectively), and returns its result,
// which must be an item src/base/comm.hpp can send, on every rank.
template <class Decide>
auto decide_on_root(MPI_Comm comm, Decide&& decide) -> decltype(decide()) {
  decltype(decide()) decision{};
  run_collectively(comm, [&] {
    if (comm_rank(comm) == 0) decision = decide();
  });
  return broadcast_item(comm, decision);
}

// Prints "dnmf: error: MESSAGE" or "dnmf: warning: MESSAGE" (rank-local; call from one rank).
void print_error(const std::string& message);
void print_warning(const std::string& message);

}  // namespace dnmf
