// dnmf topics: what a model's topics are. For each topic (row of H) its --top heaviest
// terms in order, as the seed notebook's show_topics prints them, and its share of the
// total weight, sum_i W[i,t] * sum_j H[t,j] over the sum for all topics. When the
// documents had labels, a topic x label table counts the documents whose heaviest topic
// (argmax of their row of W; none for an all-zero row) is each topic. How they are
// printed is topics_output.cpp's.
#include "src/commands/topics.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/tfidf_file.hpp"
#include "src/base/choices.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"
#include "src/commands/topic_tables.hpp"
#include "src/commands/topics_output.hpp"

namespace dnmf {
namespace {

struct TopicsSettings {
  std::string path;
  int64_t top = 8;
  int64_t documents = 0;  // --documents
  const TopicsFormat* format = nullptr;
};

TopicsSettings settings_from(const CommandLine& line) {
  TopicsSettings settings;
  if (line.positionals().size() != 1) throw UserError("dnmf topics takes one model file (see --help)");
  settings.path = line.positionals()[0];
  settings.top = parse_integer_option("top", line.value("top"));
  if (settings.top <= 0) throw UserError("--top must be positive");
  settings.documents = parse_integer_option("documents", line.value("documents"), Bound::nonnegative);
  settings.format = &find_choice(topics_formats(), line.value("format"), "format", "format");
  return settings;
}

// The `count` documents of heaviest weight in each topic (ties to the lower row; none of
// weight 0), from each rank's rows of W: each rank offers its own best, rank 0 picks.
std::vector<std::vector<TopicDocument>> heaviest_documents(MPI_Comm comm, const h5::File& file,
                                                           const std::vector<double>& w, int64_t k, int64_t first_row,
                                                           int64_t rows, int64_t total_rows, int64_t count) {
  std::vector<std::string> ids;
  if (file.exists("/documents/offsets")) {
    ids = file.read_strings("/documents", first_row, rows);
  } else {  // a hand-made file: rows by number
    for (int64_t i = 0; i < rows; ++i) ids.push_back("row " + std::to_string(first_row + i));
  }
  std::vector<std::string> snippets;
  if (file.exists("/snippets/offsets")) {
    file.require_entries("/snippets", total_rows, "rows of /W");
    snippets = file.read_strings("/snippets", first_row, rows);
  }
  using Offer = std::pair<std::pair<double, int64_t>, std::pair<std::string, std::string>>;  // (weight, row), texts
  auto before = [](const Offer& a, const Offer& b) {
    return a.first.first != b.first.first ? a.first.first > b.first.first : a.first.second < b.first.second;
  };
  std::vector<std::vector<TopicDocument>> documents(static_cast<size_t>(k));
  for (int64_t t = 0; t < k; ++t) {
    std::vector<Offer> offers;
    for (int64_t i = 0; i < rows; ++i)
      if (w[i * k + t] > 0) offers.push_back({{w[i * k + t], first_row + i}, {}});
    const auto kept = std::min<size_t>(offers.size(), static_cast<size_t>(count));
    std::partial_sort(offers.begin(), offers.begin() + static_cast<std::ptrdiff_t>(kept), offers.end(), before);
    offers.resize(kept);
    for (auto& offer : offers) {
      const auto local = static_cast<size_t>(offer.first.second - first_row);
      offer.second = {ids[local], snippets.empty() ? std::string() : snippets[local]};
    }
    std::vector<Offer> all;
    for (auto& block : gather_items(comm, offers)) all.insert(all.end(), block.begin(), block.end());
    std::sort(all.begin(), all.end(), before);
    for (size_t i = 0; i < all.size() && i < static_cast<size_t>(count); ++i)
      documents[t].push_back({all[i].first.first, all[i].second.first, all[i].second.second});
  }
  return documents;
}

// Collective: the topics of the model at `path`, each rank reading an even share of W.
Topics compute_topics(MPI_Comm comm, const std::string& path, int64_t top, int64_t documents) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  const auto summary = io::read_model_summary(comm, path);
  auto file = h5::File::open(comm, path);
  const int64_t k = summary.k, n = summary.columns;
  const auto h = file.read_rows<double>("/H", 0, k, n);
  const auto vocabulary = file.read_strings("/vocabulary", 0, n);
  const int64_t first_row = even_split_start(summary.rows, rank, ranks);
  const int64_t local_rows = even_split_start(summary.rows, rank + 1, ranks) - first_row;
  const auto w = file.read_rows<double>("/W", first_row, local_rows, k);

  Topics topics;
  for (const auto& [name, before_it_existed] : std::vector<std::pair<std::string, std::string>>{
           {"solver", ""}, {"loss", "frobenius"}, {"alpha_w", "0"}, {"alpha_h", "0"}, {"l1_ratio", "0"}}) {
    const auto recorded = summary.attributes.find(name);
    topics.objective.emplace_back(name, recorded != summary.attributes.end() ? recorded->second : before_it_existed);
  }
  std::vector<double> column_sums(static_cast<size_t>(k), 0.0);
  for (int64_t i = 0; i < local_rows; ++i)
    for (int64_t t = 0; t < k; ++t) column_sums[t] += w[i * k + t];
  sum_over_ranks_in_place(comm, column_sums);
  double total = 0;
  for (int64_t t = 0; t < k; ++t) {
    const double weight = column_sums[t] * std::accumulate(h.begin() + t * n, h.begin() + (t + 1) * n, 0.0);
    topics.share.push_back(weight);
    total += weight;
    topics.words.push_back(top_words(h, t, n, top, vocabulary));
  }
  for (double& share : topics.share) share = total > 0 ? share / total : 0.0;
  if (summary.has_labels) {
    topics.label_names = file.read_strings("/label_names", 0, file.string_count("/label_names"));
    const auto labels = io::read_labels(file, first_row, local_rows, static_cast<int64_t>(topics.label_names.size()));
    topics.counts = label_table(comm, w, k, labels, static_cast<int64_t>(topics.label_names.size()));
  }
  if (documents > 0)
    topics.documents = heaviest_documents(comm, file, w, k, first_row, local_rows, summary.rows, documents);
  return topics;
}

}  // namespace

int run_topics(MPI_Comm comm, int argc, char** argv, int first) {
  // 1. Options.
  CommandLine line(
      "topics", "dnmf topics MODEL.h5 [--top N] [--documents N] [--format " + names_of_choices(topics_formats()) + "]",
      "Prints each topic of a model made by dnmf factorize: its top words, its share of the\n"
      "total weight, and (when the documents had labels) how many documents of each label\n"
      "have it as their heaviest topic. MODEL.h5 may also be the output of dnmf transform:\n"
      "the same for the new documents.",
      {{"top", "N", "8", "words per topic"},
       {"documents", "N", "0", "also the N documents of heaviest weight in each topic: id and first words"},
       {"format", "KIND", "text", names_of_choices(topics_formats())}});
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  TopicsSettings settings;
  run_collectively(
      comm, [&] { settings = settings_from(line); }, kExitUsage);
  // 2. The topics, from every rank's share of the model.
  Topics topics;
  run_collectively(comm, [&] { topics = compute_topics(comm, settings.path, settings.top, settings.documents); });
  // 3. Printed by rank 0 in the chosen format.
  if (comm_rank(comm) == 0) {
    settings.format->print(topics);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace dnmf
