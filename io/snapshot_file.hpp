#pragma once
// The dnmf snapshot file (format "dnmf-snapshot", docs/formats.md): everything a
// factorization needs to continue as if it had never stopped.
//   /rows/NAME     (rows x k)     arrays laid out like W: "W", adam's moments of W
//   /columns/NAME  (columns x k)  arrays laid out like H^T: "Ht", adam's moments of H
//   /history/...                  as in the model file
//   root attributes: format, iteration, solver, k, rows, columns, input_fingerprint,
//   ranks, checksum, "parameter:NAME" for every option that shapes the iterates,
//   "real:NAME" / "integer:NAME" for the solver's and the loop's scalars, and the lists
//   of those names (row_arrays, column_arrays, parameters, reals, integers: "a,b,c")
// Each rank writes its rows and its block of columns, collectively; a reader on any
// number of ranks reads the rows and columns of its own layout. The checksum, a sum over
// every stored factor entry of a hash of (array, global position, bits), plus a hash of
// the attributes and the history (format_version 2), does not depend on the number of
// ranks that wrote or read it, so a reader recomputes it from what it read and refuses a
// file whose numbers or attributes changed.
//
// In a checkpoint directory snapshots are named snapshot-ITERATION.h5; they are written
// atomically (h5::write_file_atomically), so a snapshot under that name is complete.
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/model_file.hpp"
#include "src/nmf/factors.hpp"
#include "src/nmf/run_state.hpp"
#include "src/nmf/solver_state.hpp"

namespace dnmf::io {

struct Snapshot {
  std::string solver, input_fingerprint;
  int64_t k = 0, rows = 0, columns = 0, iteration = 0;
  std::map<std::string, std::string> parameters;
  // This rank's share: rows [first_row, first_row + local_rows) of every row array and
  // columns [first_column, first_column + local_columns) of every column array.
  int64_t first_row = 0, local_rows = 0, first_column = 0, local_columns = 0;
  std::map<std::string, std::vector<double>> row_arrays;     // local_rows x k each
  std::map<std::string, std::vector<double>> column_arrays;  // local_columns x k each
  std::map<std::string, double> reals;
  std::map<std::string, int64_t> integers;
  nmf::History history;  // the same on every rank
};

// A run as it stands, in a snapshot of this rank's `layout`: W under "W" and the owned
// block of Ht under "Ht", the run's scalars, its history, and the solver's state (whose
// names must not be the run's). W is moved out of `factors` (at scale it is most of the
// memory); give_back_w returns it once the snapshot is written.
Snapshot snapshot_of_run(const Snapshot& layout, nmf::Factors& factors, const nmf::RunResult& run,
                         nmf::SolverState&& solver_state);
void give_back_w(Snapshot& snapshot, nmf::Factors& factors);
// The reverse: W and this rank's block of Ht into `factors` (sized for the layout; the
// other blocks of Ht are the caller's to share), the run to continue and the solver's
// state. A snapshot that lacks a part is a UserError naming `path`.
void restore_run(Snapshot&& snapshot, const std::string& path, nmf::Factors& factors, nmf::RunResult& run,
                 nmf::SolverState& solver_state);

// Collective. Every rank passes the same names, scalars and history.
void write_snapshot(MPI_Comm comm, const std::string& path, const Snapshot& snapshot);

// Collective. Reads `path` into the layout given by `layout` (its first_row, local_rows,
// first_column and local_columns). A file that is not a complete dnmf snapshot (missing,
// truncated, another format, a checksum that does not match) is a UserError naming it.
Snapshot read_snapshot(MPI_Comm comm, const std::string& path, const Snapshot& layout);

// DIRECTORY/snapshot-ITERATION.h5 (the iteration zero-padded, so names sort by it).
// What `dnmf info` shows of a snapshot: its run and where it stands (collective; the
// arrays are not read, so the checksum is not checked here).
struct SnapshotSummary {
  std::string solver, input_fingerprint;
  int64_t k = 0, rows = 0, columns = 0, iteration = 0, ranks = 0;
};
SnapshotSummary read_snapshot_summary(MPI_Comm comm, const std::string& path);

std::string snapshot_path(const std::string& directory, int64_t iteration);
// The snapshot files in `directory`, newest (highest iteration) first; rank-local.
std::vector<std::string> snapshots_newest_first(const std::string& directory);
// Creates `directory` if needed and checks that files can be created in it (UserError
// naming it otherwise). Call on one rank.
void prepare_checkpoint_directory(const std::string& directory);
// Asks the kernel to drop the cached pages of the snapshots the next one will replace
// (all but the newest keep - 1). Call on one rank, just before writing a snapshot.
// Nothing is deleted: the files stay complete until the new one is. Their pages, clean
// and never read again, become the memory the new snapshot is written into, instead of
// the page cache growing by a snapshot's size (measured in bench_snapshot.py).
void release_replaced_snapshots(const std::string& directory, int64_t keep);
// Removes all but the newest `keep` snapshots of `directory`, and the temporary files of
// snapshots whose writing was cut off. Call on one rank, after a snapshot is complete.
void remove_old_snapshots(const std::string& directory, int64_t keep);

}  // namespace dnmf::io
