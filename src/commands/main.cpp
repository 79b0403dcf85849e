// dnmf: topics of a text corpus by distributed nonnegative matrix factorization.
// This file only starts PETSc/MPI and hands the command line to the subcommand.
#include <petscsys.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>

#include "io/output_path.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/resources.hpp"
#include "src/base/stop_signals.hpp"
#include "src/commands/evaluate.hpp"
#include "src/commands/factorize.hpp"
#include "src/commands/info.hpp"
#include "src/commands/plot.hpp"
#include "src/commands/select_k.hpp"
#include "src/commands/topics.hpp"
#include "src/commands/transform.hpp"
#include "src/commands/vectorize.hpp"
#include "src/nmf/threads.hpp"

namespace {

const char* const kUsage =
    "usage: mpirun -n P dnmf COMMAND [arguments] [options]\n"
    "\n"
    "commands:\n"
    "  vectorize   TF-IDF matrix of a corpus (scikit-learn's TfidfVectorizer), to HDF5\n"
    "  factorize   NMF of a TF-IDF file: W (documents x topics) and H (topics x terms), to HDF5\n"
    "  transform   a model applied to new documents: their topic weights, to HDF5\n"
    "  topics      the top words of each topic of a model\n"
    "  evaluate    how good a model's topics are: coherence, diversity, agreement with labels\n"
    "  select-k    how many topics: the stability of topics over perturbed runs, per k\n"
    "  plot        pictures of models, evaluations and select-k tables (PNG and SVG)\n"
    "  info        what a dnmf HDF5 file holds, and its row split over ranks\n"
    "\n"
    "dnmf COMMAND --help describes a command's options.\n";

// MPI_Init/MPI_Finalize as a scope: MPI starts before PETSc so that dnmf can check
// PETSc's options files first (PETSc would answer a bad one with a page of its own).
class MpiSession {
 public:
  // Threads within a rank (src/nmf/threads.hpp) never call MPI; the main thread does.
  MpiSession(int* argc, char*** argv) {
    int provided = MPI_THREAD_SINGLE;
    ok_ = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS;
  }
  ~MpiSession() {
    if (ok_) MPI_Finalize();
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

// Rank 0 looks at every -options_file FILE of the command line; "" when all can be
// read, else the one line that says which cannot and why. Every rank gets the answer.
std::string options_file_problem(int argc, char** argv) {
  std::string problem;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int i = 1; rank == 0 && i < argc && problem.empty(); ++i) {
    if (std::strcmp(argv[i], "-options_file") != 0 && std::strcmp(argv[i], "-options_file_yaml") != 0) continue;
    if (i + 1 >= argc) {
      problem = std::string(argv[i]) + " needs a file name";
      break;
    }
    const std::string path = argv[i + 1];
    try {
      dnmf::io::require_regular_file(path, argv[i]);
      if (::access(path.c_str(), R_OK) != 0)
        problem = path + ": " + argv[i] + ": cannot be read (" + std::strerror(errno) + ")";
    } catch (const dnmf::UserError& error) {
      problem = error.what();
    }
  }
  dnmf::broadcast_bytes(MPI_COMM_WORLD, problem, 0);
  return problem;
}

// PetscInitialize/PetscFinalize as a scope.
class PetscSession {
 public:
  PetscSession(int* argc, char*** argv) { ok_ = PetscInitialize(argc, argv, nullptr, nullptr) == 0; }
  ~PetscSession() {
    if (ok_) PetscFinalize();
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  // Pictures need neither MPI nor PETSc: the plotting module runs in place of dnmf.
  if (argc > 1 && std::strcmp(argv[1], "plot") == 0) return dnmf::run_plot(argc, argv, 2);
  dnmf::restart_with_huge_pages(argv);
  dnmf::prefer_reliable_mpi_io();
  // A factorization turns stop signals into a clean stop (src/stop_signals.hpp), from
  // the first instant: Slurm may signal a job while it is still starting. Other commands
  // die of them as usual, removing the temporary file being written
  // (src/base/remove_on_signal.hpp). PETSc's own handlers (a PETSc error page, then an
  // abort) would replace both, so PETSc is asked to install none.
  std::optional<dnmf::StopSignals> stop_signals;
  if (argc > 1 && (std::strcmp(argv[1], "factorize") == 0 || std::strcmp(argv[1], "select-k") == 0))
    stop_signals.emplace();
  PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
  MpiSession mpi(&argc, &argv);
  if (!mpi.ok()) {
    std::fprintf(stderr, "dnmf: error: MPI failed to start\n");
    return 2;
  }
  const std::string options_problem = options_file_problem(argc, argv);
  if (!options_problem.empty()) {
    if (dnmf::comm_rank(MPI_COMM_WORLD) == 0) dnmf::print_error(options_problem);
    return dnmf::kExitUsage;
  }
  PetscSession petsc(&argc, &argv);
  if (!petsc.ok()) {
    std::fprintf(stderr, "dnmf: error: PETSc/MPI failed to start\n");
    return 2;
  }
  MPI_Comm comm = PETSC_COMM_WORLD;
  dnmf::return_errors_on(comm);
  dnmf::nmf::choose_thread_count();
  const int rank = dnmf::comm_rank(comm);
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    if (command == "vectorize") return dnmf::run_vectorize(comm, argc, argv, 2);
    if (command == "info") return dnmf::run_info(comm, argc, argv, 2);
    if (command == "factorize") return dnmf::run_factorize(comm, argc, argv, 2);
    if (command == "topics") return dnmf::run_topics(comm, argc, argv, 2);
    if (command == "transform") return dnmf::run_transform(comm, argc, argv, 2);
    if (command == "evaluate") return dnmf::run_evaluate(comm, argc, argv, 2);
    if (command == "select-k") return dnmf::run_select_k(comm, argc, argv, 2);
    if (command == "--help" || command == "-h" || command == "help") {
      if (rank == 0) std::fputs(kUsage, stdout);
      return 0;
    }
    if (rank == 0) {
      if (command.empty())
        std::fputs(kUsage, stderr);
      else
        std::fprintf(stderr, "dnmf: error: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    }
    return 2;
  } catch (const dnmf::CollectiveFailure& failure) {
    return failure.exit_status();
  } catch (const std::exception& error) {
    // No phase caught it, so the other ranks may be waiting in a collective: say what
    // it was, once per failing rank, and end them all.
    const bool memory = dynamic_cast<const std::bad_alloc*>(&error) != nullptr;
    std::fprintf(stderr, "dnmf: error: %s on rank %d: %s\n", memory ? "out of memory" : "internal error", rank,
                 memory ? "try more ranks or nodes, or less input per rank" : error.what());
    std::fflush(stderr);
    dnmf::abort_all_ranks(comm, 1);
  } catch (...) {
    std::fprintf(stderr, "dnmf: error: internal error on rank %d (an exception of unknown type)\n", rank);
    std::fflush(stderr);
    dnmf::abort_all_ranks(comm, 1);
  }
}
