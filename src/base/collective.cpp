#include "src/base/collective.hpp"

#include <cstdio>

#include "src/base/comm.hpp"

namespace dnmf {

namespace {
// Runs `phase`; returns whether it failed, with the message to print (empty when an inner
// collective phase has printed it already, whose exit status then replaces `status`).
bool failed_locally(const std::function<void()>& phase, std::string& message, int& status) {
  try {
    phase();
    return false;
  } catch (const CollectiveFailure& inner) {
    status = inner.exit_status();
  } catch (const UserError& error) {
    message = error.what();
  } catch (const std::bad_alloc&) {
    message = "out of memory (try more ranks or nodes)";
  } catch (const std::exception& error) {
    message = std::string("internal error: ") + error.what();
  }
  return true;
}
}  // namespace

void run_collectively(MPI_Comm comm, const std::function<void()>& phase, int exit_status) {
  std::string message;
  const bool failed = failed_locally(phase, message, exit_status);
  const int reporter = lowest_rank_with(comm, failed);
  if (reporter < 0) return;
  if (reporter == comm_rank(comm) && !message.empty()) print_error(message);
  throw CollectiveFailure(exit_status);
}

std::string attempt_collectively(MPI_Comm comm, const std::function<void()>& phase) {
  std::string message;
  int status = kExitFailure;
  const bool failed = failed_locally(phase, message, status);
  const int reporter = lowest_rank_with(comm, failed);
  if (reporter < 0) return {};
  broadcast_bytes(comm, message, reporter);
  return message.empty() ? std::string("failed (see above)") : message;
}

void agree_collectively(MPI_Comm comm, const std::function<void()>& phase) {
  const std::string problem = attempt_collectively(comm, phase);
  if (!problem.empty()) throw UserError(problem);
}

void print_error(const std::string& message) {
  std::fprintf(stderr, "dnmf: error: %s\n", message.c_str());
  std::fflush(stderr);
}

void print_warning(const std::string& message) {
  std::fprintf(stderr, "dnmf: warning: %s\n", message.c_str());
  std::fflush(stderr);
}

}  // namespace dnmf
