// dnmf select-k: how many topics a matrix holds, from the stability of its topics over
// perturbed runs (src/nmf/select_k.hpp), beside each k's error, coherence and diversity.
//
// The story (run_select_k): options; refusals before any work; V's rows, balanced by
// nonzeros; for each k, each run: the run file an earlier select-k left in the --runs
// folder, or a factorization of V perturbed for that run, written as a run file when it
// finishes, so that a select-k stopped anywhere resumes at the run it was in; each k's
// topics clustered; the coherence of every k's cluster topics, counted in one reading of
// the corpus; the result file and the table.
#include "src/commands/select_k.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "io/h5.hpp"
#include "io/output_path.hpp"
#include "io/select_k_file.hpp"
#include "io/snapshot_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/hash.hpp"
#include "src/base/resources.hpp"
#include "src/base/row_partition.hpp"
#include "src/base/stop_signals.hpp"
#include "src/commands/corpus_coherence.hpp"
#include "src/commands/topic_tables.hpp"
#include "src/nmf/data_matrix.hpp"
#include "src/nmf/driver.hpp"
#include "src/nmf/initialize.hpp"
#include "src/nmf/random.hpp"
#include "src/nmf/select_k.hpp"
#include "src/nmf/solver.hpp"
#include "src/text/coherence.hpp"

namespace dnmf {
namespace {

struct SelectKSettings {
  std::string input, output, runs_folder;
  std::vector<std::string> corpus;  // given after the matrix; empty: the one it records
  std::vector<int64_t> ks;
  int64_t repeats = 5;
  double perturb = 0.03, threshold = 0.75;
  uint64_t seed = 0;
  bool coherence = true;
  int64_t top = 10, diversity_top = 25;
  std::string ranks_per_run_choice;  // a number, or auto
  int ranks_per_run = 1;             // chosen once the matrix's size is known
  bool transposed_copy = false;      // V small enough to keep twice (factorize --transposed-copy)
  nmf::SolverSettings solver;
  nmf::InitSettings init;
  nmf::StopSettings stop;
};

CommandLine select_k_command_line() {
  return CommandLine(
      "select-k", "mpirun -n P dnmf select-k TFIDF.h5 [CORPUS...] --ks 2:30 -o SELECT.h5 [options]",
      "How many topics a TF-IDF matrix holds, as NMFk finds it: for each k, --repeats\n"
      "factorizations of the matrix with every entry multiplied by a uniform factor in\n"
      "[1 - EPS, 1 + EPS] (a different draw and start per run); the runs' topics clustered,\n"
      "one of each run per cluster; the clusters' silhouettes (cosine distance) say how well\n"
      "the runs agree. Recommended: the largest k whose smallest cluster silhouette is at\n"
      "least --threshold. Beside it, per k: the mean relative error, the coherence (c_npmi) of\n"
      "the clusters' mean topics in the corpus the matrix was made from (or CORPUS), and their\n"
      "diversity. Each finished run is kept in the --runs folder: run again, select-k resumes.",
      {
          {"ks", "LIST", "", "the k's to try: K, A:B (A to B), A:B:STEP, or several, comma-separated (required)"},
          {"output", "FILE", "", "the table as HDF5 (required; docs/select-k.md)", 'o'},
          {"repeats", "R", "5", "factorizations per k"},
          {"perturb", "EPS", "0.03", "each entry is multiplied by a uniform factor in [1 - EPS, 1 + EPS]"},
          {"threshold", "S", "0.75", "the smallest cluster silhouette a k needs to be recommended"},
          {"runs", "DIR", "", "where finished runs are kept [default: OUTPUT.runs]"},
          {"ranks-per-run", "N", "auto",
           "ranks that share one run (groups of N run side by side); auto: 1 when V takes at most 512 MiB "
           "(each rank then holds all of V), else all ranks"},
          {"solver", "NAME", "hals", "the solver of each run (dnmf factorize --solver)"},
          {"init", "METHOD", "random", "the start of each run (random: drawn from the run's seed)"},
          {"seed", "N", "0", "seed of the perturbations and the starts"},
          {"max-iter", "N", "200", "iterations at most per run"},
          {"tol", "X", "1e-4", "stop a run as dnmf factorize --tol does"},
          {"top", "N", "10", "coherence: of each topic's top N words"},
          {"no-coherence", "", "", "do not read the corpus again: no coherence"},
          {"progress-seconds", "S", "60",
           "a progress line on stderr every S seconds when not on a terminal (a batch log); 0: none"},
      });
}

// "5", "2:30", "5:40:5", "4,7,12", or a mix: the k's, increasing, each once.
std::vector<int64_t> parse_ks(const std::string& text) {
  std::set<int64_t> ks;
  for (const auto& part : split_list(text)) {
    std::vector<std::string> bounds;
    size_t start = 0;
    for (size_t colon = part.find(':'); colon != std::string::npos; colon = part.find(':', start = colon + 1))
      bounds.push_back(part.substr(start, colon - start));
    bounds.push_back(part.substr(start));
    if (bounds.size() > 3) throw UserError("--ks: '" + part + "' is not K, A:B or A:B:STEP");
    const int64_t first = parse_integer_option("ks", bounds[0], Bound::positive);
    const int64_t last = bounds.size() > 1 ? parse_integer_option("ks", bounds[1], Bound::positive) : first;
    const int64_t step = bounds.size() > 2 ? parse_integer_option("ks", bounds[2], Bound::positive) : 1;
    if (last < first) throw UserError("--ks: '" + part + "' ends before it starts");
    for (int64_t k = first; k <= last; k += step) ks.insert(k);
  }
  if (ks.empty()) throw UserError("--ks: give the k's to try, such as 2:30");
  return {ks.begin(), ks.end()};
}

SelectKSettings settings_from(const CommandLine& line) {
  SelectKSettings s;
  if (line.positionals().empty()) throw UserError("dnmf select-k takes a TF-IDF file (see --help)");
  s.input = line.positionals()[0];
  s.corpus.assign(line.positionals().begin() + 1, line.positionals().end());
  s.output = line.value("output");
  if (s.output.empty()) throw UserError("no output file: give -o SELECT.h5");
  if (line.value("ks").empty()) throw UserError("give the k's to try with --ks, such as --ks 2:30");
  s.ks = parse_ks(line.value("ks"));
  s.repeats = parse_integer_option("repeats", line.value("repeats"), Bound::positive);
  if (s.repeats < 2) throw UserError("--repeats " + line.value("repeats") + ": stability needs at least 2 runs per k");
  s.perturb = parse_real_option("perturb", line.value("perturb"), Bound::nonnegative);
  if (s.perturb >= 1)
    throw UserError("--perturb " + line.value("perturb") + ": must be below 1 (entries stay positive)");
  s.threshold = parse_real_option("threshold", line.value("threshold"));
  s.ranks_per_run_choice = line.value("ranks-per-run");
  if (s.ranks_per_run_choice != "auto")
    s.ranks_per_run = static_cast<int>(
        std::min<int64_t>(parse_integer_option("ranks-per-run", s.ranks_per_run_choice, Bound::positive), 1 << 30));
  s.runs_folder = line.value("runs").empty() ? s.output + ".runs" : line.value("runs");
  s.seed = static_cast<uint64_t>(parse_integer_option("seed", line.value("seed")));
  s.coherence = !line.flag("no-coherence");
  if (!s.coherence && !s.corpus.empty())
    throw UserError("--no-coherence: then there is no corpus to give after the matrix");
  s.top = parse_integer_option("top", line.value("top"), Bound::positive);
  const auto& solver = nmf::find_solver(line.value("solver"));
  s.solver.name = solver.name;
  s.solver.beta = solver.default_beta();
  s.init.method = nmf::find_init(line.value("init")).name;
  if (nmf::find_init(s.init.method).reads_file) throw UserError("--init file: each run needs its own start");
  s.init.scikit_learn_scale = true;
  s.init.require_nonnegative = solver.needs_nonnegative_start();
  s.stop.max_iterations = parse_integer_option("max-iter", line.value("max-iter"), Bound::positive);
  s.stop.tolerance = parse_real_option("tol", line.value("tol"), Bound::nonnegative);
  s.stop.progress_seconds = parse_real_option("progress-seconds", line.value("progress-seconds"), Bound::nonnegative);
  return s;
}

// What a run file must record to be reused: the same input and every setting that
// shapes a run.
std::map<std::string, std::string> run_identity(const SelectKSettings& s, uint64_t input_fingerprint) {
  return {{"input_fingerprint", hex64(input_fingerprint)},
          {"perturb", exact_text(s.perturb)},
          {"seed", std::to_string(s.seed)},
          {"solver", s.solver.name},
          {"init", s.init.method},
          {"max_iter", std::to_string(s.stop.max_iterations)},
          {"tol", exact_text(s.stop.tolerance)}};
}

std::string run_path(const SelectKSettings& s, int64_t k, int64_t run) {
  return (std::filesystem::path(s.runs_folder) / ("k" + std::to_string(k) + "-run" + std::to_string(run) + ".h5"))
      .string();
}

// One run: V perturbed by the run's own draw, factorized from the run's own start. Empty
// when a stop was asked for (a signal) before it finished. Its phases agree within the
// run's group and leave the one message to make_runs, which all groups share.
std::optional<io::SelectKRun> factorize_run(MPI_Comm comm, const SelectKSettings& s, const CsrRowSource& source,
                                            int64_t k, int64_t run) {
  const uint64_t run_seed = nmf::random_bits(s.seed, static_cast<uint64_t>(k), static_cast<uint64_t>(run));
  std::unique_ptr<nmf::DataMatrix> v;
  agree_collectively(comm, [&] {
    v = std::make_unique<nmf::DataMatrix>(comm, nmf::perturbed_source(source, s.perturb, run_seed));
    if (s.transposed_copy) v->keep_transposed_copy();
  });
  auto solver_settings = s.solver;
  solver_settings.seed = run_seed;
  auto init = s.init;
  init.seed = run_seed;
  auto solver = nmf::find_solver(s.solver.name).make(*v, solver_settings);
  nmf::Factors factors;
  agree_collectively(comm, [&] { factors = nmf::initialize(*v, k, init); });
  auto stop = s.stop;
  const auto result = nmf::run_solver(*solver, *v, factors, stop);
  if (nmf::stopped_on_request(result.stop_reason)) return std::nullopt;
  io::SelectKRun finished;
  finished.k = k;
  finished.run = run;
  finished.columns = v->columns();
  finished.iterations = result.iterations;
  finished.relative_error = nmf::relative_error(result.final_error, std::sqrt(v->squared_norm()));
  finished.ht = std::move(factors.Ht);
  return finished;
}

struct KResult {
  int64_t k = 0;
  nmf::TopicClusters clusters;
  double relative_error = 0, diversity = 0, c_npmi = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<std::string>> top_words;  // of the clusters' mean topics
};

using RunId = std::pair<int64_t, int64_t>;  // (k, run)

// The runs an earlier select-k left, each checked against this one's settings, and the
// missing ones (collective).
std::pair<std::set<RunId>, std::vector<RunId>> plan_runs(MPI_Comm comm, const SelectKSettings& s, int64_t columns,
                                                         const std::map<std::string, std::string>& identity) {
  std::vector<int64_t> left(s.ks.size() * static_cast<size_t>(s.repeats), 0);
  if (comm_rank(comm) == 0)
    for (size_t i = 0; i < left.size(); ++i)
      left[i] = std::filesystem::exists(
          run_path(s, s.ks[i / static_cast<size_t>(s.repeats)], static_cast<int64_t>(i) % s.repeats));
  left = broadcast_item(comm, left);
  std::set<RunId> reused;
  std::vector<RunId> missing;
  for (size_t i = 0; i < left.size(); ++i) {
    const RunId id{s.ks[i / static_cast<size_t>(s.repeats)], static_cast<int64_t>(i) % s.repeats};
    if (left[i] == 0) {
      missing.push_back(id);
      continue;
    }
    run_collectively(comm, [&] {
      io::read_select_k_run(comm, run_path(s, id.first, id.second), id.first, id.second, columns, identity, false);
    });
    reused.insert(id);
  }
  return {reused, missing};
}

// The missing runs, made by groups of --ranks-per-run ranks side by side, each group
// reading V for itself and taking the runs dealt to it (largest k first, each to the group
// with the least work so far); a finished run is written at once. Collective; false when
// a stop was asked for. A failure in a group is agreed within it, unprinted, and then by
// every rank: one message, the lowest failing rank's, however many groups failed.
bool make_runs(MPI_Comm comm, const SelectKSettings& s, const std::vector<RunId>& missing,
               const std::map<std::string, std::string>& identity) {
  const int rank = comm_rank(comm);
  const int groups = comm_size(comm) / s.ranks_per_run, group = rank / s.ranks_per_run;
  std::vector<RunId> order = missing;
  std::stable_sort(order.begin(), order.end(), [](const RunId& a, const RunId& b) { return a.first > b.first; });
  std::vector<int64_t> load(static_cast<size_t>(groups), 0);
  std::vector<RunId> mine;
  for (const auto& id : order) {
    const auto least = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[static_cast<size_t>(least)] += id.first;
    if (least == group) mine.push_back(id);
  }
  const SplitComm group_comm(comm, group, rank);
  const MPI_Comm runs_comm = group_comm.get();
  bool stopped = false;
  run_collectively(comm, [&] {
    if (mine.empty()) return;
    CsrRowSource source;
    agree_collectively(runs_comm, [&] { source = io::balanced_row_source(runs_comm, s.input); });
    for (const auto& id : mine) {
      const int64_t k = id.first, r = id.second;
      if (max_over_ranks(runs_comm, static_cast<int64_t>(StopSignals::received())) != 0) {
        stopped = true;
        return;
      }
      const double started = wall_seconds();
      auto run = factorize_run(runs_comm, s, source, k, r);
      if (!run) {
        stopped = true;
        return;
      }
      run->identity = identity;
      agree_collectively(runs_comm, [&] { io::write_select_k_run(runs_comm, run_path(s, k, r), *run); });
      if (comm_rank(runs_comm) == 0) {
        std::printf("  k = %lld, run %lld of %lld: relative error %.6f, %lld iterations, factorized (%.2f s)\n",
                    static_cast<long long>(k), static_cast<long long>(r) + 1, static_cast<long long>(s.repeats),
                    run->relative_error, static_cast<long long>(run->iterations), wall_seconds() - started);
        std::fflush(stdout);
      }
    }
  });
  return max_over_ranks(comm, static_cast<int64_t>(stopped)) == 0;
}

// Every run of one k, read back from the runs folder (collective).
std::vector<io::SelectKRun> runs_of_k(MPI_Comm comm, const SelectKSettings& s, int64_t columns,
                                      const std::map<std::string, std::string>& identity, int64_t k,
                                      const std::set<RunId>& reused) {
  std::vector<io::SelectKRun> runs;
  for (int64_t r = 0; r < s.repeats; ++r) {
    run_collectively(comm,
                     [&] { runs.push_back(io::read_select_k_run(comm, run_path(s, k, r), k, r, columns, identity)); });
    if (comm_rank(comm) == 0 && reused.count({k, r}) != 0)
      std::printf("  k = %lld, run %lld of %lld: relative error %.6f, %lld iterations, read from an earlier select-k\n",
                  static_cast<long long>(k), static_cast<long long>(r) + 1, static_cast<long long>(s.repeats),
                  runs.back().relative_error, static_cast<long long>(runs.back().iterations));
  }
  std::fflush(stdout);
  return runs;
}

KResult result_of_k(MPI_Comm comm, const SelectKSettings& s, const std::vector<io::SelectKRun>& runs, int64_t k,
                    const std::vector<std::string>& vocabulary) {
  KResult result;
  result.k = k;
  const int64_t columns = runs[0].columns;
  std::vector<std::vector<double>> hts;
  for (const auto& run : runs) {
    hts.push_back(run.ht);
    result.relative_error += run.relative_error / static_cast<double>(runs.size());
  }
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  const int64_t first = even_split_start(columns, rank, ranks);
  result.clusters =
      nmf::cluster_topics(comm, hts, k, columns, first, even_split_start(columns, rank + 1, ranks) - first);
  const int64_t top = std::min(s.top, columns), diversity_top = std::min(s.diversity_top, columns);
  std::set<std::string> distinct;
  for (int64_t t = 0; t < k; ++t) {
    result.top_words.push_back(top_words(result.clusters.centroid, t, columns, top, vocabulary));
    for (auto& word : top_words(result.clusters.centroid, t, columns, diversity_top, vocabulary))
      distinct.insert(std::move(word));
  }
  result.diversity = static_cast<double>(distinct.size()) / static_cast<double>(k * diversity_top);
  result.clusters.centroid = {};  // the top words are all that is kept of it
  return result;
}

// The c_npmi of each k's cluster topics, from one reading of the corpus for all of them.
std::string add_coherence(MPI_Comm comm, const SelectKSettings& s, int64_t rows, std::vector<KResult>& results) {
  if (!s.coherence) return "not asked for (--no-coherence)";
  const auto corpus = locate_corpus(comm, s.input, s.corpus);
  if (!corpus.not_readable.empty()) return corpus.not_readable;
  std::vector<std::vector<std::string>> all_topics;
  for (const auto& result : results)
    all_topics.insert(all_topics.end(), result.top_words.begin(), result.top_words.end());
  const auto coherence = coherence_in_corpus(comm, s.input, corpus, rows, all_topics);
  size_t next = 0;
  for (auto& result : results) {
    const auto first = coherence.per_topic.c_npmi.begin() + static_cast<std::ptrdiff_t>(next);
    result.c_npmi = text::arithmetic_mean({first, first + result.k});
    next += static_cast<size_t>(result.k);
  }
  return {};
}

// The table of every k, with the rule's choice and how it chose.
io::SelectKTable table_of(const SelectKSettings& s, const std::vector<KResult>& results,
                          const std::string& no_coherence) {
  io::SelectKTable table;
  for (const auto& result : results) {
    table.ks.push_back(result.k);
    table.silhouette_min.push_back(result.clusters.min_silhouette);
    table.silhouette_mean.push_back(result.clusters.mean_silhouette);
    table.relative_error.push_back(result.relative_error);
    table.c_npmi.push_back(result.c_npmi);
    table.diversity.push_back(result.diversity);
    table.clusters.push_back(result.clusters.cluster);
  }
  table.recommended_k = nmf::recommended_k(table.ks, table.silhouette_min, s.threshold);
  char rule[200];
  std::snprintf(
      rule, sizeof rule, "the largest k whose smallest cluster silhouette is at least %g (NMFk, Alexandrov et al.)%s",
      s.threshold,
      std::none_of(table.silhouette_min.begin(), table.silhouette_min.end(), [&](double x) { return x >= s.threshold; })
          ? "; none is, so the k of the largest smallest silhouette"
          : "");
  table.text_attributes = {{"rule", rule}, {"input", s.input}, {"solver", s.solver.name}, {"init", s.init.method}};
  if (!no_coherence.empty()) table.text_attributes["c_npmi_not_computed"] = no_coherence;
  table.real_attributes = {
      {"threshold", s.threshold}, {"perturb", s.perturb}, {"repeats", static_cast<double>(s.repeats)}};
  return table;
}

void print_table(const SelectKSettings& s, const io::SelectKTable& table, const std::string& no_coherence) {
  std::printf("\n     k  silhouette min    mean  rel. error    c_npmi  diversity\n");
  for (size_t i = 0; i < table.ks.size(); ++i)
    std::printf("  %4lld  %14.4f  %6.4f  %10.6f  %8.4f  %9.4f%s\n", static_cast<long long>(table.ks[i]),
                table.silhouette_min[i], table.silhouette_mean[i], table.relative_error[i], table.c_npmi[i],
                table.diversity[i], table.ks[i] == table.recommended_k ? "  <- recommended" : "");
  if (!no_coherence.empty()) std::printf("  c_npmi: not computed: %s\n", no_coherence.c_str());
  std::printf("  recommended k = %lld: %s\n  wrote    %s (runs in %s)\n", static_cast<long long>(table.recommended_k),
              table.text_attributes.at("rule").c_str(), s.output.c_str(), s.runs_folder.c_str());
  std::fflush(stdout);
}

// V's rows, its fingerprint and vocabulary, checked against the k's; settles
// --ranks-per-run and the transposed copy, which depend on V's size (collective).
struct MatrixFacts {
  CsrRowSource source;
  uint64_t fingerprint = 0;
  std::vector<std::string> vocabulary;
};

MatrixFacts read_matrix(MPI_Comm comm, SelectKSettings& s) {
  MatrixFacts facts;
  run_collectively(comm, [&] {
    facts.source = io::balanced_row_source(comm, s.input);
    const int64_t limit = std::min(facts.source.rows, facts.source.columns);
    for (const int64_t k : s.ks)
      if (k > limit)
        throw UserError("--ks: k = " + std::to_string(k) + " is more topics than " + s.input + " allows (at most " +
                        std::to_string(limit) + ", the smaller side of its " + std::to_string(facts.source.rows) +
                        " x " + std::to_string(facts.source.columns) + " matrix)");
    facts.fingerprint = nmf::DataMatrix(comm, facts.source).fingerprint();
    const int ranks = comm_size(comm);
    const double v_bytes = static_cast<double>(facts.source.nnz) * 12 + static_cast<double>(facts.source.rows) * 8;
    if (s.ranks_per_run_choice == "auto")
      s.ranks_per_run = v_bytes <= 512.0 * (1 << 20) ? 1 : ranks;
    else if (s.ranks_per_run > ranks || ranks % s.ranks_per_run != 0)
      throw UserError("--ranks-per-run " + s.ranks_per_run_choice + ": must divide the " + std::to_string(ranks) +
                      " ranks");
    // The copy by column makes V^T W gather (10-15% of a run): worth its memory when small.
    s.transposed_copy = v_bytes / s.ranks_per_run <= 256.0 * (1 << 20);
    const auto file = h5::File::open(comm, s.input);
    facts.vocabulary = file.read_strings("/vocabulary", 0, facts.source.columns);
  });
  return facts;
}

}  // namespace

int run_select_k(MPI_Comm comm, int argc, char** argv, int first) {
  // 1. Options.
  auto line = select_k_command_line();
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  SelectKSettings s;
  run_collectively(
      comm, [&] { s = settings_from(line); }, kExitUsage);
  // 2. Refusals before any work: the output, k against the matrix; then the runs folder.
  run_collectively(comm, [&] {
    if (comm_rank(comm) != 0) return;
    auto inputs = s.corpus;
    inputs.push_back(s.input);
    io::refuse_output_over_inputs(s.output, "-o", inputs);
    io::refuse_output_in_folder(s.output, s.runs_folder, "--runs");
    h5::check_output_writable(s.output);
  });
  const MatrixFacts matrix = read_matrix(comm, s);
  // Only now, every refusal made: the runs folder (created if missing).
  run_collectively(comm, [&] {
    if (comm_rank(comm) == 0) io::prepare_checkpoint_directory(s.runs_folder);
  });
  const auto identity = run_identity(s, matrix.fingerprint);
  if (comm_rank(comm) == 0) {
    std::printf(
        "dnmf select-k: %s (%lld x %lld), %lld runs per k, entries perturbed by up to %g, %s from %s "
        "starts; %d runs side by side, %d rank%s each\n",
        s.input.c_str(), static_cast<long long>(matrix.source.rows), static_cast<long long>(matrix.source.columns),
        static_cast<long long>(s.repeats), s.perturb, s.solver.name.c_str(), s.init.method.c_str(),
        comm_size(comm) / s.ranks_per_run, s.ranks_per_run, s.ranks_per_run == 1 ? "" : "s");
    std::fflush(stdout);
  }
  // 3. The runs: those an earlier select-k left, then the missing ones; each k's clusters.
  std::vector<double> seconds{wall_seconds()};  // phase ends: start, runs, clusters, coherence
  const auto [reused, missing] = plan_runs(comm, s, matrix.source.columns, identity);
  if (!make_runs(comm, s, missing, identity)) {
    if (comm_rank(comm) == 0)
      std::printf("dnmf select-k: stopped; the finished runs are in %s: run the same command again to go on\n",
                  s.runs_folder.c_str());
    return kExitInterrupted;
  }
  seconds.push_back(wall_seconds());
  std::vector<KResult> results;
  for (const int64_t k : s.ks)
    results.push_back(
        result_of_k(comm, s, runs_of_k(comm, s, matrix.source.columns, identity, k, reused), k, matrix.vocabulary));
  // 4. Coherence, the rule, the file.
  seconds.push_back(wall_seconds());
  std::string no_coherence;
  run_collectively(comm, [&] { no_coherence = add_coherence(comm, s, matrix.source.rows, results); });
  seconds.push_back(wall_seconds());
  const auto table = table_of(s, results, no_coherence);
  run_collectively(comm, [&] { io::write_select_k_table(comm, s.output, table); });
  if (comm_rank(comm) == 0) {
    print_table(s, table, no_coherence);
    std::printf("  time     runs %.1f s (%zu made, %zu read back), runs read and clustered %.1f s, coherence %.1f s\n",
                seconds[1] - seconds[0], missing.size(), reused.size(), seconds[2] - seconds[1],
                seconds[3] - seconds[2]);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace dnmf
