// dnmf topics: what a model's topics are. For each topic (row of H) its --top heaviest
// terms in order, as the seed notebook's show_topics prints them, and its share of the
// total weight, sum_i W[i,t] * sum_j H[t,j] over the sum for all topics. When the
// documents had labels, a topic x label table counts the documents whose heaviest topic
// (argmax of their row of W; none for an all-zero row) is each topic.
#include "src/commands/topics.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf {
namespace {

std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      quoted += escaped;
    } else {
      quoted += static_cast<char>(c);
    }
  }
  return quoted + "\"";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

struct Topics {
  std::vector<std::vector<std::string>> words;  // per topic
  std::vector<double> share;
  std::vector<std::string> label_names;
  std::vector<std::vector<int64_t>> counts;  // topic (k, then "none") x label
};

}  // namespace

int run_topics(MPI_Comm comm, int argc, char** argv, int first) {
  CommandLine line("topics", "dnmf topics MODEL.h5 [--top N] [--format text|json|csv]",
                   "Prints each topic of a model made by dnmf factorize: its top words, its share of the\n"
                   "total weight, and (when the documents had labels) how many documents of each label\n"
                   "have it as their heaviest topic.",
                   {{"top", "N", "8", "words per topic"}, {"format", "KIND", "text", "text, json or csv"}});
  std::string path, format;
  int64_t top = 8;
  run_collectively(comm, [&] {
    line.parse(argc, argv, first);
    if (line.help_requested()) return;
    if (line.positionals().size() != 1) throw UserError("dnmf topics takes one model file (see --help)");
    path = line.positionals()[0];
    top = parse_integer_option("top", line.value("top"));
    if (top <= 0) throw UserError("--top must be positive");
    format = line.value("format");
    if (format != "text" && format != "json" && format != "csv")
      throw UserError("--format: unknown format '" + format + "' (use text, json or csv)");
  });
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  if (line.help_requested()) {
    if (rank == 0) std::fputs(line.help_text().c_str(), stdout);
    return 0;
  }

  Topics topics;
  run_collectively(comm, [&] {
    const auto summary = io::read_model_summary(comm, path);
    auto file = h5::File::open(comm, path);
    const int64_t k = summary.k, n = summary.columns;
    const auto h = file.read_rows<double>("/H", 0, k, n);
    const auto vocabulary = file.read_strings("/vocabulary", 0, n);
    const int64_t first_row = even_split_start(summary.rows, rank, ranks);
    const int64_t local_rows = even_split_start(summary.rows, rank + 1, ranks) - first_row;
    const auto w = file.read_rows<double>("/W", first_row, local_rows, k);

    std::vector<double> column_sums(static_cast<size_t>(k), 0.0);
    for (int64_t i = 0; i < local_rows; ++i)
      for (int64_t t = 0; t < k; ++t) column_sums[t] += w[i * k + t];
    sum_over_ranks_in_place(comm, column_sums);
    double total = 0;
    for (int64_t t = 0; t < k; ++t) {
      const double weight = column_sums[t] * std::accumulate(h.begin() + t * n, h.begin() + (t + 1) * n, 0.0);
      topics.share.push_back(weight);
      total += weight;
      std::vector<int64_t> order(static_cast<size_t>(n));
      std::iota(order.begin(), order.end(), 0);
      const auto count = static_cast<std::ptrdiff_t>(std::min(top, n));
      std::partial_sort(order.begin(), order.begin() + count, order.end(), [&](int64_t a, int64_t b) {
        const double x = h[t * n + a], y = h[t * n + b];
        return x != y ? x > y : a < b;
      });
      std::vector<std::string> words;
      for (std::ptrdiff_t i = 0; i < count; ++i) words.push_back(vocabulary[order[i]]);
      topics.words.push_back(words);
    }
    for (double& share : topics.share) share = total > 0 ? share / total : 0.0;

    if (summary.has_labels) {
      topics.label_names = file.read_strings("/label_names", 0, file.string_count("/label_names"));
      const auto labels = file.read_slice<int32_t>("/labels", first_row, local_rows);
      const auto label_count = static_cast<int64_t>(topics.label_names.size());
      std::vector<int64_t> counts(static_cast<size_t>((k + 1) * label_count), 0);
      for (int64_t i = 0; i < local_rows; ++i) {
        int64_t best = k;  // "none" for an all-zero row
        double best_weight = 0;
        for (int64_t t = 0; t < k; ++t)
          if (w[i * k + t] > best_weight) {
            best_weight = w[i * k + t];
            best = t;
          }
        if (labels[i] >= 0 && labels[i] < label_count) ++counts[best * label_count + labels[i]];
      }
      sum_over_ranks_in_place(comm, counts);
      for (int64_t t = 0; t <= k; ++t)
        topics.counts.emplace_back(counts.begin() + t * label_count, counts.begin() + (t + 1) * label_count);
    }
  });
  if (rank != 0) return 0;

  const size_t k = topics.words.size();
  auto joined = [](const std::vector<std::string>& words, const char* separator) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
    return text;
  };
  if (format == "text") {
    for (size_t t = 0; t < k; ++t)
      std::printf("topic %zu (%4.1f%%): %s\n", t + 1, 100.0 * topics.share[t], joined(topics.words[t], " ").c_str());
    if (!topics.label_names.empty()) {
      std::printf("\ndocuments by heaviest topic and label:\n%-10s", "");
      for (const auto& name : topics.label_names) std::printf(" %*s", std::max<int>(8, static_cast<int>(name.size())), name.c_str());
      std::printf("\n");
      for (size_t t = 0; t <= k; ++t) {
        std::printf("%-10s", t < k ? ("topic " + std::to_string(t + 1)).c_str() : "none");
        for (size_t l = 0; l < topics.label_names.size(); ++l)
          std::printf(" %*lld", std::max<int>(8, static_cast<int>(topics.label_names[l].size())),
                      static_cast<long long>(topics.counts[t][l]));
        std::printf("\n");
      }
    }
  } else if (format == "json") {
    std::printf("{\"topics\": [");
    for (size_t t = 0; t < k; ++t) {
      std::printf("%s\n  {\"topic\": %zu, \"share\": %.6f, \"words\": [", t ? "," : "", t + 1, topics.share[t]);
      for (size_t i = 0; i < topics.words[t].size(); ++i)
        std::printf("%s%s", i ? ", " : "", json_string(topics.words[t][i]).c_str());
      std::printf("]");
      if (!topics.label_names.empty()) {
        std::printf(", \"documents_by_label\": {");
        for (size_t l = 0; l < topics.label_names.size(); ++l)
          std::printf("%s%s: %lld", l ? ", " : "", json_string(topics.label_names[l]).c_str(),
                      static_cast<long long>(topics.counts[t][l]));
        std::printf("}");
      }
      std::printf("}");
    }
    std::printf("\n]}\n");
  } else {
    std::printf("topic,share");
    for (int64_t i = 1; i <= static_cast<int64_t>(topics.words.empty() ? 0 : topics.words[0].size()); ++i)
      std::printf(",word%lld", static_cast<long long>(i));
    for (const auto& name : topics.label_names) std::printf(",%s", csv_field(name).c_str());
    std::printf("\n");
    for (size_t t = 0; t < k; ++t) {
      std::printf("%zu,%.6f", t + 1, topics.share[t]);
      for (const auto& word : topics.words[t]) std::printf(",%s", csv_field(word).c_str());
      for (size_t l = 0; l < topics.label_names.size(); ++l)
        std::printf(",%lld", static_cast<long long>(topics.counts[t][l]));
      std::printf("\n");
    }
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace dnmf
