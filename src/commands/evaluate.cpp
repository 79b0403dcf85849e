// dnmf evaluate: how good a model's topics are, in numbers. For a model (or the output
// of dnmf transform): the reconstruction error it records, the topics' diversity (the
// share of distinct terms among all topics' --diversity-top heaviest terms), and, when its
// documents have labels, how well each document's dominant topic agrees with its label
// (label_agreement.hpp: scikit-learn's NMI, adjusted Rand index, homogeneity,
// completeness and V-measure, and purity); and the coherence of each topic's top words in
// the texts of the corpus the model was made from (src/text/coherence.hpp: gensim's
// u_mass, c_uci, c_npmi and c_v). Each rank reads an even share of W and of the corpus;
// the document x label counts are one sum over ranks, the coherence counts another.
#include "src/commands/evaluate.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <set>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/output_path.hpp"
#include "io/text_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/choices.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"
#include "src/commands/corpus_coherence.hpp"
#include "src/commands/label_agreement.hpp"
#include "src/commands/topic_tables.hpp"
#include "src/commands/topics_output.hpp"
#include "src/text/coherence.hpp"

namespace dnmf {
namespace {

// Coherence of the topics' --top words; `not_computed` says why when it is not.
struct Coherence {
  int64_t top = 0;
  std::string not_computed;
  std::vector<std::string> corpus;
  std::vector<std::vector<std::string>> top_words;
  int64_t documents = 0, windows_10 = 0, windows_110 = 0;
  text::TopicCoherence per_topic;
};

struct CoherenceRequest {
  bool wanted = true;
  int64_t top = 10;
  bool top_given = false;           // else at most the number of terms
  std::vector<std::string> corpus;  // empty: the one the model records
};

struct Evaluation {
  std::string path;
  int64_t documents = 0, k = 0, diversity_top = 0;
  std::string error_name;  // the error the file records: final_error (model) or error (transform)
  double error = 0, relative_error = -1;
  double diversity = 0;
  std::vector<std::string> label_names;  // empty: no labels
  LabelAgreement agreement;
  Coherence coherence;
};

// Collective: the coherence of the model's topics in the corpus it was made from.
void count_coherence(MPI_Comm comm, const std::string& path, const io::ModelSummary& summary,
                     const CoherenceRequest& request, const std::vector<double>& h,
                     const std::vector<std::string>& vocabulary, Coherence& coherence) {
  const int64_t k = summary.k, n = summary.columns;
  coherence.top = request.top_given ? request.top : std::min(request.top, n);
  if (request.top > n && request.top_given)
    throw UserError("--top " + std::to_string(request.top) + ": " + path + " has only " + std::to_string(n) + " terms");
  const auto corpus = locate_corpus(comm, path, request.corpus);
  coherence.corpus = corpus.inputs;
  coherence.not_computed = corpus.not_readable;
  if (!coherence.not_computed.empty()) return;
  for (int64_t t = 0; t < k; ++t) coherence.top_words.push_back(top_words(h, t, n, coherence.top, vocabulary));
  const auto counted = coherence_in_corpus(comm, path, corpus, summary.rows, coherence.top_words);
  coherence.documents = counted.documents;
  coherence.windows_10 = counted.windows_10;
  coherence.windows_110 = counted.windows_110;
  coherence.per_topic = counted.per_topic;
}

Evaluation evaluate(MPI_Comm comm, const std::string& path, int64_t diversity_top, const CoherenceRequest& request) {
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
  if (request.wanted) count_coherence(comm, path, summary, request, h, vocabulary, evaluation.coherence);
  return evaluation;
}

void print_coherence_text(const Coherence& c, std::FILE* out) {
  if (c.top == 0) return;
  if (!c.not_computed.empty()) {
    std::fprintf(out, "  coherence         not computed: %s\n", c.not_computed.c_str());
    return;
  }
  std::fprintf(out, "  coherence of each topic's top %lld words in %s\n", static_cast<long long>(c.top),
               join_list(c.corpus, " ").c_str());
  std::fprintf(out, "  (%lld documents; %lld windows of %d, %lld of %d tokens):\n", static_cast<long long>(c.documents),
               static_cast<long long>(c.windows_10), text::kUciWindow, static_cast<long long>(c.windows_110),
               text::kCvWindow);
  std::fprintf(out, "    topic     u_mass      c_uci     c_npmi        c_v  top words\n");
  const auto& p = c.per_topic;
  for (size_t t = 0; t < p.u_mass.size(); ++t) {
    std::string words;
    for (size_t i = 0; i < c.top_words[t].size() && i < 6; ++i) words += (i ? " " : "") + c.top_words[t][i];
    std::fprintf(out, "    %5zu %10.6f %10.6f %10.6f %10.6f  %s\n", t, p.u_mass[t], p.c_uci[t], p.c_npmi[t], p.c_v[t],
                 words.c_str());
  }
  std::fprintf(out, "    mean  %10.6f %10.6f %10.6f %10.6f\n", text::arithmetic_mean(p.u_mass),
               text::arithmetic_mean(p.c_uci), text::arithmetic_mean(p.c_npmi), text::arithmetic_mean(p.c_v));
}

void print_text(const Evaluation& e, std::FILE* out) {
  std::fprintf(out, "%s: %lld topics, %lld documents\n", e.path.c_str(), static_cast<long long>(e.k),
               static_cast<long long>(e.documents));
  if (!e.error_name.empty()) {
    std::fprintf(out, "  error             %.9g", e.error);
    if (e.relative_error >= 0) std::fprintf(out, " (relative %.6g)", e.relative_error);
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "  topic diversity   %.6f (distinct terms among the topics' top %lld)\n", e.diversity,
               static_cast<long long>(e.diversity_top));
  if (e.label_names.empty()) {
    std::fprintf(out, "  labels            none (no label agreement)\n");
  } else {
    const auto& a = e.agreement;
    std::fprintf(out, "  dominant topic against the %zu labels:\n", e.label_names.size());
    std::fprintf(out, "    NMI             %.12f\n    adjusted Rand   %.12f\n    homogeneity     %.12f\n", a.nmi,
                 a.adjusted_rand, a.homogeneity);
    std::fprintf(out, "    completeness    %.12f\n    V-measure       %.12f\n    purity          %.12f\n",
                 a.completeness, a.v_measure, a.purity);
  }
  print_coherence_text(e.coherence, out);
}

std::string json_numbers(const std::vector<double>& values) {
  std::string list = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    list += (i ? ", " : "") + exact_text(values[i]);
  }
  return list + "]";
}

std::string json_strings(const std::vector<std::string>& values) {
  std::string list = "[";
  for (size_t i = 0; i < values.size(); ++i) list += (i ? ", " : "") + json_string(values[i]);
  return list + "]";
}

void print_coherence_json(const Coherence& c, std::FILE* out) {
  if (c.top == 0) return;
  if (!c.not_computed.empty()) {
    std::fprintf(out, ", \"coherence\": {\"not_computed\": %s}", json_string(c.not_computed).c_str());
    return;
  }
  const auto& p = c.per_topic;
  std::fprintf(out,
               ", \"coherence\": {\"top\": %lld, \"corpus\": %s, \"documents\": %lld, \"windows_10\": %lld, "
               "\"windows_110\": %lld",
               static_cast<long long>(c.top), json_strings(c.corpus).c_str(), static_cast<long long>(c.documents),
               static_cast<long long>(c.windows_10), static_cast<long long>(c.windows_110));
  std::fprintf(out, ", \"mean\": {\"u_mass\": %.17g, \"c_uci\": %.17g, \"c_npmi\": %.17g, \"c_v\": %.17g}",
               text::arithmetic_mean(p.u_mass), text::arithmetic_mean(p.c_uci), text::arithmetic_mean(p.c_npmi),
               text::arithmetic_mean(p.c_v));
  std::fprintf(out, ", \"u_mass\": %s, \"c_uci\": %s, \"c_npmi\": %s, \"c_v\": %s", json_numbers(p.u_mass).c_str(),
               json_numbers(p.c_uci).c_str(), json_numbers(p.c_npmi).c_str(), json_numbers(p.c_v).c_str());
  std::fprintf(out, ", \"top_words\": [");
  for (size_t t = 0; t < c.top_words.size(); ++t)
    std::fprintf(out, "%s%s", t ? ", " : "", json_strings(c.top_words[t]).c_str());
  std::fprintf(out, "]}");
}

void print_json(const Evaluation& e, std::FILE* out) {
  std::fprintf(out, "{\"file\": %s, \"topics\": %lld, \"documents\": %lld", json_string(e.path).c_str(),
               static_cast<long long>(e.k), static_cast<long long>(e.documents));
  if (!e.error_name.empty()) std::fprintf(out, ", \"error\": %.17g", e.error);
  if (e.relative_error >= 0) std::fprintf(out, ", \"relative_error\": %.17g", e.relative_error);
  std::fprintf(out, ", \"diversity\": %.17g, \"diversity_top\": %lld", e.diversity,
               static_cast<long long>(e.diversity_top));
  if (!e.label_names.empty()) {
    const auto& a = e.agreement;
    std::fprintf(out,
                 ", \"labels\": {\"count\": %zu, \"nmi\": %.17g, \"adjusted_rand\": %.17g, \"homogeneity\": %.17g, "
                 "\"completeness\": %.17g, \"v_measure\": %.17g, \"purity\": %.17g}",
                 e.label_names.size(), a.nmi, a.adjusted_rand, a.homogeneity, a.completeness, a.v_measure, a.purity);
  }
  print_coherence_json(e.coherence, out);
  std::fprintf(out, "}\n");
}

struct EvaluateFormat {
  const char* name;
  const char* help;
  void (*print)(const Evaluation&, std::FILE*);
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
      "evaluate", "dnmf evaluate MODEL.h5 [CORPUS...] [--top N] [--format text|json] [-o OUT.json]",
      "How good a model's topics are: the reconstruction error it records, the topics'\n"
      "diversity, and, when the documents have labels, how well each document's dominant\n"
      "topic agrees with its label (scikit-learn's NMI, adjusted Rand index, homogeneity,\n"
      "completeness, V-measure; and purity). And the coherence of each topic's top words\n"
      "(gensim's u_mass, c_uci, c_npmi and c_v) in the corpus the model was made from, read\n"
      "again with the options it records: from where it records, or from CORPUS. MODEL.h5 may\n"
      "be the output of dnmf transform (no coherence: its corpus is not the model's).",
      {{"top", "N", "10", "coherence: of each topic's top N words"},
       {"no-coherence", "", "", "do not read the corpus again: no coherence"},
       {"diversity-top", "N", "25", "topic diversity: the share of distinct terms among each topic's top N"},
       {"format", "KIND", "text", names_of_choices(evaluate_formats())},
       {"output", "FILE.json", "", "also write the measures to FILE.json, as --format json prints them", 'o'}});
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  std::string path, output;
  int64_t diversity_top = 0;
  CoherenceRequest coherence;
  const EvaluateFormat* format = nullptr;
  run_collectively(
      comm,
      [&] {
        if (line.positionals().empty()) throw UserError("dnmf evaluate takes a model file (see --help)");
        path = line.positionals()[0];
        coherence.corpus.assign(line.positionals().begin() + 1, line.positionals().end());
        coherence.wanted = !line.flag("no-coherence");
        if (!coherence.wanted && !coherence.corpus.empty())
          throw UserError("--no-coherence: then there is no corpus to give after the model");
        coherence.top = parse_integer_option("top", line.value("top"), Bound::positive);
        coherence.top_given = line.given("top");
        diversity_top = parse_integer_option("diversity-top", line.value("diversity-top"), Bound::positive);
        format = &find_choice(evaluate_formats(), line.value("format"), "format", "format");
        output = line.value("output");
        if (!output.empty() && comm_rank(comm) == 0) {
          auto inputs = coherence.corpus;
          inputs.push_back(path);
          io::refuse_output_over_inputs(output, "-o", inputs);
          h5::check_output_writable(output);
        }
      },
      kExitUsage);
  Evaluation evaluation;
  run_collectively(comm, [&] { evaluation = evaluate(comm, path, diversity_top, coherence); });
  run_collectively(comm, [&] {
    if (comm_rank(comm) != 0 || output.empty()) return;
    char* text = nullptr;
    size_t size = 0;
    std::FILE* buffer = open_memstream(&text, &size);
    if (buffer == nullptr) throw std::bad_alloc();
    print_json(evaluation, buffer);
    std::fclose(buffer);
    const std::string json(text, size);
    std::free(text);
    io::write_text_file_atomically(output, json);
  });
  if (comm_rank(comm) == 0) {
    format->print(evaluation, stdout);
    if (!output.empty()) std::printf("wrote %s\n", output.c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace dnmf
