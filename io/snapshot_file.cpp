#include "io/snapshot_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "io/h5.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/hash.hpp"

namespace dnmf::io {
namespace {

constexpr const char* kFormatName = "dnmf-snapshot";
// Version 2 adds the attributes and the history to the checksum, version 3 the history's
// objective; older files are still read, with the checksum of their version.
constexpr int64_t kFormatVersion = 3;
constexpr const char* kPrefix = "snapshot-";
constexpr const char* kSuffix = ".h5";

uint64_t name_hash(const std::string& name) {
  uint64_t hash = 0xCBF29CE484222325ull;  // FNV-1a: the same on every machine
  for (unsigned char c : name) hash = (hash ^ c) * 0x100000001B3ull;
  return hash;
}

// This rank's part of the checksum: entries first_row.. of a (rows x k) array.
uint64_t partial_checksum(const std::string& name, const std::vector<double>& values, int64_t first_row, int64_t k) {
  const uint64_t array = name_hash(name);
  uint64_t sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, &values[i], sizeof bits);
    const auto position = static_cast<uint64_t>(first_row * k) + i;
    sum += mix64(array ^ mix64(position * 0x9E3779B97F4A7C15ull ^ bits));
  }
  return sum;
}

// A hash of everything beside the arrays that decides how the run continues: its
// identity, where it stands, the solver's scalars and the history.
uint64_t attributes_checksum(const Snapshot& s, int64_t version) {
  uint64_t hash = name_hash("attributes");
  const auto add_text = [&](const std::string& text) { hash = mix64(hash ^ name_hash(text)); };
  const auto add_bits = [&](auto value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof value);
    hash = mix64(hash ^ mix64(bits * 0x9E3779B97F4A7C15ull));
  };
  add_text(s.solver);
  add_text(s.input_fingerprint);
  for (int64_t value : {s.k, s.rows, s.columns, s.iteration}) add_bits(value);
  for (const auto& [name, value] : s.parameters) add_text(name + "=" + value);
  for (const auto& [name, value] : s.reals) {
    add_text(name);
    add_bits(value);
  }
  for (const auto& [name, value] : s.integers) {
    add_text(name);
    add_bits(value);
  }
  const auto& h = s.history;
  for (const auto* column : {&h.iteration, &h.negative_w, &h.negative_h})
    for (int64_t value : *column) add_bits(value);
  for (const auto* column : {&h.seconds, &h.error, &h.relative_error, &h.min_w, &h.min_h})
    for (double value : *column) add_bits(value);
  if (version >= 3)
    for (double value : h.objective) add_bits(value);
  return hash;
}

std::string checksum_of(MPI_Comm comm, const Snapshot& s, int64_t version = kFormatVersion) {
  // Every rank holds the same attributes; rank 0 alone adds them to the sum.
  uint64_t local = version >= 2 && comm_rank(comm) == 0 ? attributes_checksum(s, version) : 0;
  for (const auto& [name, values] : s.row_arrays) local += partial_checksum("rows/" + name, values, s.first_row, s.k);
  for (const auto& [name, values] : s.column_arrays)
    local += partial_checksum("columns/" + name, values, s.first_column, s.k);
  return hex64(static_cast<uint64_t>(sum_over_ranks(comm, static_cast<int64_t>(local))));
}

// The array names listed in root attribute `list` ("a,b,c").
std::vector<std::string> listed_names(const h5::File& file, const std::string& list) {
  std::vector<std::string> names;
  const std::string joined = file.read_string_attribute("/", list);
  size_t start = 0;
  while (start < joined.size()) {
    const size_t end = std::min(joined.find(',', start), joined.size());
    names.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

template <class Map>
std::string joined_names(const Map& named) {
  std::string joined;
  for (const auto& entry : named) joined += (joined.empty() ? "" : ",") + entry.first;
  return joined;
}

}  // namespace

namespace {
// The run's own entries; the solver's state has the other names.
constexpr const char* kRunReals[] = {"initial_error", "final_error", "last_tolerance_check", "solve_seconds"};
}  // namespace

Snapshot snapshot_of_run(const Snapshot& layout, nmf::Factors& factors, const nmf::RunResult& run,
                         nmf::SolverState&& solver_state) {
  Snapshot snapshot = layout;
  snapshot.iteration = run.iterations;
  snapshot.row_arrays = std::move(solver_state.row_arrays);
  snapshot.column_arrays = std::move(solver_state.column_arrays);
  snapshot.reals = std::move(solver_state.reals);
  snapshot.integers = std::move(solver_state.integers);
  snapshot.row_arrays["W"] = std::move(factors.W);
  const double* own_ht = factors.Ht.data() + layout.first_column * layout.k;
  snapshot.column_arrays["Ht"].assign(own_ht, own_ht + layout.local_columns * layout.k);
  const double run_reals[] = {run.initial_error, run.final_error, run.last_tolerance_check, run.solve_seconds};
  for (size_t i = 0; i < std::size(kRunReals); ++i) snapshot.reals[kRunReals[i]] = run_reals[i];
  snapshot.history = run.history;
  return snapshot;
}

void give_back_w(Snapshot& snapshot, nmf::Factors& factors) { factors.W = std::move(snapshot.row_arrays["W"]); }

void restore_run(Snapshot&& snapshot, const std::string& path, nmf::Factors& factors, nmf::RunResult& run,
                 nmf::SolverState& solver_state) {
  try {
    factors.W = std::move(snapshot.row_arrays.at("W"));
    const auto& own_ht = snapshot.column_arrays.at("Ht");
    std::copy(own_ht.begin(), own_ht.end(), factors.Ht.begin() + snapshot.first_column * snapshot.k);
    run.iterations = snapshot.iteration;
    double* run_reals[] = {&run.initial_error, &run.final_error, &run.last_tolerance_check, &run.solve_seconds};
    for (size_t i = 0; i < std::size(kRunReals); ++i) *run_reals[i] = snapshot.reals.at(kRunReals[i]);
  } catch (const std::out_of_range&) {
    throw UserError(path + ": the snapshot lacks part of the " + snapshot.solver + " state (damaged file?)");
  }
  snapshot.row_arrays.erase("W");
  snapshot.column_arrays.erase("Ht");
  for (const char* name : kRunReals) snapshot.reals.erase(name);
  run.history = std::move(snapshot.history);
  solver_state.row_arrays = std::move(snapshot.row_arrays);
  solver_state.column_arrays = std::move(snapshot.column_arrays);
  solver_state.reals = std::move(snapshot.reals);
  solver_state.integers = std::move(snapshot.integers);
}

void write_snapshot(MPI_Comm comm, const std::string& path, const Snapshot& s) {
  const std::string checksum = checksum_of(comm, s);
  h5::write_file_atomically(comm, path, [&](h5::File& file) {
    file.write_attribute("/", "format", std::string(kFormatName));
    file.write_attribute("/", "format_version", kFormatVersion);
    file.write_attribute("/", "solver", s.solver);
    file.write_attribute("/", "input_fingerprint", s.input_fingerprint);
    file.write_attribute("/", "k", s.k);
    file.write_attribute("/", "rows", s.rows);
    file.write_attribute("/", "columns", s.columns);
    file.write_attribute("/", "iteration", s.iteration);
    file.write_attribute("/", "ranks", static_cast<int64_t>(comm_size(comm)));
    file.write_attribute("/", "checksum", checksum);
    file.write_attribute("/", "row_arrays", joined_names(s.row_arrays));
    file.write_attribute("/", "column_arrays", joined_names(s.column_arrays));
    file.write_attribute("/", "parameters", joined_names(s.parameters));
    file.write_attribute("/", "reals", joined_names(s.reals));
    file.write_attribute("/", "integers", joined_names(s.integers));
    for (const auto& [name, value] : s.parameters) file.write_attribute("/", "parameter:" + name, value);
    for (const auto& [name, value] : s.reals) file.write_attribute("/", "real:" + name, value);
    for (const auto& [name, value] : s.integers) file.write_attribute("/", "integer:" + name, value);

    file.create_group("/rows");
    for (const auto& [name, values] : s.row_arrays)
      file.write_rows<double>("/rows/" + name, s.rows, s.k, s.first_row, values);
    file.create_group("/columns");
    for (const auto& [name, values] : s.column_arrays)
      file.write_rows<double>("/columns/" + name, s.columns, s.k, s.first_column, values);

    write_history(file, s.history);
  });
}

namespace {

// The root attributes that say which run a snapshot continues and where it stands
// (`ranks` is left 0: a restart does not need it).
SnapshotSummary summary_of(const h5::File& file) {
  if (!file.has_attribute("/", "format") || file.read_string_attribute("/", "format") != kFormatName)
    throw UserError(file.path() + ": not a dnmf snapshot (no format = \"dnmf-snapshot\" attribute)");
  SnapshotSummary summary;
  summary.solver = file.read_string_attribute("/", "solver");
  summary.input_fingerprint = file.read_string_attribute("/", "input_fingerprint");
  summary.k = file.read_int_attribute("/", "k").at(0);
  summary.rows = file.read_int_attribute("/", "rows").at(0);
  summary.columns = file.read_int_attribute("/", "columns").at(0);
  summary.iteration = file.read_int_attribute("/", "iteration").at(0);
  return summary;
}

}  // namespace

Snapshot read_snapshot(MPI_Comm comm, const std::string& path, const Snapshot& layout) {
  auto file = h5::File::open(comm, path);
  const SnapshotSummary identity = summary_of(file);
  Snapshot s = layout;
  s.solver = identity.solver;
  s.input_fingerprint = identity.input_fingerprint;
  s.k = identity.k;
  s.rows = identity.rows;
  s.columns = identity.columns;
  s.iteration = identity.iteration;
  const auto version = file.read_int_attribute("/", "format_version");
  if (version.size() != 1 || version[0] < 1 || version[0] > kFormatVersion)
    throw UserError(path + ": format_version is not one this dnmf understands (1.." + std::to_string(kFormatVersion) +
                    ")");
  if (s.iteration < 0 || s.k < 1)
    throw UserError(path + ": iteration " + std::to_string(s.iteration) + " and k " + std::to_string(s.k) +
                    " are not those of a run (the file is corrupt)");
  // A snapshot of another matrix shape is refused by the caller (fingerprint); reading
  // its arrays in this layout would fail on the ranges first.
  if (s.rows != layout.rows || s.columns != layout.columns)
    throw UserError(path + ": a snapshot of a " + std::to_string(s.rows) + " x " + std::to_string(s.columns) +
                    " matrix, not of this " + std::to_string(layout.rows) + " x " + std::to_string(layout.columns) +
                    " one");

  for (const auto& name : listed_names(file, "parameters"))
    s.parameters[name] = file.read_string_attribute("/", "parameter:" + name);
  for (const auto& name : listed_names(file, "reals")) s.reals[name] = file.read_real_attribute("/", "real:" + name);
  for (const auto& name : listed_names(file, "integers"))
    s.integers[name] = file.read_int_attribute("/", "integer:" + name).at(0);
  for (const auto& name : listed_names(file, "row_arrays"))
    s.row_arrays[name] = file.read_rows<double>("/rows/" + name, s.first_row, s.local_rows, s.k);
  for (const auto& name : listed_names(file, "column_arrays"))
    s.column_arrays[name] = file.read_rows<double>("/columns/" + name, s.first_column, s.local_columns, s.k);

  s.history = read_history(file);

  if (checksum_of(comm, s, version[0]) != file.read_string_attribute("/", "checksum"))
    throw UserError(path + ": the checksum does not match the stored numbers and attributes (the file is corrupt)");
  return s;
}

SnapshotSummary read_snapshot_summary(MPI_Comm comm, const std::string& path) {
  const auto file = h5::File::open(comm, path);
  SnapshotSummary summary = summary_of(file);
  summary.ranks = file.read_int_attribute("/", "ranks").at(0);  // shown only, so not needed to restart
  return summary;
}

std::string snapshot_path(const std::string& directory, int64_t iteration) {
  char name[64];
  std::snprintf(name, sizeof name, "%s%010lld%s", kPrefix, static_cast<long long>(iteration), kSuffix);
  return (std::filesystem::path(directory) / name).string();
}

std::vector<std::string> snapshots_newest_first(const std::string& directory) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    const size_t prefix = std::strlen(kPrefix), suffix = std::strlen(kSuffix);
    if (name.size() <= prefix + suffix || name.rfind(kPrefix, 0) != 0 ||
        name.compare(name.size() - suffix, suffix, kSuffix) != 0)
      continue;
    const std::string digits = name.substr(prefix, name.size() - prefix - suffix);
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    names.push_back(name);
  }
  // Zero-padded iterations: the names sort by iteration.
  std::sort(names.rbegin(), names.rend());
  std::vector<std::string> paths;
  paths.reserve(names.size());
  for (const auto& name : names) paths.push_back((std::filesystem::path(directory) / name).string());
  return paths;
}

void prepare_checkpoint_directory(const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (!std::filesystem::is_directory(directory))
    throw UserError(directory + ": cannot create the checkpoint folder" +
                    (error ? " (" + error.message() + ")" : std::string(" (a file of that name exists)")));
  const std::string probe = (std::filesystem::path(directory) / ".dnmf-write-probe").string();
  {
    std::ofstream out(probe);
    if (!out || !(out << "probe") || !out.flush())
      throw UserError(directory + ": cannot write in the checkpoint folder (" + std::strerror(errno) + ")");
  }
  std::filesystem::remove(probe, error);
}

void release_replaced_snapshots(const std::string& directory, int64_t keep) {
  const auto snapshots = snapshots_newest_first(directory);
  for (size_t i = static_cast<size_t>(std::max<int64_t>(keep - 1, 0)); i < snapshots.size(); ++i) {
    const int descriptor = ::open(snapshots[i].c_str(), O_RDONLY);
    if (descriptor < 0) continue;
    ::posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED);
    ::close(descriptor);
  }
}

void remove_old_snapshots(const std::string& directory, int64_t keep) {
  const auto snapshots = snapshots_newest_first(directory);
  std::error_code error;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(keep, 1)); i < snapshots.size(); ++i)
    std::filesystem::remove(snapshots[i], error);
  // Temporary files of snapshots whose writer was killed: never complete, never read.
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) == 0 && name.find(h5::kTemporaryMarker) != std::string::npos)
      std::filesystem::remove(entry.path(), error);
  }
}

}  // namespace dnmf::io
