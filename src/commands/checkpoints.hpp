#pragma once
// dnmf factorize's snapshots (--checkpoint) and restarts (--restart): finding the snapshot
// to resume, the rules that refuse one of another run, and writing one as the run goes.
// The file format is io/snapshot_file.hpp's; the solve loop (src/nmf/driver.hpp) decides
// when.
#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "io/folder_lock.hpp"
#include "io/snapshot_file.hpp"
#include "src/nmf/data_matrix.hpp"
#include "src/nmf/factors.hpp"
#include "src/nmf/run_state.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf {

struct CheckpointSettings {
  std::string directory;  // empty: no snapshots
  int64_t every_iterations = 0, keep = 2;
  double every_seconds = 0;
  std::string restart;  // snapshot file or folder; empty: a fresh run
  bool lock = true;     // hold the folder against other runs (io/folder_lock.hpp)
};

// What a snapshot must share with the run that continues it.
struct RunIdentity {
  std::string input, input_fingerprint, solver;
  int64_t k = 0;
  std::map<std::string, std::string> iterate_parameters;  // every option that shapes the iterates
};

// This rank's share of a snapshot of V's factors: its rows of W and its block of H's columns.
io::Snapshot snapshot_layout(const nmf::DataMatrix& v, int64_t k);

// Rank 0 only: creates the folder if needed, checks that it can be written and locks it
// for the run (unless told not to); null without a folder.
std::unique_ptr<io::FolderLock> prepare_checkpoint_directory(const CheckpointSettings& settings);

// Collective. --restart PATH: W, H (shared to every rank) and the solver's state from the
// snapshot file PATH, or from the newest snapshot of folder PATH that reads back whole (a
// corrupt newer one is skipped with a warning); returns the run to continue. A snapshot
// of another run is refused.
std::unique_ptr<nmf::RunResult> resume_from_snapshot(MPI_Comm comm, const std::string& path,
                                                     const RunIdentity& identity, const nmf::DataMatrix& v,
                                                     nmf::Solver& solver, nmf::Factors& factors);

// Collective. The run as it stands to DIRECTORY/snapshot-ITERATION.h5; the newest
// settings.keep are kept. False, with the one error line printed, when it could not be
// written (the run then stops and writes its model).
bool write_checkpoint(MPI_Comm comm, const CheckpointSettings& settings, const RunIdentity& identity,
                      const io::Snapshot& layout, const nmf::Solver& solver, nmf::Factors& factors,
                      const nmf::RunResult& run);

}  // namespace dnmf
