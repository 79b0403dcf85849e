// dnmf factorize: V ~ W H for the TF-IDF matrix V of a dnmf file.
//
// The story: read V into a PETSc matrix, rows balanced by nonzeros (src/nmf/data_matrix);
// start W and H (src/nmf/initialize); run the chosen solver in the shared loop
// (src/nmf/driver, one solver per src/nmf/solver_*.cpp); write the model (io/model_file).
#include "src/factorize.hpp"

#include <cinttypes>
#include <cstdio>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/cli.hpp"
#include "src/collective.hpp"
#include "src/comm.hpp"
#include "src/nmf/driver.hpp"
#include "src/nmf/initialize.hpp"
#include "src/nmf/solver.hpp"
#include "src/resources.hpp"

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
      });
}

struct FactorizeSettings {
  std::string input, output;
  int64_t k = 0;
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
  return s;
}

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
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
    if (reporter) h5::check_output_writable(settings.output);
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
  run_collectively(comm, [&] { factors = nmf::initialize(*v, settings.k, settings.init); });
  const double init_seconds = wall_seconds() - started - read_seconds;
  auto solver = nmf::make_solver(*v, settings.solver);
  const auto result = nmf::run_solver(*solver, *v, factors, settings.stop);

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
  const auto& h = result.history;
  model.history = {h.iteration, h.negative_w, h.negative_h, h.seconds, h.error, h.relative_error, h.min_w, h.min_h};
  for (const auto& [name, value] : line.all_values()) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    if (key != "output") model.text_attributes[key] = value;
  }
  model.text_attributes["input"] = settings.input;
  model.text_attributes["input_fingerprint"] = hex(v->fingerprint());
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
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace dnmf
