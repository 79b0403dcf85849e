// dnmf factorize: V ~ W H for the TF-IDF matrix V of a dnmf file.
//
// The story: read V into a PETSc matrix, rows balanced by nonzeros (src/nmf/data_matrix);
// start W and H (src/nmf/initialize); run the chosen solver in the shared loop
// (src/nmf/driver, one solver per src/nmf/solver_*.cpp); write the model (io/model_file).
#include "src/factorize.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/snapshot_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/cli.hpp"
#include "src/collective.hpp"
#include "src/comm.hpp"
#include "src/hash.hpp"
#include "src/nmf/driver.hpp"
#include "src/nmf/initialize.hpp"
#include "src/nmf/solver.hpp"
#include "src/resources.hpp"
#include "src/stop_signals.hpp"

namespace dnmf {
namespace {

CommandLine factorize_command_line() {
  return CommandLine(
      "factorize", "mpirun -n P dnmf factorize TFIDF.h5 -k K -o MODEL.h5 [options]",
      "Nonnegative matrix factorization V ~ W H of a TF-IDF file made by dnmf vectorize:\n"
      "W (documents x K) holds each document's topic weights, H (K x terms) each topic's terms.\n"
      "Solvers: hals (coordinate descent, scikit-learn's 'cd'), mu (multiplicative updates),\n"
      "gd (the seed notebook's penalized gradient descent), sgd (its mini-batch form),\n"
      "adam (its autograd + Adam variant).",
      {
          {"components", "K", "", "number of topics (required)", 'k'},
          {"output", "FILE", "", "model file to write (required)", 'o'},
          {"solver", "NAME", "hals", "hals, mu, gd, sgd or adam"},
          {"init", "METHOD", "nndsvda", "random, nndsvd, nndsvda, nndsvdar or file"},
          {"init-file", "FILE", "", "with --init file: HDF5 file holding /W (rows x K) and /H (K x terms)"},
          {"init-scale", "", "", "random init: scale by sqrt(mean(V)/K) as scikit-learn, not 0.01"},
          {"seed", "N", "0", "seed of every random choice (init, SVD sketch, sgd batches)"},
          {"max-iter", "N", "200", "iterations at most"},
          {"tol", "X", "1e-4", "stop when the error fell by less than X times the initial error over 10 iterations; 0: never"},
          {"max-time", "SECONDS", "0", "stop after this much solve time (0: no limit)"},
          {"lr", "X", "1e-2", "gd, sgd: learning rate"},
          {"lambda", "X", "1e3", "gd, sgd, adam: weight of the negativity penalty"},
          {"mu", "X", "1e-6", "gd, sgd: entries below this are pushed back up"},
          {"lr-decay", "X", "1.0", "gd, sgd: multiply the learning rate by X ..."},
          {"lr-decay-every", "N", "0", "... after every N iterations (0: never)"},
          {"adam-lr", "X", "1e-3", "adam: learning rate"},
          {"batch-size", "N", "256", "sgd: documents per mini-batch"},
          {"monitor", "N", "0", "print the error report every N iterations (0: only the summary)"},
          {"checkpoint", "DIR", "", "write snapshots of the run into DIR (created if missing)"},
          {"checkpoint-every", "N", "0", "... every N iterations (0: not by count)"},
          {"checkpoint-seconds", "S", "300", "... and after every S seconds of solving (0: not by time)"},
          {"checkpoint-keep", "K", "2", "keep the newest K snapshots"},
          {"restart", "PATH", "", "continue the run of a snapshot file, or of the newest good snapshot in a folder"},
      });
}

struct CheckpointSettings {
  std::string directory;  // empty: no snapshots
  int64_t every_iterations = 0, keep = 2;
  double every_seconds = 0;
  std::string restart;  // snapshot file or folder; empty: a fresh run
};

struct FactorizeSettings {
  std::string input, output;
  int64_t k = 0;
  CheckpointSettings checkpoint;
  // The options that shape the iterates, as parsed: a resumed run must have the same.
  std::map<std::string, std::string> iterate_parameters;
  nmf::SolverSettings solver;
  nmf::InitSettings init;
  nmf::StopSettings stop;
};

FactorizeSettings settings_from(const CommandLine& line) {
  FactorizeSettings s;
  if (line.positionals().size() != 1) throw UserError("dnmf factorize takes one TF-IDF file (see --help)");
  s.input = line.positionals()[0];
  s.output = line.value("output");
  if (s.output.empty()) throw UserError("no output file: give -o MODEL.h5");
  if (line.value("components").empty()) throw UserError("give the number of topics with -k K");
  s.k = parse_integer_option("components", line.value("components"));
  s.solver.name = line.value("solver");
  bool known = false;
  for (const auto& name : nmf::solver_names()) known = known || name == s.solver.name;
  if (!known) throw UserError("--solver: unknown solver '" + s.solver.name + "' (use hals, mu, gd, sgd or adam)");
  s.solver.learning_rate = parse_real_option("lr", line.value("lr"));
  s.solver.penalty_weight = parse_real_option("lambda", line.value("lambda"));
  s.solver.penalty_threshold = parse_real_option("mu", line.value("mu"));
  s.solver.learning_rate_decay = parse_real_option("lr-decay", line.value("lr-decay"));
  s.solver.learning_rate_decay_every = parse_integer_option("lr-decay-every", line.value("lr-decay-every"));
  s.solver.adam_learning_rate = parse_real_option("adam-lr", line.value("adam-lr"));
  s.solver.batch_size = parse_integer_option("batch-size", line.value("batch-size"));
  if (s.solver.batch_size <= 0) throw UserError("--batch-size must be positive");
  const int64_t seed = parse_integer_option("seed", line.value("seed"));
  s.solver.seed = s.init.seed = static_cast<uint64_t>(seed);
  s.init.method = line.value("init");
  nmf::check_init_method(s.init.method);
  s.init.file = line.value("init-file");
  s.init.scikit_learn_scale = line.flag("init-scale");
  s.init.require_nonnegative = s.solver.name == "hals" || s.solver.name == "mu";
  s.stop.max_iterations = parse_integer_option("max-iter", line.value("max-iter"));
  if (s.stop.max_iterations < 0) throw UserError("--max-iter must be >= 0");
  s.stop.tolerance = parse_real_option("tol", line.value("tol"));
  s.stop.max_seconds = parse_real_option("max-time", line.value("max-time"));
  s.stop.monitor_every = parse_integer_option("monitor", line.value("monitor"));
  s.checkpoint.directory = line.value("checkpoint");
  s.checkpoint.every_iterations = parse_integer_option("checkpoint-every", line.value("checkpoint-every"));
  s.checkpoint.every_seconds = parse_real_option("checkpoint-seconds", line.value("checkpoint-seconds"));
  s.checkpoint.keep = parse_integer_option("checkpoint-keep", line.value("checkpoint-keep"));
  s.checkpoint.restart = line.value("restart");
  if (s.checkpoint.every_iterations < 0 || s.checkpoint.every_seconds < 0)
    throw UserError("--checkpoint-every and --checkpoint-seconds must be >= 0");
  if (s.checkpoint.keep < 1) throw UserError("--checkpoint-keep must be at least 1");
  auto exact = [](double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", x);
    return std::string(text);
  };
  s.iterate_parameters = {{"lr", exact(s.solver.learning_rate)},
                          {"lambda", exact(s.solver.penalty_weight)},
                          {"mu", exact(s.solver.penalty_threshold)},
                          {"lr-decay", exact(s.solver.learning_rate_decay)},
                          {"lr-decay-every", std::to_string(s.solver.learning_rate_decay_every)},
                          {"adam-lr", exact(s.solver.adam_learning_rate)},
                          {"batch-size", std::to_string(s.solver.batch_size)},
                          {"seed", std::to_string(seed)}};
  return s;
}

// This rank's share of a snapshot: its rows of W and its block of H's columns.
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

// --restart PATH: the snapshot file itself, or the newest snapshot of folder PATH that
// reads back whole (a corrupt newer one is skipped with a warning).
io::Snapshot read_restart_snapshot(MPI_Comm comm, const std::string& path, const io::Snapshot& layout,
                                   std::string& snapshot_file) {
  const bool reporter = comm_rank(comm) == 0;
  std::string listing;  // rank 0's look at PATH, one candidate file per line
  run_collectively(comm, [&] {
    if (!reporter) return;
    const bool folder = std::filesystem::is_directory(path);
    if (!folder && !std::filesystem::exists(path)) throw UserError(path + ": --restart: no such snapshot file or folder");
    if (folder)
      for (const auto& file : io::snapshots_newest_first(path)) listing += file + "\n";
    if (folder && listing.empty()) throw UserError(path + ": --restart: the folder holds no snapshot-*.h5 file");
    if (!folder) listing = path + "\n";
  });
  broadcast_bytes(comm, listing);
  std::vector<std::string> candidates;
  for (size_t start = 0, end; (end = listing.find('\n', start)) != std::string::npos; start = end + 1)
    candidates.push_back(listing.substr(start, end - start));
  const bool folder = candidates.front() != path;  // a file names itself
  io::Snapshot snapshot;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string failure =
        attempt_collectively(comm, [&] { snapshot = io::read_snapshot(comm, candidates[i], layout); });
    if (failure.empty()) {
      snapshot_file = candidates[i];
      return snapshot;
    }
    if (!folder) run_collectively(comm, [&] { throw UserError(failure); });
    if (reporter)
      print_warning(failure + (i + 1 < candidates.size() ? "; trying the snapshot before it" : ""));
  }
  run_collectively(comm, [&] { throw UserError(path + ": --restart: no snapshot in the folder reads back whole"); });
  return snapshot;
}

// Refuses a snapshot that belongs to another run: another matrix, k, solver or any
// option that shapes the iterates.
void check_snapshot_matches(const io::Snapshot& snapshot, const std::string& path, const FactorizeSettings& settings,
                            const std::string& fingerprint) {
  if (snapshot.input_fingerprint != fingerprint)
    throw UserError(path + ": a snapshot of another matrix (fingerprint " + snapshot.input_fingerprint + ", but " +
                    settings.input + " has " + fingerprint + ")");
  if (snapshot.k != settings.k)
    throw UserError(path + ": a snapshot of a k = " + std::to_string(snapshot.k) + " run, not k = " +
                    std::to_string(settings.k));
  if (snapshot.solver != settings.solver.name)
    throw UserError(path + ": a snapshot of a " + snapshot.solver + " run, not " + settings.solver.name);
  for (const auto& [name, value] : settings.iterate_parameters) {
    const auto stored = snapshot.parameters.find(name);
    if (stored == snapshot.parameters.end() || stored->second != value)
      throw UserError(path + ": --" + name + " is " + value + " here but " +
                      (stored == snapshot.parameters.end() ? std::string("missing") : stored->second) +
                      " in the snapshot; a resumed run keeps the options of the run it continues");
  }
}

nmf::History history_of(const io::ModelHistory& h) {
  return {h.iteration, h.seconds, h.error, h.relative_error, h.min_w, h.min_h, h.negative_w, h.negative_h};
}

io::ModelHistory model_history_of(const nmf::History& h) {
  return {h.iteration, h.negative_w, h.negative_h, h.seconds, h.error, h.relative_error, h.min_w, h.min_h};
}

// --restart: W, H and the solver's state from the snapshot; returns the run to continue.
std::unique_ptr<nmf::RunResult> resume_from_snapshot(MPI_Comm comm, const FactorizeSettings& settings,
                                                     const nmf::DataMatrix& v, const io::Snapshot& layout,
                                                     const std::string& fingerprint, nmf::Solver& solver,
                                                     nmf::Factors& factors) {
  std::string path;  // the snapshot file itself, also when --restart names a folder
  const double read_started = wall_seconds();
  io::Snapshot snapshot = read_restart_snapshot(comm, settings.checkpoint.restart, layout, path);
  const double read_seconds = wall_seconds() - read_started;
  auto resume = std::make_unique<nmf::RunResult>();
  run_collectively(comm, [&] {
    check_snapshot_matches(snapshot, path, settings, fingerprint);
    try {
      factors = nmf::Factors(settings.k, v.local_rows(), v.columns());
      factors.W = std::move(snapshot.row_arrays.at("W"));
      const auto& own_ht = snapshot.column_arrays.at("Ht");
      std::copy(own_ht.begin(), own_ht.end(), factors.Ht.begin() + layout.first_column * settings.k);
      solver.restore_state(snapshot);
      resume->iterations = snapshot.iteration;
      resume->initial_error = snapshot.reals.at("initial_error");
      resume->final_error = snapshot.reals.at("final_error");
      resume->last_tolerance_check = snapshot.reals.at("last_tolerance_check");
      resume->solve_seconds = snapshot.reals.at("solve_seconds");
      resume->history = history_of(snapshot.history);
    } catch (const std::out_of_range&) {
      throw UserError(path + ": the snapshot lacks part of the " + settings.solver.name + " state (damaged file?)");
    }
  });
  share_blocks(comm, factors.Ht, v.column_block_starts(settings.k));
  if (comm_rank(comm) == 0)
    std::printf("dnmf factorize: resuming at iteration %lld from %s (read in %.3f s)\n",
                static_cast<long long>(snapshot.iteration), path.c_str(), read_seconds);
  return resume;
}

// --checkpoint: the run as it stands to DIR/snapshot-ITERATION.h5; the newest K are kept.
void write_checkpoint(MPI_Comm comm, const FactorizeSettings& settings, const io::Snapshot& layout,
                      const std::string& fingerprint, const nmf::Solver& solver, nmf::Factors& factors,
                      const nmf::RunResult& run) {
  const double started = wall_seconds();
  io::Snapshot snapshot = layout;
  snapshot.solver = settings.solver.name;
  snapshot.input_fingerprint = fingerprint;
  snapshot.iteration = run.iterations;
  snapshot.parameters = settings.iterate_parameters;
  // W is lent to the snapshot rather than copied: at scale it is most of the memory.
  snapshot.row_arrays["W"] = std::move(factors.W);
  const double* own_ht = factors.Ht.data() + layout.first_column * settings.k;
  snapshot.column_arrays["Ht"].assign(own_ht, own_ht + layout.local_columns * settings.k);
  snapshot.reals = {{"initial_error", run.initial_error},
                    {"final_error", run.final_error},
                    {"last_tolerance_check", run.last_tolerance_check},
                    {"solve_seconds", run.solve_seconds}};
  solver.save_state(snapshot);
  snapshot.history = model_history_of(run.history);
  const std::string path = io::snapshot_path(settings.checkpoint.directory, run.iterations);
  if (comm_rank(comm) == 0) io::release_replaced_snapshots(settings.checkpoint.directory, settings.checkpoint.keep);
  const std::string failure = attempt_collectively(comm, [&] { io::write_snapshot(comm, path, snapshot); });
  factors.W = std::move(snapshot.row_arrays["W"]);
  if (!failure.empty()) run_collectively(comm, [&] { throw UserError(failure); });
  if (comm_rank(comm) == 0) {
    io::remove_old_snapshots(settings.checkpoint.directory, settings.checkpoint.keep);
    std::printf("dnmf factorize: snapshot of iteration %lld -> %s (%.3f s)\n", static_cast<long long>(run.iterations),
                path.c_str(), wall_seconds() - started);
    std::fflush(stdout);
  }
}

}  // namespace

int run_factorize(MPI_Comm comm, int argc, char** argv, int first) {
  const double started = wall_seconds();
  const bool reporter = comm_rank(comm) == 0;
  auto line = factorize_command_line();
  FactorizeSettings settings;
  run_collectively(comm, [&] {
    line.parse(argc, argv, first);
    line.fill_from_petsc_options();
    if (!line.help_requested()) settings = settings_from(line);
  });
  if (line.help_requested()) {
    if (reporter) std::fputs(line.help_text().c_str(), stdout);
    return 0;
  }

  run_collectively(comm, [&] {
    if (!reporter) return;
    h5::check_output_writable(settings.output);
    if (!settings.checkpoint.directory.empty()) io::prepare_checkpoint_directory(settings.checkpoint.directory);
  });
  // Read V; check k against its shape.
  std::unique_ptr<nmf::DataMatrix> v;
  run_collectively(comm, [&] { v = std::make_unique<nmf::DataMatrix>(comm, settings.input); });
  run_collectively(comm, [&] {
    const int64_t limit = std::min(v->rows(), v->columns());
    if (settings.k <= 0 || settings.k > limit)
      throw UserError("-k " + std::to_string(settings.k) + ": the number of topics must be between 1 and " +
                      std::to_string(limit) + " (the smaller side of " + settings.input + ")");
  });
  const double read_seconds = wall_seconds() - started;

  nmf::Factors factors;
  auto solver = nmf::make_solver(*v, settings.solver);
  const std::string fingerprint = hex64(v->fingerprint());
  const io::Snapshot layout = snapshot_layout(*v, settings.k);
  std::unique_ptr<nmf::RunResult> resume;
  if (settings.checkpoint.restart.empty())
    run_collectively(comm, [&] { factors = nmf::initialize(*v, settings.k, settings.init); });
  else
    resume = resume_from_snapshot(comm, settings, *v, layout, fingerprint, *solver, factors);
  const double init_seconds = wall_seconds() - started - read_seconds;

  nmf::Checkpoints checkpoints;
  if (!settings.checkpoint.directory.empty()) {
    checkpoints.every_iterations = settings.checkpoint.every_iterations;
    checkpoints.every_seconds = settings.checkpoint.every_seconds;
    checkpoints.write = [&](const nmf::RunResult& run) {
      write_checkpoint(comm, settings, layout, fingerprint, *solver, factors, run);
    };
  }
  const auto result = nmf::run_solver(*solver, *v, factors, settings.stop, checkpoints, resume.get());

  // The model, with H back in its k x columns layout.
  const double write_started = wall_seconds();
  io::ModelSlices model;
  model.rows = v->rows();
  model.columns = v->columns();
  model.k = settings.k;
  model.first_row = v->first_row();
  model.w = std::move(factors.W);
  model.h.resize(static_cast<size_t>(settings.k * v->columns()));
  for (int64_t j = 0; j < v->columns(); ++j)
    for (int64_t t = 0; t < settings.k; ++t) model.h[t * v->columns() + j] = factors.Ht[j * settings.k + t];
  factors = nmf::Factors();  // the solver's workspaces and the factors' copies go before writing
  solver.reset();
  model.history = model_history_of(result.history);
  for (const auto& [name, value] : line.all_values()) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    if (key != "output") model.text_attributes[key] = value;
  }
  model.text_attributes["input"] = settings.input;
  model.text_attributes["input_fingerprint"] = fingerprint;
  model.text_attributes["stop_reason"] = result.stop_reason;
  model.text_attributes["dnmf_version"] = DNMF_VERSION;
  model.integer_attributes["iterations"] = result.iterations;
  model.integer_attributes["ranks"] = comm_size(comm);
  model.integer_attributes["k"] = settings.k;
  model.real_attributes["final_error"] = result.final_error;
  model.real_attributes["relative_error"] = result.final_error / std::sqrt(v->squared_norm());
  model.real_attributes["solve_seconds"] = result.solve_seconds;
  run_collectively(comm, [&] { io::write_model_file(comm, settings.output, settings.input, model); });
  const double write_seconds = wall_seconds() - write_started;

  const auto peak_memory = gather_to_all(comm, peak_resident_bytes());
  if (reporter) {
    std::printf("dnmf factorize: %s, k = %lld, %lld x %lld matrix (%lld nonzeros) on %d ranks\n",
                settings.solver.name.c_str(), static_cast<long long>(settings.k), static_cast<long long>(v->rows()),
                static_cast<long long>(v->columns()), static_cast<long long>(v->nnz()), comm_size(comm));
    std::printf("  |V - WH|_F %.6f (relative %.6f) after %lld iterations, from %.6f; stopped: %s\n",
                result.final_error, result.final_error / std::sqrt(v->squared_norm()),
                static_cast<long long>(result.iterations), result.initial_error, result.stop_reason.c_str());
    std::printf("  time     read %.3f s, init (%s) %.3f s, solve %.3f s (%.4f s/iteration), write %.3f s\n",
                read_seconds, settings.init.method.c_str(), init_seconds, result.solve_seconds,
                result.iterations > 0 ? result.solve_seconds / static_cast<double>(result.iterations) : 0.0,
                write_seconds);
    std::printf("  traffic  %s summed or shared per iteration by each rank\n",
                format_bytes(result.communicated_bytes_per_iteration).c_str());
    std::printf("  memory   peak resident per rank:");
    for (size_t r = 0; r < peak_memory.size(); ++r)
      std::printf("%s %s", r ? "," : "", format_bytes(static_cast<double>(peak_memory[r])).c_str());
    std::printf("\n  wrote    %s\n", settings.output.c_str());
    if (nmf::stopped_on_request(result))
      std::printf("  stopped early (%s) at iteration %lld; %s\n", result.stop_reason.c_str(),
                  static_cast<long long>(result.iterations),
                  settings.checkpoint.directory.empty()
                      ? "no --checkpoint folder, so the model above is where it ends"
                      : ("continue with --restart " + settings.checkpoint.directory).c_str());
    std::fflush(stdout);
  }
  return nmf::stopped_on_request(result) ? kExitInterrupted : 0;
}

}  // namespace dnmf
