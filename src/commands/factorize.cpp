// dnmf factorize: V ~ W H for the TF-IDF matrix V of a dnmf file.
//
// The story (run_factorize): options; refusals before any work; read V into a PETSc
// matrix, rows balanced by nonzeros (src/nmf/data_matrix); the start, computed
// (src/nmf/initialize), read from a file, or the snapshot a run resumes from
// (checkpoints.hpp); the chosen solver in the shared loop (src/nmf/driver, one solver per
// src/nmf/solver_*.cpp); the model (io/model_file); the report.
#include "src/commands/factorize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/output_path.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/choices.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/hash.hpp"
#include "src/base/resources.hpp"
#include "src/base/stop_signals.hpp"
#include "src/commands/checkpoints.hpp"
#include "src/nmf/beta_divergence.hpp"
#include "src/nmf/driver.hpp"
#include "src/nmf/initialize.hpp"
#include "src/nmf/solver.hpp"
#include "src/nmf/threads.hpp"

namespace dnmf {
namespace {

// Two-way choices of how the products run, found by name as every named choice is
// (src/base/choices.hpp); `on` is the setting the name turns on. The option's help line
// describes them.
struct SwitchChoice {
  const char* name;
  bool on;
};

const std::vector<SwitchChoice>& precisions() {
  static const std::vector<SwitchChoice> table = {{"double", false}, {"single", true}};
  return table;
}

const std::vector<SwitchChoice>& exchanges() {
  static const std::vector<SwitchChoice> table = {{"used", true}, {"all", false}};
  return table;
}

CommandLine factorize_command_line() {
  const std::string solvers = names_of_choices(nmf::solver_registry());
  return CommandLine(
      "factorize", "mpirun -n P dnmf factorize TFIDF.h5 -k K -o MODEL.h5 [options]",
      "Nonnegative matrix factorization V ~ W H of a TF-IDF file made by dnmf vectorize:\n"
      "W (documents x K) holds each document's topic weights, H (K x terms) each topic's terms.\n"
      "Solvers (--solver):\n" +
          help_of_choices(nmf::solver_registry()) + "Starts (--init):\n" + help_of_choices(nmf::init_registry()),
      {
          {"components", "K", "", "number of topics (required)", 'k'},
          {"output", "FILE", "", "model file to write (required)", 'o'},
          {"solver", "NAME", "hals", solvers},
          {"loss", "LOSS", "",
           "frobenius, kullback-leibler (kl), itakura-saito (is) or a number: the beta of the "
           "beta-divergence minimized (scikit-learn's beta_loss); default: kullback-leibler for kl-cd, "
           "frobenius for the others; any loss: --solver mu"},
          {"alpha-w", "X", "0",
           "hals, mu, kl-cd: weight of the penalty on W, times the number of terms (scikit-learn's alpha_W)"},
          {"alpha-h", "X", "same",
           "hals, mu, kl-cd: weight of the penalty on H, times the number of documents; same: --alpha-w"},
          {"l1-ratio", "R", "0", "hals, mu, kl-cd: share of the penalties that is L1 (the rest is L2), 0 to 1"},
          {"init", "METHOD", "nndsvda", names_of_choices(nmf::init_registry())},
          {"init-file", "FILE", "", "with --init file: HDF5 file holding /W (rows x K) and /H (K x terms)"},
          {"init-scale", "", "", "random init: scale by sqrt(mean(V)/K) as scikit-learn, not 0.01"},
          {"seed", "N", "0", "seed of every random choice (init, SVD sketch, sgd batches)"},
          {"max-iter", "N", "200", "iterations at most"},
          {"tol", "X", "1e-4",
           "as scikit-learn: hals, kl-cd stop when the projected gradient is at most X times the first "
           "iteration's; the others when the error fell by less than X times the initial error over 10 "
           "iterations; 0: never"},
          {"max-time", "SECONDS", "0", "stop after this much solve time (0: no limit)"},
          {"lr", "X", "1e-2", "gd, sgd: learning rate"},
          {"lambda", "X", "1e3", "gd, sgd, adam: weight of the negativity penalty"},
          {"mu", "X", "1e-6", "gd, sgd: entries below this are pushed back up"},
          {"lr-decay", "X", "1.0", "gd, sgd: multiply the learning rate by X ..."},
          {"lr-decay-every", "N", "0", "... after every N iterations (0: never)"},
          {"adam-lr", "X", "1e-3", "adam: learning rate"},
          {"batch-size", "N", "256", "sgd: documents per mini-batch"},
          {"exchange", "TERMS", "used",
           "terms whose V^T W sums and H rows travel between ranks: used (those a rank's documents "
           "use) or all; the model is the same"},
          {"transposed-copy", "", "",
           "keep each rank's share of V once more by column, so that V^T W gathers instead of "
           "scattering (faster; as much memory again as V's share)"},
          {"precision", "P", "double",
           "double, or single: the products read H and W rounded to float, sums in double "
           "(faster on large problems; the model moves by about 1e-7 relative)"},
          {"monitor", "N", "0", "print the error report every N iterations (0: only the summary)"},
          {"progress-seconds", "S", "60",
           "a progress line on stderr every S seconds when not on a terminal (a batch log); 0: none"},
          {"checkpoint", "DIR", "", "write snapshots of the run into DIR (created if missing)"},
          {"checkpoint-every", "N", "0", "... every N iterations (0: not by count)"},
          {"checkpoint-seconds", "S", "300", "... and after every S seconds of solving (0: not by time)"},
          {"checkpoint-keep", "K", "2", "keep the newest K snapshots"},
          {"no-checkpoint-lock", "", "", "do not lock the --checkpoint folder (file systems without locks)"},
          {"restart", "PATH", "", "continue the run of a snapshot file, or of the newest good snapshot in a folder"},
      });
}

struct FactorizeSettings {
  std::string input, output;
  int64_t k = 0;
  CheckpointSettings checkpoint;
  // The options that shape the iterates, as parsed: a resumed run must have the same.
  std::map<std::string, std::string> iterate_parameters;
  nmf::SolverSettings solver;
  nmf::InitSettings init;
  nmf::StopSettings stop;
  std::map<std::string, std::string> options;  // every option's value, recorded in the model
  bool transposed_copy = false;
};

// --loss and the penalties, refused with a solver that does not minimize them.
void read_objective_settings(const CommandLine& line, const nmf::SolverEntry& solver, nmf::SolverSettings& s) {
  const std::string loss = line.value("loss");
  s.beta = loss.empty() ? solver.default_beta() : nmf::parse_loss(loss);
  if (!solver.takes_loss(s.beta))
    throw UserError("--loss " + nmf::loss_name(s.beta) + ": --solver " + solver.name + " minimizes the " +
                    nmf::loss_name(solver.default_beta()) + " loss only; use --solver mu for another loss");
  s.alpha_w = parse_real_option("alpha-w", line.value("alpha-w"), Bound::nonnegative);
  const std::string alpha_h = line.value("alpha-h");
  s.alpha_h = alpha_h == "same" ? s.alpha_w : parse_real_option("alpha-h", alpha_h, Bound::nonnegative);
  s.l1_ratio = parse_real_option("l1-ratio", line.value("l1-ratio"), Bound::nonnegative);
  if (s.l1_ratio > 1)
    throw UserError("--l1-ratio: '" + line.value("l1-ratio") + "' is above 1 (it is a share, 0 to 1)");
  if ((s.alpha_w != 0 || s.alpha_h != 0) && !solver.takes_penalties())
    throw UserError(std::string("--alpha-w/--alpha-h: --solver ") + solver.name +
                    " minimizes the seed's own penalized loss (--lambda, --mu); use --solver hals or mu for "
                    "L1/L2 penalties");
}

void read_solver_settings(const CommandLine& line, FactorizeSettings& s) {
  const auto& solver = nmf::find_solver(line.value("solver"));
  s.solver.name = solver.name;
  s.solver.learning_rate = parse_real_option("lr", line.value("lr"), Bound::positive);
  s.solver.penalty_weight = parse_real_option("lambda", line.value("lambda"), Bound::nonnegative);
  s.solver.penalty_threshold = parse_real_option("mu", line.value("mu"), Bound::nonnegative);
  s.solver.learning_rate_decay = parse_real_option("lr-decay", line.value("lr-decay"), Bound::positive);
  s.solver.learning_rate_decay_every =
      parse_integer_option("lr-decay-every", line.value("lr-decay-every"), Bound::nonnegative);
  s.solver.adam_learning_rate = parse_real_option("adam-lr", line.value("adam-lr"), Bound::positive);
  s.solver.batch_size = parse_integer_option("batch-size", line.value("batch-size"), Bound::positive);
  const std::string precision = line.value("precision");
  s.solver.single_precision_products = find_choice(precisions(), precision, "precision", "precision").on;
  s.solver.used_columns_only = find_choice(exchanges(), line.value("exchange"), "exchange", "choice").on;
  s.transposed_copy = line.flag("transposed-copy");
  const int64_t seed = parse_integer_option("seed", line.value("seed"));
  s.solver.seed = s.init.seed = static_cast<uint64_t>(seed);
  s.init.method = nmf::find_init(line.value("init")).name;
  s.init.file = line.value("init-file");
  s.init.scikit_learn_scale = line.flag("init-scale");
  s.init.require_nonnegative = solver.needs_nonnegative_start();
  read_objective_settings(line, solver, s.solver);
  s.iterate_parameters = {{"lr", exact_text(s.solver.learning_rate)},
                          {"lambda", exact_text(s.solver.penalty_weight)},
                          {"mu", exact_text(s.solver.penalty_threshold)},
                          {"lr-decay", exact_text(s.solver.learning_rate_decay)},
                          {"lr-decay-every", std::to_string(s.solver.learning_rate_decay_every)},
                          {"adam-lr", exact_text(s.solver.adam_learning_rate)},
                          {"batch-size", std::to_string(s.solver.batch_size)},
                          {"seed", std::to_string(seed)},
                          {"precision", precision},
                          {"loss", nmf::loss_name(s.solver.beta)},
                          {"alpha-w", exact_text(s.solver.alpha_w)},
                          {"alpha-h", exact_text(s.solver.alpha_h)},
                          {"l1-ratio", exact_text(s.solver.l1_ratio)}};
}

void read_run_settings(const CommandLine& line, FactorizeSettings& s) {
  s.stop.max_iterations = parse_integer_option("max-iter", line.value("max-iter"), Bound::nonnegative);
  s.stop.tolerance = parse_real_option("tol", line.value("tol"), Bound::nonnegative);
  s.stop.max_seconds = parse_real_option("max-time", line.value("max-time"), Bound::nonnegative);
  s.stop.monitor_every = parse_integer_option("monitor", line.value("monitor"), Bound::nonnegative);
  s.stop.progress_seconds = parse_real_option("progress-seconds", line.value("progress-seconds"), Bound::nonnegative);
  s.checkpoint.directory = line.value("checkpoint");
  s.checkpoint.every_iterations =
      parse_integer_option("checkpoint-every", line.value("checkpoint-every"), Bound::nonnegative);
  s.checkpoint.every_seconds =
      parse_real_option("checkpoint-seconds", line.value("checkpoint-seconds"), Bound::nonnegative);
  s.checkpoint.keep = parse_integer_option("checkpoint-keep", line.value("checkpoint-keep"));
  s.checkpoint.restart = line.value("restart");
  s.checkpoint.lock = !line.flag("no-checkpoint-lock");
  if (s.checkpoint.keep < 1) throw UserError("--checkpoint-keep must be at least 1");
}

FactorizeSettings settings_from(const CommandLine& line) {
  FactorizeSettings s;
  if (line.positionals().size() != 1) throw UserError("dnmf factorize takes one TF-IDF file (see --help)");
  s.input = line.positionals()[0];
  s.output = line.value("output");
  if (s.output.empty()) throw UserError("no output file: give -o MODEL.h5");
  if (line.value("components").empty()) throw UserError("give the number of topics with -k K");
  s.k = parse_integer_option("components", line.value("components"));
  read_solver_settings(line, s);
  read_run_settings(line, s);
  s.options = line.all_values();
  // The model records what was minimized, not the defaults that chose it.
  s.options["loss"] = nmf::loss_name(s.solver.beta);
  if (s.options["alpha-h"] == "same") s.options["alpha-h"] = s.options["alpha-w"];
  return s;
}

// Reads V (rows balanced by nonzeros) and checks k against its shape.
// A model is finite or not written. gd, sgd and adam keep their last finite iterate
// when they diverge; hals and mu update in place and have no earlier copy to fall back on.
void refuse_non_finite_model(const nmf::Solver& solver, const nmf::Factors& factors, const nmf::RunResult& result,
                             const FactorizeSettings& settings) {
  if (!std::isfinite(result.initial_error))
    throw UserError(settings.output + ": not written: the error of the start is not finite (the values of " +
                    settings.input + " are too large for double precision: scale them down)");
  if (solver.any_not_finite(factors))
    throw UserError(settings.output + ": not written: " + settings.solver.name + "'s iterate " +
                    std::to_string(result.iterations + 1) +
                    " is not finite and it keeps no earlier one (V's values may be too large: scale them down)");
}

std::unique_ptr<nmf::DataMatrix> read_data_matrix(MPI_Comm comm, const FactorizeSettings& settings) {
  std::unique_ptr<nmf::DataMatrix> v;
  run_collectively(comm, [&] {
    v = std::make_unique<nmf::DataMatrix>(comm, io::balanced_row_source(comm, settings.input));
    if (settings.transposed_copy) v->keep_transposed_copy();
  });
  run_collectively(comm, [&] {
    const int64_t limit = std::min(v->rows(), v->columns());
    if (limit == 0)
      throw UserError(settings.input + ": the matrix is empty (" + std::to_string(v->rows()) + " x " +
                      std::to_string(v->columns()) + "); there is nothing to factorize");
    if (!std::isfinite(v->squared_norm()))
      throw UserError(settings.input +
                      ": the values of V are too large for double precision (the sum of their squares "
                      "overflows); scale them down");
    if (settings.k <= 0 || settings.k > limit)
      throw UserError("-k " + std::to_string(settings.k) + ": the number of topics must be between 1 and " +
                      std::to_string(limit) + " (the smaller side of " + settings.input + ")");
  });
  return v;
}

// A fresh start: computed by the --init method, or read from --init-file.
nmf::Factors fresh_start(MPI_Comm comm, const FactorizeSettings& settings, const nmf::DataMatrix& v) {
  nmf::Factors start;
  run_collectively(comm, [&] {
    if (!nmf::find_init(settings.init.method).reads_file) {
      start = nmf::initialize(v, settings.k, settings.init);
      return;
    }
    if (settings.init.file.empty()) throw UserError("--init file needs --init-file PATH");
    start = io::read_start_factors(comm, settings.init.file, v.rows(), v.first_row(), v.local_rows(), v.columns(),
                                   settings.k);
    nmf::check_start(start, settings.init.require_nonnegative, settings.init.file);
  });
  return start;
}

struct StageSeconds {
  double read = 0, init = 0, write = 0;
};

// The kernels' share of the run, from their log_work tallies: calls, seconds per call and
// the rates of one rank (sums over ranks divided by the ranks' summed seconds), to set
// beside what a core can do (tests/bench/bench_kernels.py measures DGEMM and a copy).
struct KernelLine {
  const char* name;
  int64_t calls;
  double seconds, flops, bytes;
};

std::vector<KernelLine> kernel_lines(MPI_Comm comm) {
  std::vector<KernelLine> lines;
  for (LogEvent event : {LogEvent::v_ht, LogEvent::vt_w, LogEvent::gram, LogEvent::update}) {
    const KernelWork& work = work_of(event);
    lines.push_back({log_event_name(event), work.calls, sum_over_ranks(comm, work.seconds),
                     sum_over_ranks(comm, work.flops), sum_over_ranks(comm, work.bytes)});
  }
  return lines;
}

void print_kernel_lines(const std::vector<KernelLine>& lines, int ranks) {
  std::printf("  kernels  per rank (all its threads): calls, s/call, GFLOP/s, GB/s touched\n");
  for (const KernelLine& line : lines) {
    if (line.calls == 0 || line.seconds <= 0) continue;
    std::printf("           %-7s %6lld %9.4f %8.2f %8.2f\n", line.name, static_cast<long long>(line.calls),
                line.seconds / ranks / static_cast<double>(line.calls), line.flops / line.seconds / 1e9,
                line.bytes / line.seconds / 1e9);
  }
}

void print_report(MPI_Comm comm, const FactorizeSettings& settings, const nmf::DataMatrix& v,
                  const nmf::RunResult& result, const StageSeconds& seconds) {
  const auto peak_memory = gather_to_all(comm, peak_resident_bytes());
  const auto kernels = kernel_lines(comm);
  if (comm_rank(comm) != 0) return;
  const char* stop_reason = nmf::stop_reason_name(result.stop_reason);
  std::printf("dnmf factorize: %s, k = %lld, %lld x %lld matrix (%lld nonzeros) on %d ranks x %d threads\n",
              settings.solver.name.c_str(), static_cast<long long>(settings.k), static_cast<long long>(v.rows()),
              static_cast<long long>(v.columns()), static_cast<long long>(v.nnz()), comm_size(comm),
              nmf::thread_count());
  if (settings.solver.beta == nmf::kFrobenius)
    std::printf("  |V - WH|_F %.6f (relative %.6f) after %lld iterations, from %.6f; stopped: %s\n", result.final_error,
                nmf::relative_error(result.final_error, std::sqrt(v.squared_norm())),
                static_cast<long long>(result.iterations), result.initial_error, stop_reason);
  else
    std::printf("  error    sqrt(2 D) %.6f (%s loss) after %lld iterations, from %.6f; stopped: %s\n",
                result.final_error, nmf::loss_name(settings.solver.beta).c_str(),
                static_cast<long long>(result.iterations), result.initial_error, stop_reason);
  if (settings.solver.alpha_w != 0 || settings.solver.alpha_h != 0)
    std::printf("  objective %.6f (loss and penalties)\n", result.history.objective.back());
  std::printf(
      "  time     read %.3f s, init (%s) %.3f s, start's error %.3f s, solve %.3f s (%.4f s/iteration), write %.3f s\n",
      seconds.read, settings.init.method.c_str(), seconds.init, result.initial_error_seconds, result.solve_seconds,
      result.iterations > 0 ? result.solve_seconds / static_cast<double>(result.iterations) : 0.0, seconds.write);
  std::printf("  traffic  %s sent per iteration by each rank to the others\n",
              format_bytes(result.communicated_bytes_per_iteration).c_str());
  print_kernel_lines(kernels, comm_size(comm));
  std::printf("  memory   peak resident per rank:");
  for (size_t r = 0; r < peak_memory.size(); ++r)
    std::printf("%s %s", r ? "," : "", format_bytes(static_cast<double>(peak_memory[r])).c_str());
  std::printf("\n  wrote    %s\n", settings.output.c_str());
  if (nmf::stopped_on_request(result.stop_reason))
    std::printf("  stopped early (%s) at iteration %lld; %s\n", stop_reason, static_cast<long long>(result.iterations),
                settings.checkpoint.directory.empty()
                    ? "no --checkpoint folder, so the model above is where it ends"
                    : ("continue with --restart " + settings.checkpoint.directory).c_str());
  std::fflush(stdout);
}

}  // namespace

int run_factorize(MPI_Comm comm, int argc, char** argv, int first) {
  const double started = wall_seconds();
  StageSeconds seconds;
  // 1. Options, from the command line and any -options_file.
  auto line = factorize_command_line();
  FactorizeSettings settings;
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  run_collectively(
      comm, [&] { settings = settings_from(line); }, kExitUsage);

  // 2. Refuse what cannot be written before any work; hold the checkpoint folder.
  std::unique_ptr<io::FolderLock> checkpoint_lock;
  run_collectively(comm, [&] {
    if (comm_rank(comm) != 0) return;
    io::refuse_output_over_inputs(settings.output, "-o", {settings.input, settings.checkpoint.restart});
    io::refuse_output_in_folder(settings.output, settings.checkpoint.directory, "--checkpoint");
    h5::check_output_writable(settings.output);
    checkpoint_lock = prepare_checkpoint_directory(settings.checkpoint);
  });

  // 3. V, rows balanced by nonzeros.
  const auto v = read_data_matrix(comm, settings);
  run_collectively(comm, [&] {
    const std::string refusal = nmf::loss_refusal(*v, settings.solver.beta);
    if (!refusal.empty()) throw UserError(settings.input + ": " + refusal);
  });
  seconds.read = wall_seconds() - started;

  // 4. The start: fresh, or the snapshot of the run this one continues.
  auto solver = nmf::find_solver(settings.solver.name).make(*v, settings.solver);
  const RunIdentity identity{settings.input, hex64(v->fingerprint()), settings.solver.name, settings.k,
                             settings.iterate_parameters};
  nmf::Factors factors;
  std::unique_ptr<nmf::RunResult> resume;
  if (settings.checkpoint.restart.empty())
    factors = fresh_start(comm, settings, *v);
  else
    resume = resume_from_snapshot(comm, settings.checkpoint.restart, identity, *v, *solver, factors);
  seconds.init = wall_seconds() - started - seconds.read;

  // 5. Solve, with snapshots when asked for.
  nmf::Checkpoints checkpoints;
  const io::Snapshot layout = snapshot_layout(*v, settings.k);
  if (!settings.checkpoint.directory.empty()) {
    checkpoints.every_iterations = settings.checkpoint.every_iterations;
    checkpoints.every_seconds = settings.checkpoint.every_seconds;
    checkpoints.write = [&](const nmf::RunResult& run) {
      return write_checkpoint(comm, settings.checkpoint, identity, layout, *solver, factors, run);
    };
  }
  const auto result = nmf::run_solver(*solver, *v, factors, settings.stop, checkpoints, resume.get());

  // 6. The model; the solver's workspaces go first, to make room for writing.
  const double write_started = wall_seconds();
  run_collectively(comm, [&] { refuse_non_finite_model(*solver, factors, result, settings); });
  solver.reset();
  const io::ModelFacts facts{v->rows(),
                             v->columns(),
                             v->first_row(),
                             comm_size(comm),
                             std::sqrt(v->squared_norm()),
                             settings.input,
                             identity.input_fingerprint,
                             settings.options};
  const auto model = io::assemble_model(std::move(factors), result, facts);
  factors = nmf::Factors();
  run_collectively(comm, [&] { io::write_model_file(comm, settings.output, settings.input, model); });
  seconds.write = wall_seconds() - write_started;

  // 7. The report.
  print_report(comm, settings, *v, result, seconds);
  if (result.stop_reason == nmf::StopReason::snapshot_failed) return 1;
  return nmf::stopped_on_request(result.stop_reason) ? kExitInterrupted : 0;
}

}  // namespace dnmf
