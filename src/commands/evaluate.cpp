// dnmf evaluate: how good a model's topics are, in numbers. For a model (or the output
// of dnmf transform): the reconstruction error it records, the topics' diversity (the
// share of distinct terms among all topics' --diversity-top heaviest terms), and, when its
// documents have labels, how well each document's dominant topic agrees with its label
// (label_agreement.hpp: scikit-learn's NMI, adjusted Rand index, homogeneity,
// completeness and V-measure, and purity). Each rank reads an even share of W; the
// document x label counts are one sum over ranks.
#include "src/commands/evaluate.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/choices.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"
#include "src/commands/label_agreement.hpp"
#include "src/commands/topic_tables.hpp"
#include "src/commands/topics_output.hpp"

namespace dnmf {
namespace {

struct Evaluation {
  std::string path;
  int64_t documents = 0, k = 0, diversity_top = 0;
  std::string error_name;  // the error the file records: final_error (model) or error (transform)
  double error = 0, relative_error = -1;
  double diversity = 0;
  std::vector<std::string> label_names;  // empty: no labels
  LabelAgreement agreement;
};

// Collective.
Evaluation evaluate(MPI_Comm comm, const std::string& path, int64_t diversity_top) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  const auto summary = io::read_model_summary(comm, path);
  auto file = h5::File::open(comm, path);
  Evaluation evaluation;
  evaluation.path = path;
  evaluation.documents = summary.rows;
  evaluation.k = summary.k;
  const int64_t k = summary.k, n = summary.columns;
  for (const char* name : {"final_error", "error"})
    if (file.has_attribute("/", name)) {
      evaluation.error_name = name;
      evaluation.error = file.read_real_attribute("/", name);
    }
  if (file.has_attribute("/", "relative_error"))
    evaluation.relative_error = file.read_real_attribute("/", "relative_error");

  const auto h = file.read_rows<double>("/H", 0, k, n);
  const auto vocabulary = file.read_strings("/vocabulary", 0, n);
  evaluation.diversity_top = std::min(diversity_top, n);
  std::set<std::string> distinct;
  for (int64_t t = 0; t < k; ++t)
    for (auto& word : top_words(h, t, n, evaluation.diversity_top, vocabulary)) distinct.insert(std::move(word));
  evaluation.diversity = static_cast<double>(distinct.size()) / static_cast<double>(k * evaluation.diversity_top);

  if (summary.has_labels) {
    evaluation.label_names = file.read_strings("/label_names", 0, file.string_count("/label_names"));
    const int64_t first_row = even_split_start(summary.rows, rank, ranks);
    const int64_t local_rows = even_split_start(summary.rows, rank + 1, ranks) - first_row;
    const auto w = file.read_rows<double>("/W", first_row, local_rows, k);
    const auto labels =
        io::read_labels(file, first_row, local_rows, static_cast<int64_t>(evaluation.label_names.size()));
    evaluation.agreement =
        label_agreement(label_table(comm, w, k, labels, static_cast<int64_t>(evaluation.label_names.size())));
  }
  return evaluation;
}

void print_text(const Evaluation& e) {
  std::printf("%s: %lld topics, %lld documents\n", e.path.c_str(), static_cast<long long>(e.k),
              static_cast<long long>(e.documents));
  if (!e.error_name.empty()) {
    std::printf("  error             %.9g", e.error);
    if (e.relative_error >= 0) std::printf(" (relative %.6g)", e.relative_error);
    std::printf("\n");
  }
  std::printf("  topic diversity   %.6f (distinct terms among the topics' top %lld)\n", e.diversity,
              static_cast<long long>(e.diversity_top));
  if (e.label_names.empty()) {
    std::printf("  labels            none (no label agreement)\n");
    return;
  }
  const auto& a = e.agreement;
  std::printf("  dominant topic against the %zu labels:\n", e.label_names.size());
  std::printf("    NMI             %.12f\n    adjusted Rand   %.12f\n    homogeneity     %.12f\n", a.nmi,
              a.adjusted_rand, a.homogeneity);
  std::printf("    completeness    %.12f\n    V-measure       %.12f\n    purity          %.12f\n", a.completeness,
              a.v_measure, a.purity);
}

void print_json(const Evaluation& e) {
  std::printf("{\"file\": %s, \"topics\": %lld, \"documents\": %lld", json_string(e.path).c_str(),
              static_cast<long long>(e.k), static_cast<long long>(e.documents));
  if (!e.error_name.empty()) std::printf(", \"error\": %.17g", e.error);
  if (e.relative_error >= 0) std::printf(", \"relative_error\": %.17g", e.relative_error);
  std::printf(", \"diversity\": %.17g, \"diversity_top\": %lld", e.diversity, static_cast<long long>(e.diversity_top));
  if (!e.label_names.empty()) {
    const auto& a = e.agreement;
    std::printf(
        ", \"labels\": {\"count\": %zu, \"nmi\": %.17g, \"adjusted_rand\": %.17g, \"homogeneity\": %.17g, "
        "\"completeness\": %.17g, \"v_measure\": %.17g, \"purity\": %.17g}",
        e.label_names.size(), a.nmi, a.adjusted_rand, a.homogeneity, a.completeness, a.v_measure, a.purity);
  }
  std::printf("}\n");
}

struct EvaluateFormat {
  const char* name;
  const char* help;
  void (*print)(const Evaluation&);
};

const std::vector<EvaluateFormat>& evaluate_formats() {
  static const std::vector<EvaluateFormat> formats{
      {"text", "a line per measure", print_text},
      {"json", "one JSON object (docs/evaluate.md names its fields)", print_json},
  };
  return formats;
}

}  // namespace

int run_evaluate(MPI_Comm comm, int argc, char** argv, int first) {
  CommandLine line(
      "evaluate", "dnmf evaluate MODEL.h5 [--diversity-top N] [--format text|json]",
      "How good a model's topics are: the reconstruction error it records, the topics'\n"
      "diversity, and, when the documents have labels, how well each document's dominant\n"
      "topic agrees with its label (scikit-learn's NMI, adjusted Rand index, homogeneity,\n"
      "completeness, V-measure; and purity). MODEL.h5 may be the output of dnmf transform.",
      {{"diversity-top", "N", "25", "topic diversity: the share of distinct terms among each topic's top N"},
       {"format", "KIND", "text", names_of_choices(evaluate_formats())}});
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  std::string path;
  int64_t diversity_top = 0;
  const EvaluateFormat* format = nullptr;
  run_collectively(
      comm,
      [&] {
        if (line.positionals().size() != 1) throw UserError("dnmf evaluate takes one model file (see --help)");
        path = line.positionals()[0];
        diversity_top = parse_integer_option("diversity-top", line.value("diversity-top"), Bound::positive);
        format = &find_choice(evaluate_formats(), line.value("format"), "format", "format");
      },
      kExitUsage);
  Evaluation evaluation;
  run_collectively(comm, [&] { evaluation = evaluate(comm, path, diversity_top); });
  if (comm_rank(comm) == 0) {
    format->print(evaluation);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace dnmf
