#include "src/text/vocabulary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/hash.hpp"

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
    throw UserError(
        "after --min-df/--max-df/--max-features no terms remain; try a lower --min-df or a higher --max-df");
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

void check_vocabulary_filter(const VocabularyFilter& filter, int64_t documents, const std::string& inputs) {
  // Each message blames what is wrong: no documents at all, a --min-df beyond their
  // number, and only then the two bounds against each other.
  if (documents == 0) throw UserError(inputs + ": no documents in the input");
  if (filter.min_df.as_count(documents) > documents)
    throw UserError("--min-df " + filter.min_df.text() + " asks for terms in at least " +
                    std::to_string(static_cast<int64_t>(filter.min_df.as_count(documents))) +
                    " documents, but there are only " + std::to_string(documents));
  if (filter.max_df.as_count(documents) < filter.min_df.as_count(documents))
    throw UserError("--max-df " + filter.max_df.text() + " allows fewer documents than --min-df " +
                    filter.min_df.text() + " (" + std::to_string(documents) + " documents)");
}

namespace {

// A term on its way to its owner rank, with this rank's counts of it.
struct TermRecord {
  std::string term;
  int64_t document_frequency = 0;
  double total_count = 0;
  void pack(ByteWriter& writer) const {
    writer.put_string(term);
    writer.put<int64_t>(document_frequency);
    writer.put<double>(total_count);
  }
  static TermRecord unpack(ByteReader& reader) {
    TermRecord record;
    record.term = std::string(reader.get_string());
    record.document_frequency = reader.get<int64_t>();
    record.total_count = reader.get<double>();
    return record;
  }
};

// A term as its owner holds it: the sums over every rank that had it.
struct OwnedTerm {
  std::string_view term;
  int64_t document_frequency = 0;
  double total_count = 0;
  bool kept = false;
  int64_t column = -1;
};

// Step 1: ranks - 1 splitters from `ranks` evenly spaced samples of every rank's sorted
// terms (the same on every rank); term t belongs to the rank owning its key range.
std::vector<std::string> sample_splitters(MPI_Comm comm, const std::vector<std::string_view>& terms,
                                          const std::vector<uint32_t>& sorted) {
  const int ranks = comm_size(comm);
  std::vector<std::string> samples;
  for (int i = 0; i < ranks && !sorted.empty(); ++i)
    samples.emplace_back(terms[sorted[sorted.size() * static_cast<size_t>(i) / static_cast<size_t>(ranks)]]);
  std::vector<std::string> all_samples;
  for (auto& block : gather_items_to_all(comm, samples))
    all_samples.insert(all_samples.end(), block.begin(), block.end());
  std::sort(all_samples.begin(), all_samples.end());
  std::vector<std::string> splitters;
  for (int owner = 1; owner < ranks && !all_samples.empty(); ++owner)
    splitters.push_back(all_samples[all_samples.size() * static_cast<size_t>(owner) / static_cast<size_t>(ranks)]);
  return splitters;
}

// Step 2's arrivals, merged in term order. Each sender's records are sorted; merging the
// blocks pairwise is stable, so equal terms stay in source order and the sum of their
// counts has a fixed order. Each arrival remembers where it came from, for the answers.
struct Arrival {
  const TermRecord* record;
  int source;
  int64_t index_in_source;
};

std::vector<Arrival> merge_arrivals(const std::vector<std::vector<TermRecord>>& received) {
  const size_t ranks = received.size();
  std::vector<Arrival> arrivals;
  std::vector<size_t> block_starts{0};
  for (size_t source = 0; source < ranks; ++source) {
    for (size_t i = 0; i < received[source].size(); ++i)
      arrivals.push_back({&received[source][i], static_cast<int>(source), static_cast<int64_t>(i)});
    block_starts.push_back(arrivals.size());
  }
  for (size_t width = 1; width < ranks; width *= 2)
    for (size_t left = 0; left + width < ranks; left += 2 * width) {
      const size_t right_end = std::min(left + 2 * width, ranks);
      std::inplace_merge(arrivals.begin() + block_starts[left], arrivals.begin() + block_starts[left + width],
                         arrivals.begin() + block_starts[right_end],
                         [](const Arrival& a, const Arrival& b) { return a.record->term < b.record->term; });
    }
  return arrivals;
}

// The owned terms, each the sum of its arrivals; owned_index[i] is arrival i's term.
std::vector<OwnedTerm> sum_arrivals(const std::vector<Arrival>& arrivals, std::vector<size_t>& owned_index) {
  std::vector<OwnedTerm> owned;
  owned_index.resize(arrivals.size());
  for (size_t i = 0; i < arrivals.size(); ++i) {
    const TermRecord& record = *arrivals[i].record;
    if (owned.empty() || owned.back().term != record.term) owned.push_back(OwnedTerm{record.term});
    owned.back().document_frequency += record.document_frequency;
    owned.back().total_count += record.total_count;
    owned_index[i] = owned.size() - 1;
  }
  return owned;
}

// Step 3 for --max-features: keeps the most frequent kept terms over all owners. Rank 0
// sees at most ranks x max_features candidates and decides the threshold (the last term
// kept), which every owner applies to its own terms. Returns the count kept here.
int64_t keep_most_frequent(MPI_Comm comm, std::vector<OwnedTerm>& owned, int64_t max_features) {
  const auto limit = static_cast<size_t>(max_features);
  auto before = [](const FrequencyKey& a, const FrequencyKey& b) { return a.before(b); };
  std::vector<FrequencyKey> candidates;
  for (const auto& term : owned)
    if (term.kept) candidates.push_back({term.total_count, term.term, 0});
  std::sort(candidates.begin(), candidates.end(), before);
  if (candidates.size() > limit) candidates.resize(limit);
  std::vector<std::pair<double, std::string>> best_here;
  best_here.reserve(candidates.size());
  for (const auto& candidate : candidates) best_here.emplace_back(candidate.total_count, candidate.term);
  const auto gathered = gather_items(comm, best_here);
  std::pair<double, std::string> threshold;
  if (comm_rank(comm) == 0) {
    std::vector<FrequencyKey> best;
    for (const auto& block : gathered)
      for (const auto& [count, term] : block) best.push_back({count, term, 0});
    std::nth_element(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(limit - 1), best.end(), before);
    threshold = {best[limit - 1].total_count, std::string(best[limit - 1].term)};
  }
  threshold = broadcast_item(comm, threshold);
  const FrequencyKey last_kept{threshold.first, threshold.second, 0};
  int64_t kept_here = 0;
  for (auto& term : owned) {
    term.kept = term.kept && !last_kept.before({term.total_count, term.term, 0});
    kept_here += term.kept ? 1 : 0;
  }
  return kept_here;
}

// Steps 2-3: the owned terms with their global counts, filtered.
std::vector<OwnedTerm> filter_owned_terms(MPI_Comm comm, std::vector<OwnedTerm> owned, int64_t documents,
                                          const VocabularyFilter& filter, int64_t& kept_here) {
  if (sum_over_ranks(comm, static_cast<int64_t>(owned.size())) == 0)
    throw UserError("empty vocabulary: the documents hold no tokens (perhaps only stop words)");
  kept_here = 0;
  for (auto& term : owned) {
    term.kept = passes_document_frequency(term.document_frequency, documents, filter);
    kept_here += term.kept ? 1 : 0;
  }
  if (filter.max_features && sum_over_ranks(comm, kept_here) > *filter.max_features)
    kept_here = keep_most_frequent(comm, owned, *filter.max_features);
  return owned;
}

// Step 4: owner ranges ascend with rank and terms ascend within an owner, so a term's
// column is its index among its owner's kept terms plus the kept counts of lower owners.
void number_columns(MPI_Comm comm, std::vector<OwnedTerm>& owned, int64_t kept_here, GlobalVocabulary& vocabulary) {
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
}

// Step 5: every sender learns (column or -1, df) of its terms, in the order it sent them.
void answer_senders(MPI_Comm comm, const std::vector<Arrival>& arrivals, const std::vector<OwnedTerm>& owned,
                    const std::vector<size_t>& owned_index, const std::vector<uint32_t>& sorted,
                    GlobalVocabulary& vocabulary) {
  const int ranks = comm_size(comm);
  using Answer = std::pair<int64_t, int64_t>;
  std::vector<std::vector<Answer>> answers(static_cast<size_t>(ranks));
  std::vector<size_t> sent_by(static_cast<size_t>(ranks), 0);
  for (const auto& arrival : arrivals) ++sent_by[arrival.source];
  for (int source = 0; source < ranks; ++source) answers[source].resize(sent_by[source]);
  for (size_t i = 0; i < arrivals.size(); ++i) {
    const auto& term = owned[owned_index[i]];
    answers[arrivals[i].source][arrivals[i].index_in_source] = {term.column, term.document_frequency};
  }
  const auto replies = send_to_owners(comm, answers);
  vocabulary.column_of_term.assign(sorted.size(), -1);
  vocabulary.frequency_of_term.assign(sorted.size(), 0);
  size_t next_sorted = 0;
  for (const auto& block : replies)
    for (const auto& [column, frequency] : block) {
      const uint32_t term = sorted[next_sorted++];
      vocabulary.column_of_term[term] = column;
      vocabulary.frequency_of_term[term] = frequency;
    }
}

}  // namespace

GlobalVocabulary merge_text_vocabulary(MPI_Comm comm, const std::vector<std::string_view>& local_terms,
                                       const std::vector<TermStatistics>& local_statistics, int64_t documents,
                                       const VocabularyFilter& filter) {
  const std::vector<uint32_t> sorted = sorted_order(local_terms);
  // 1. Splitters: which rank owns which range of terms.
  const auto splitters = sample_splitters(comm, local_terms, sorted);
  // 2. Every distinct term to its owner (sorted order makes owners ascend), summed there.
  std::vector<std::vector<TermRecord>> by_owner(static_cast<size_t>(comm_size(comm)));
  for (uint32_t term : sorted) {
    const auto owner = std::upper_bound(splitters.begin(), splitters.end(), local_terms[term]) - splitters.begin();
    by_owner[static_cast<size_t>(owner)].push_back({std::string(local_terms[term]),
                                                    local_statistics[term].document_frequency,
                                                    local_statistics[term].total_count});
  }
  const auto received = send_to_owners(comm, by_owner);
  by_owner = {};
  const auto arrivals = merge_arrivals(received);
  std::vector<size_t> owned_index;
  // 3. Filters; 4. columns; 5. answers.
  int64_t kept_here = 0;
  auto owned = filter_owned_terms(comm, sum_arrivals(arrivals, owned_index), documents, filter, kept_here);
  GlobalVocabulary vocabulary;
  number_columns(comm, owned, kept_here, vocabulary);
  answer_senders(comm, arrivals, owned, owned_index, sorted, vocabulary);
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

namespace {

int owner_of_term(std::string_view term, int ranks) {
  return static_cast<int>(hash_bytes(term) % static_cast<uint64_t>(ranks));
}

}  // namespace

FixedColumns look_up_terms(MPI_Comm comm, const std::vector<std::string_view>& local_terms, int64_t first_column,
                           const std::vector<std::string>& terms, const std::vector<double>& idf,
                           const std::string& source) {
  const int ranks = comm_size(comm);
  // 1. The vocabulary's terms to their owners, with their columns and idf.
  using Entry = std::pair<std::string, std::pair<int64_t, double>>;
  std::vector<std::vector<Entry>> entries_by_owner(static_cast<size_t>(ranks));
  for (size_t i = 0; i < terms.size(); ++i)
    entries_by_owner[owner_of_term(terms[i], ranks)].push_back(
        {terms[i], {first_column + static_cast<int64_t>(i), idf[i]}});
  std::unordered_map<std::string, std::pair<int64_t, double>> owned;
  std::string repeated;
  for (auto& block : send_to_owners(comm, entries_by_owner))
    for (auto& [term, column_and_idf] : block)
      if (!owned.emplace(term, column_and_idf).second && repeated.empty()) repeated = term;
  const int reporter = lowest_rank_with(comm, !repeated.empty());
  if (reporter >= 0)
    throw UserError(source + ": /vocabulary holds '" + broadcast_item(comm, repeated, reporter) +
                    "' twice (a damaged file?)");
  entries_by_owner = {};
  // 2. Every local term to its owner, which answers in the order asked.
  std::vector<std::vector<std::string>> questions(static_cast<size_t>(ranks));
  std::vector<std::pair<int, size_t>> asked(local_terms.size());  // (owner, index there)
  for (size_t i = 0; i < local_terms.size(); ++i) {
    const int owner = owner_of_term(local_terms[i], ranks);
    asked[i] = {owner, questions[owner].size()};
    questions[owner].emplace_back(local_terms[i]);
  }
  const auto received = send_to_owners(comm, questions);
  std::vector<std::vector<std::pair<int64_t, double>>> answers(static_cast<size_t>(ranks));
  for (size_t sender = 0; sender < received.size(); ++sender)
    for (const auto& term : received[sender]) {
      const auto found = owned.find(term);
      answers[sender].push_back(found != owned.end() ? found->second : std::pair<int64_t, double>{-1, 0.0});
    }
  const auto replies = send_to_owners(comm, answers);
  FixedColumns columns;
  columns.column_of_term.resize(local_terms.size());
  columns.idf_of_term.resize(local_terms.size());
  for (size_t i = 0; i < local_terms.size(); ++i) {
    const auto& [column, idf] = replies[asked[i].first][asked[i].second];
    columns.column_of_term[i] = column;
    columns.idf_of_term[i] = idf;
  }
  return columns;
}

uint64_t vocabulary_fingerprint(MPI_Comm comm, int64_t first_column, const std::vector<std::string>& terms) {
  // A sum of (term, column) hashes: any split of the columns over ranks gives the same.
  uint64_t sum = 0;
  for (size_t i = 0; i < terms.size(); ++i)
    sum += mix64(hash_bytes(terms[i]) ^ mix64(static_cast<uint64_t>(first_column) + i + 1));
  const auto total = static_cast<uint64_t>(sum_over_ranks(comm, static_cast<int64_t>(sum)));
  const int64_t columns = sum_over_ranks(comm, static_cast<int64_t>(terms.size()));
  return mix64(total ^ mix64(static_cast<uint64_t>(columns)));
}

}  // namespace dnmf
