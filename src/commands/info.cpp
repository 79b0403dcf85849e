#include "src/commands/info.hpp"

#include <cstdio>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/snapshot_file.hpp"
#include "io/tfidf_file.hpp"
#include "io/transform_file.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"

namespace dnmf {

namespace {

int describe_tfidf(MPI_Comm comm, const std::string& path, int ranks) {
  io::TfidfFileSummary summary;
  std::vector<int64_t> starts;
  run_collectively(comm, [&] {
    summary = io::read_tfidf_summary(comm, path);
    starts = io::balanced_row_starts_of_file(comm, path, ranks);
  });
  if (comm_rank(comm) != 0) return 0;
  const double cells = static_cast<double>(summary.rows) * static_cast<double>(summary.columns);
  std::printf("%s: dnmf TF-IDF matrix\n", path.c_str());
  std::printf("  shape     %lld documents x %lld terms\n", static_cast<long long>(summary.rows),
              static_cast<long long>(summary.columns));
  std::printf("  nonzeros  %lld (density %.4f%%)\n", static_cast<long long>(summary.nnz),
              cells > 0 ? 100.0 * static_cast<double>(summary.nnz) / cells : 0.0);
  std::printf("  labels    %s\n", summary.has_labels ? "yes" : "no");
  std::printf("  datasets ");
  for (const auto& name : summary.datasets) std::printf(" %s", name.c_str());
  std::printf("\n  made with\n");
  for (const auto& [name, value] : summary.attributes) std::printf("    %-14s %s\n", name.c_str(), value.c_str());
  std::printf("  row split for %d ranks (first row, rows):\n", ranks);
  for (int r = 0; r < ranks && r < 64; ++r)
    std::printf("    rank %-4d %lld, %lld\n", r, static_cast<long long>(starts[r]),
                static_cast<long long>(starts[r + 1] - starts[r]));
  if (ranks > 64) std::printf("    ... (%d more ranks)\n", ranks - 64);
  return 0;
}

// A model, or dnmf transform's output (a model's datasets for new documents).
int describe_model(MPI_Comm comm, const std::string& path, bool transformed) {
  io::ModelSummary summary;
  run_collectively(comm, [&] { summary = io::read_model_summary(comm, path); });
  if (comm_rank(comm) != 0) return 0;
  std::printf("%s: %s (dnmf topics %s prints its topics)\n", path.c_str(),
              transformed ? "new documents' topics under a model, by dnmf transform" : "dnmf model", path.c_str());
  std::printf("  W         %lld documents x %lld topics\n", static_cast<long long>(summary.rows),
              static_cast<long long>(summary.k));
  std::printf("  H         %lld topics x %lld terms\n", static_cast<long long>(summary.k),
              static_cast<long long>(summary.columns));
  std::printf("  labels    %s\n", summary.has_labels ? "yes" : "no");
  for (const auto& [name, value] : summary.attributes) std::printf("  %-15s %s\n", name.c_str(), value.c_str());
  return 0;
}

int describe_snapshot(MPI_Comm comm, const std::string& path) {
  io::SnapshotSummary summary;
  run_collectively(comm, [&] { summary = io::read_snapshot_summary(comm, path); });
  if (comm_rank(comm) != 0) return 0;
  std::printf("%s: dnmf snapshot (continue its run with dnmf factorize ... --restart %s)\n", path.c_str(),
              path.c_str());
  std::printf("  run       %s, k = %lld, %lld x %lld matrix (fingerprint %s)\n", summary.solver.c_str(),
              static_cast<long long>(summary.k), static_cast<long long>(summary.rows),
              static_cast<long long>(summary.columns), summary.input_fingerprint.c_str());
  std::printf("  iteration %lld, written by %lld ranks\n", static_cast<long long>(summary.iteration),
              static_cast<long long>(summary.ranks));
  return 0;
}

}  // namespace

int run_info(MPI_Comm comm, int argc, char** argv, int first) {
  CommandLine line("info", "dnmf info FILE.h5 [--ranks P]",
                   "Prints the shape, nonzeros and density of a dnmf TF-IDF file, what it holds,\n"
                   "and the blocks of rows P ranks would read (balanced by nonzeros); for a model\n"
                   "or a snapshot, its shape and the run that made it.",
                   {{"ranks", "P", "", "show the row split for P ranks [default: the ranks running info]"}});
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  std::string path;
  int ranks = comm_size(comm);
  run_collectively(
      comm,
      [&] {
        if (line.positionals().size() != 1) throw UserError("dnmf info takes exactly one file (see dnmf info --help)");
        path = line.positionals()[0];
        if (!line.value("ranks").empty()) {
          const int64_t wanted = parse_integer_option("ranks", line.value("ranks"));
          if (wanted < 1 || wanted > 1000000) throw UserError("--ranks must be between 1 and 1000000");
          ranks = static_cast<int>(wanted);
        }
      },
      kExitUsage);
  std::string format;
  run_collectively(comm, [&] { format = h5::format_of_file(comm, path); });
  if (format == "dnmf-model" || format == io::kTransformFormat)
    return describe_model(comm, path, format == io::kTransformFormat);
  if (format == "dnmf-snapshot") return describe_snapshot(comm, path);
  return describe_tfidf(comm, path, ranks);
}

}  // namespace dnmf
