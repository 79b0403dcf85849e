#include "src/commands/checkpoints.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <vector>

#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/resources.hpp"

namespace dnmf {
namespace {

// Rank 0's look at PATH: the snapshot files to try, newest first. A file names itself.
std::vector<std::string> restart_candidates(MPI_Comm comm, const std::string& path) {
  return decide_on_root(comm, [&] {
    std::vector<std::string> candidates;
    const bool folder = std::filesystem::is_directory(path);
    if (!folder && !std::filesystem::exists(path))
      throw UserError(path + ": --restart: no such snapshot file or folder");
    if (folder) candidates = io::snapshots_newest_first(path);
    if (folder && candidates.empty()) throw UserError(path + ": --restart: the folder holds no snapshot-*.h5 file");
    if (!folder) candidates.push_back(path);
    return candidates;
  });
}

// The first candidate that reads back whole; `snapshot_file` names it.
io::Snapshot read_restart_snapshot(MPI_Comm comm, const std::string& path, const io::Snapshot& layout,
                                   std::string& snapshot_file) {
  const auto candidates = restart_candidates(comm, path);
  const bool folder = candidates.front() != path;
  io::Snapshot snapshot;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string failure =
        attempt_collectively(comm, [&] { snapshot = io::read_snapshot(comm, candidates[i], layout); });
    if (failure.empty()) {
      snapshot_file = candidates[i];
      return snapshot;
    }
    if (!folder) run_collectively(comm, [&] { throw UserError(failure); });
    if (comm_rank(comm) == 0)
      print_warning(failure + (i + 1 < candidates.size() ? "; trying the snapshot before it" : ""));
  }
  run_collectively(comm, [&] { throw UserError(path + ": --restart: no snapshot in the folder reads back whole"); });
  return snapshot;
}

// Refuses a snapshot that belongs to another run: another matrix, k, solver or any
// option that shapes the iterates.
void check_snapshot_matches(const io::Snapshot& snapshot, const std::string& path, const RunIdentity& run) {
  if (snapshot.input_fingerprint != run.input_fingerprint)
    throw UserError(path + ": a snapshot of another matrix (fingerprint " + snapshot.input_fingerprint + ", but " +
                    run.input + " has " + run.input_fingerprint + ")");
  if (snapshot.k != run.k)
    throw UserError(path + ": a snapshot of a k = " + std::to_string(snapshot.k) +
                    " run, not k = " + std::to_string(run.k));
  if (snapshot.solver != run.solver)
    throw UserError(path + ": a snapshot of a " + snapshot.solver + " run, not " + run.solver);
  // Options added after snapshots were first written: an older snapshot's run had them at
  // the value it behaved like.
  const std::map<std::string, std::string> older_default = {
      {"precision", "double"}, {"loss", "frobenius"}, {"alpha-w", "0"}, {"alpha-h", "0"}, {"l1-ratio", "0"}};
  // Every option that differs, since one given option can set two (--alpha-w sets --alpha-h).
  std::string differences;
  for (const auto& [name, value] : run.iterate_parameters) {
    const auto stored = snapshot.parameters.find(name);
    const auto implied = older_default.find(name);
    const bool missing = stored == snapshot.parameters.end();
    const std::string before = missing ? (implied != older_default.end() ? implied->second : "") : stored->second;
    if (before != value)
      differences += (differences.empty() ? "--" : ", --") + name + " is " + value + " here but " +
                     (before.empty() ? "missing" : before);
  }
  if (!differences.empty())
    throw UserError(path + ": " + differences +
                    " in the snapshot; a resumed run keeps the options of the run it continues");
}

}  // namespace

io::Snapshot snapshot_layout(const nmf::DataMatrix& v, int64_t k) {
  io::Snapshot layout;
  layout.k = k;
  layout.rows = v.rows();
  layout.columns = v.columns();
  layout.first_row = v.first_row();
  layout.local_rows = v.local_rows();
  layout.first_column = v.first_owned_column();
  layout.local_columns = v.owned_columns();
  return layout;
}

std::unique_ptr<io::FolderLock> prepare_checkpoint_directory(const CheckpointSettings& settings) {
  if (settings.directory.empty()) return nullptr;
  io::prepare_checkpoint_directory(settings.directory);
  return settings.lock ? std::make_unique<io::FolderLock>(settings.directory) : nullptr;
}

std::unique_ptr<nmf::RunResult> resume_from_snapshot(MPI_Comm comm, const std::string& path,
                                                     const RunIdentity& identity, const nmf::DataMatrix& v,
                                                     nmf::Solver& solver, nmf::Factors& factors) {
  const double read_started = wall_seconds();
  std::string snapshot_file;  // the file itself, also when PATH is a folder
  io::Snapshot snapshot = read_restart_snapshot(comm, path, snapshot_layout(v, identity.k), snapshot_file);
  const double read_seconds = wall_seconds() - read_started;
  const int64_t iteration = snapshot.iteration;
  auto resume = std::make_unique<nmf::RunResult>();
  run_collectively(comm, [&] {
    check_snapshot_matches(snapshot, snapshot_file, identity);
    factors = nmf::Factors(identity.k, v.local_rows(), v.columns());
    nmf::SolverState state;
    io::restore_run(std::move(snapshot), snapshot_file, factors, *resume, state);
    try {
      solver.restore_state(state);
    } catch (const std::out_of_range&) {
      throw UserError(snapshot_file + ": the snapshot lacks part of the " + identity.solver + " state (damaged file?)");
    }
  });
  share_blocks(comm, factors.Ht, v.column_block_starts(identity.k));
  if (comm_rank(comm) == 0)
    std::printf("dnmf factorize: resuming at iteration %lld from %s (read in %.3f s)\n",
                static_cast<long long>(iteration), snapshot_file.c_str(), read_seconds);
  return resume;
}

bool write_checkpoint(MPI_Comm comm, const CheckpointSettings& settings, const RunIdentity& identity,
                      const io::Snapshot& layout, const nmf::Solver& solver, nmf::Factors& factors,
                      const nmf::RunResult& run) {
  const double started = wall_seconds();
  nmf::SolverState state;
  solver.save_state(state);
  io::Snapshot snapshot = io::snapshot_of_run(layout, factors, run, std::move(state));
  snapshot.solver = identity.solver;
  snapshot.input_fingerprint = identity.input_fingerprint;
  snapshot.parameters = identity.iterate_parameters;
  const std::string path = io::snapshot_path(settings.directory, run.iterations);
  if (comm_rank(comm) == 0) io::release_replaced_snapshots(settings.directory, settings.keep);
  const std::string failure = attempt_collectively(comm, [&] { io::write_snapshot(comm, path, snapshot); });
  io::give_back_w(snapshot, factors);
  if (!failure.empty()) {
    if (comm_rank(comm) == 0)
      print_error(failure + "; stopping after iteration " + std::to_string(run.iterations) + " to write the model");
    return false;
  }
  if (comm_rank(comm) == 0) {
    io::remove_old_snapshots(settings.directory, settings.keep);
    std::printf("dnmf factorize: snapshot of iteration %lld -> %s (%.3f s)\n", static_cast<long long>(run.iterations),
                path.c_str(), wall_seconds() - started);
    std::fflush(stdout);
  }
  return true;
}

}  // namespace dnmf
