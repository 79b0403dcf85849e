#include "src/text/vocabulary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "src/base/errors.hpp"
#include "src/base/comm.hpp"

namespace dnmf {
namespace {

bool passes_document_frequency(int64_t df, int64_t documents, const VocabularyFilter& filter) {
  const double df_value = static_cast<double>(df);
  return df_value <= filter.max_df.as_count(documents) && df_value >= filter.min_df.as_count(documents);
}

// --max-features order: most frequent first; ties go to the lower column, which is the
// order a stable sort gives. (scikit-learn sorts with numpy's unstable argsort, so its
// choice among terms tied at the cut-off is arbitrary.)
struct FrequencyKey {
  double total_count;
  std::string_view term;
  int64_t column;  // used when terms are not strings (count input)
  bool before(const FrequencyKey& other) const {
    if (total_count != other.total_count) return total_count > other.total_count;
    if (term != other.term) return term < other.term;
    return column < other.column;
  }
};

// The terms' order (byte order), sorting first on their first eight bytes as one big-endian
// number: most comparisons end there, without a call to memcmp.
std::vector<uint32_t> sorted_order(const std::vector<std::string_view>& terms) {
  struct Key {
    uint64_t prefix;
    uint32_t term;
  };
  std::vector<Key> keys(terms.size());
  for (uint32_t i = 0; i < terms.size(); ++i) {
    uint64_t prefix = 0;
    const std::string_view term = terms[i];
    for (size_t b = 0; b < 8; ++b)
      prefix = (prefix << 8) | (b < term.size() ? static_cast<unsigned char>(term[b]) : 0u);
    keys[i] = {prefix, i};
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return terms[a.term] < terms[b.term];
  });
  std::vector<uint32_t> order(terms.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].term;
  return order;
}

void throw_if_nothing_left(int64_t kept) {
  if (kept == 0)
    throw UserError("after --min-df/--max-df/--max-features no terms remain; try a lower --min-df or a higher --max-df");
}

}  // namespace

std::string DocumentFrequencyBound::text() const {
  if (!is_fraction) return std::to_string(static_cast<int64_t>(value));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  std::string formatted = buffer;
  if (formatted.find_first_of(".e") == std::string::npos) formatted += ".0";
  return formatted;
}

DocumentFrequencyBound parse_document_frequency_bound(const std::string& option, const std::string& text) {
  DocumentFrequencyBound bound;
  bound.is_fraction = text.find_first_of(".eE") != std::string::npos;
  size_t used = 0;
  try {
    bound.value = bound.is_fraction ? std::stod(text, &used) : static_cast<double>(std::stoll(text, &used));
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !std::isfinite(bound.value))
    throw UserError(option + ": '" + text + "' is neither a document count nor a fraction");
  if (bound.is_fraction && (bound.value < 0.0 || bound.value > 1.0))
    throw UserError(option + ": a fraction must lie in [0.0, 1.0], got " + text);
  if (!bound.is_fraction && bound.value < 0) throw UserError(option + ": a document count must be >= 0, got " + text);
  return bound;
}

void check_vocabulary_filter(const VocabularyFilter& filter, int64_t documents) {
  if (filter.max_df.as_count(documents) < filter.min_df.as_count(documents))
    throw UserError("--max-df " + filter.max_df.text() + " allows fewer documents than --min-df " +
                    filter.min_df.text() + " (" + std::to_string(documents) + " documents)");
}

GlobalVocabulary merge_text_vocabulary(MPI_Comm comm, const std::vector<std::string_view>& local_terms,
                                       const std::vector<TermStatistics>& local_statistics, int64_t documents,
                                       const VocabularyFilter& filter) {
  const int ranks = comm_size(comm);
  const int rank = comm_rank(comm);

  const std::vector<uint32_t> sorted = sorted_order(local_terms);

  // 1. Splitters from regular samples of every rank's sorted terms.
  ByteWriter samples;
  for (int i = 0; i < ranks && !sorted.empty(); ++i)
    samples.put_string(local_terms[sorted[sorted.size() * static_cast<size_t>(i) / static_cast<size_t>(ranks)]]);
  const auto sample_blocks = gather_bytes_to_all(comm, samples.bytes());
  std::vector<std::string_view> all_samples;
  for (const auto& block : sample_blocks) {
    ByteReader reader(block);
    while (!reader.done()) all_samples.push_back(reader.get_string());
  }
  std::sort(all_samples.begin(), all_samples.end());
  std::vector<std::string_view> splitters;
  for (int owner = 1; owner < ranks && !all_samples.empty(); ++owner)
    splitters.push_back(all_samples[all_samples.size() * static_cast<size_t>(owner) / static_cast<size_t>(ranks)]);
  auto owner_of = [&](std::string_view term) {
    return static_cast<int>(std::upper_bound(splitters.begin(), splitters.end(), term) - splitters.begin());
  };

  // 2. Send every distinct term to its owner; sorted order makes owners ascend.
  std::vector<ByteWriter> outgoing(static_cast<size_t>(ranks));
  for (uint32_t term : sorted) {
    auto& writer = outgoing[static_cast<size_t>(owner_of(local_terms[term]))];
    writer.put_string(local_terms[term]);
    writer.put<int64_t>(local_statistics[term].document_frequency);
    writer.put<double>(local_statistics[term].total_count);
  }
  std::vector<std::string> send_blocks(static_cast<size_t>(ranks));
  for (int r = 0; r < ranks; ++r) send_blocks[r] = std::move(outgoing[r].bytes());
  const auto received = exchange_bytes(comm, send_blocks);

  struct Incoming {
    std::string_view term;
    int64_t document_frequency;
    double total_count;
    int source;
    int64_t index_in_source;
  };
  std::vector<Incoming> incoming;
  std::vector<int64_t> received_from(static_cast<size_t>(ranks), 0);
  for (int source = 0; source < ranks; ++source) {
    ByteReader reader(received[source]);
    while (!reader.done()) {
      Incoming item;
      item.term = reader.get_string();
      item.document_frequency = reader.get<int64_t>();
      item.total_count = reader.get<double>();
      item.source = source;
      item.index_in_source = received_from[source]++;
      incoming.push_back(item);
    }
  }
  // Each sender's block is sorted: merge the blocks pairwise. Merging is stable, so equal
  // terms stay in source order and the sum of their counts has a fixed order.
  std::vector<size_t> block_starts{0};
  for (int source = 0; source < ranks; ++source) block_starts.push_back(block_starts.back() + received_from[source]);
  for (size_t width = 1; width < static_cast<size_t>(ranks); width *= 2)
    for (size_t left = 0; left + width < static_cast<size_t>(ranks); left += 2 * width) {
      const size_t right_end = std::min(left + 2 * width, static_cast<size_t>(ranks));
      std::inplace_merge(incoming.begin() + block_starts[left], incoming.begin() + block_starts[left + width],
                         incoming.begin() + block_starts[right_end],
                         [](const Incoming& a, const Incoming& b) { return a.term < b.term; });
    }

  struct OwnedTerm {
    std::string_view term;
    int64_t document_frequency = 0;
    double total_count = 0;
    bool kept = false;
    int64_t column = -1;
  };
  std::vector<OwnedTerm> owned;
  std::vector<size_t> owned_index_of_incoming(incoming.size());
  for (size_t i = 0; i < incoming.size(); ++i) {
    if (owned.empty() || owned.back().term != incoming[i].term) owned.push_back(OwnedTerm{incoming[i].term});
    owned.back().document_frequency += incoming[i].document_frequency;
    owned.back().total_count += incoming[i].total_count;
    owned_index_of_incoming[i] = owned.size() - 1;
  }

  // 3. Filters.
  if (sum_over_ranks(comm, static_cast<int64_t>(owned.size())) == 0)
    throw UserError("empty vocabulary: the documents hold no tokens (perhaps only stop words)");
  int64_t kept_here = 0;
  for (auto& term : owned) {
    term.kept = passes_document_frequency(term.document_frequency, documents, filter);
    kept_here += term.kept ? 1 : 0;
  }
  if (filter.max_features && sum_over_ranks(comm, kept_here) > *filter.max_features) {
    const auto limit = static_cast<size_t>(*filter.max_features);
    std::vector<FrequencyKey> candidates;
    for (const auto& term : owned)
      if (term.kept) candidates.push_back({term.total_count, term.term, 0});
    std::sort(candidates.begin(), candidates.end(),
              [](const FrequencyKey& a, const FrequencyKey& b) { return a.before(b); });
    if (candidates.size() > limit) candidates.resize(limit);
    ByteWriter best_here;
    for (const auto& candidate : candidates) {
      best_here.put<double>(candidate.total_count);
      best_here.put_string(candidate.term);
    }
    const auto gathered = gather_bytes(comm, best_here.bytes());
    std::string threshold_bytes;
    if (rank == 0) {
      std::vector<FrequencyKey> best;
      for (const auto& block : gathered) {
        ByteReader reader(block);
        while (!reader.done()) {
          const double total_count = reader.get<double>();
          best.push_back({total_count, reader.get_string(), 0});
        }
      }
      std::nth_element(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(limit - 1), best.end(),
                       [](const FrequencyKey& a, const FrequencyKey& b) { return a.before(b); });
      ByteWriter threshold;
      threshold.put<double>(best[limit - 1].total_count);
      threshold.put_string(best[limit - 1].term);
      threshold_bytes = std::move(threshold.bytes());
    }
    broadcast_bytes(comm, threshold_bytes);
    ByteReader reader(threshold_bytes);
    const double threshold_count = reader.get<double>();
    const FrequencyKey threshold{threshold_count, reader.get_string(), 0};
    kept_here = 0;
    for (auto& term : owned) {
      const FrequencyKey key{term.total_count, term.term, 0};
      term.kept = term.kept && !threshold.before(key);
      kept_here += term.kept ? 1 : 0;
    }
  }

  // 4. Columns: owner ranges ascend with rank, terms ascend within an owner.
  GlobalVocabulary vocabulary;
  vocabulary.size = sum_over_ranks(comm, kept_here);
  throw_if_nothing_left(vocabulary.size);
  vocabulary.owned_first_column = sum_over_lower_ranks(comm, kept_here);
  int64_t next_column = vocabulary.owned_first_column;
  for (auto& term : owned) {
    if (!term.kept) continue;
    term.column = next_column++;
    vocabulary.owned_terms.emplace_back(term.term);
    vocabulary.owned_document_frequency.push_back(term.document_frequency);
  }

  // 5. Answers, in the order each sender sent its terms.
  std::vector<std::string> answers(static_cast<size_t>(ranks));
  for (int source = 0; source < ranks; ++source) answers[source].resize(received_from[source] * 2 * sizeof(int64_t));
  for (size_t i = 0; i < incoming.size(); ++i) {
    const auto& term = owned[owned_index_of_incoming[i]];
    const int64_t answer[2] = {term.column, term.document_frequency};
    std::memcpy(answers[incoming[i].source].data() + incoming[i].index_in_source * sizeof answer, answer,
                sizeof answer);
  }
  const auto replies = exchange_bytes(comm, answers);
  vocabulary.column_of_term.assign(local_terms.size(), -1);
  vocabulary.frequency_of_term.assign(local_terms.size(), 0);
  size_t next_sorted = 0;
  for (int owner = 0; owner < ranks; ++owner) {
    ByteReader reader(replies[owner]);
    while (!reader.done()) {
      const uint32_t term = sorted[next_sorted++];
      vocabulary.column_of_term[term] = reader.get<int64_t>();
      vocabulary.frequency_of_term[term] = reader.get<int64_t>();
    }
  }
  return vocabulary;
}

std::vector<int64_t> filter_columns(MPI_Comm comm, std::vector<TermStatistics> statistics, int64_t documents,
                                    const VocabularyFilter& filter, std::vector<int64_t>& kept_frequency) {
  std::vector<int64_t> frequency(statistics.size());
  for (size_t i = 0; i < statistics.size(); ++i) frequency[i] = statistics[i].document_frequency;
  sum_over_ranks_in_place(comm, frequency);
  // Integer counts add up exactly in doubles whatever the number of ranks; real-valued
  // input could round differently, which can only matter for --max-features ties.
  std::vector<double> total_count(statistics.size());
  for (size_t i = 0; i < statistics.size(); ++i) total_count[i] = statistics[i].total_count;
  sum_over_ranks_in_place(comm, total_count);

  std::vector<bool> kept(statistics.size());
  std::vector<FrequencyKey> candidates;
  for (size_t column = 0; column < statistics.size(); ++column) {
    kept[column] = passes_document_frequency(frequency[column], documents, filter);
    if (kept[column]) candidates.push_back({total_count[column], {}, static_cast<int64_t>(column)});
  }
  if (filter.max_features && static_cast<int64_t>(candidates.size()) > *filter.max_features) {
    std::sort(candidates.begin(), candidates.end(),
              [](const FrequencyKey& a, const FrequencyKey& b) { return a.before(b); });
    std::fill(kept.begin(), kept.end(), false);
    for (int64_t i = 0; i < *filter.max_features; ++i) kept[static_cast<size_t>(candidates[i].column)] = true;
  }
  std::vector<int64_t> new_column(statistics.size(), -1);
  kept_frequency.clear();
  for (size_t column = 0; column < statistics.size(); ++column) {
    if (!kept[column]) continue;
    new_column[column] = static_cast<int64_t>(kept_frequency.size());
    kept_frequency.push_back(frequency[column]);
  }
  throw_if_nothing_left(static_cast<int64_t>(kept_frequency.size()));
  return new_column;
}

}  // namespace dnmf
