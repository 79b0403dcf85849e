#include "src/collective.hpp"

#include <cstdio>

#include "src/comm.hpp"

namespace dnmf {

void run_collectively(MPI_Comm comm, const std::function<void()>& phase) {
  std::string message;
  bool failed = false;
  try {
    phase();
  } catch (const CollectiveFailure&) {
    // Already reported by an inner collective phase; only agreement is left to do.
    failed = true;
  } catch (const UserError& error) {
    failed = true;
    message = error.what();
  } catch (const std::bad_alloc&) {
    failed = true;
    message = "out of memory (try more ranks or nodes)";
  } catch (const std::exception& error) {
    failed = true;
    message = std::string("internal error: ") + error.what();
  }
  const int reporter = lowest_rank_with(comm, failed);
  if (reporter < 0) return;
  if (reporter == comm_rank(comm) && !message.empty()) {
    std::fprintf(stderr, "dnmf: error: %s\n", message.c_str());
    std::fflush(stderr);
  }
  throw CollectiveFailure();
}

void print_warning(const std::string& message) {
  std::fprintf(stderr, "dnmf: warning: %s\n", message.c_str());
  std::fflush(stderr);
}

}  // namespace dnmf
