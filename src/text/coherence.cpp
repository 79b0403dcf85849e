#include "src/text/coherence.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace dnmf::text {

TopicWords topic_words_of(const std::vector<std::vector<std::string>>& top_words_of_topics) {
  TopicWords topics;
  std::unordered_map<std::string, int32_t> index;
  for (const auto& top_words : top_words_of_topics) {
    auto& topic = topics.topics.emplace_back();
    for (const auto& word : top_words) {
      const auto [found, added] = index.emplace(word, static_cast<int32_t>(topics.words.size()));
      if (added) topics.words.push_back(word);
      topic.push_back(found->second);
    }
  }
  return topics;
}

CooccurrenceCounts::CooccurrenceCounts(const TopicWords& topics, int window)
    : topics_(topics),
      window_(window),
      top_(topics.topics.empty() ? 0 : topics.topics[0].size()),
      values_(1 + topics.words.size() + topics.topics.size() * top_ * top_, 0),
      memberships_(topics.words.size()),
      place_in_present_(topics.words.size(), -1),
      present_in_topic_(topics.topics.size()) {
  for (size_t t = 0; t < topics.topics.size(); ++t)
    for (size_t position = 0; position < topics.topics[t].size(); ++position)
      memberships_[static_cast<size_t>(topics.topics[t][position])].emplace_back(static_cast<int32_t>(t),
                                                                                 static_cast<int32_t>(position));
}

int64_t CooccurrenceCounts::together(size_t topic, size_t a, size_t b) const {
  if (a == b) return occurrences(topics_.topics[topic][a]);
  const size_t first = 1 + topics_.words.size() + topic * top_ * top_;
  return values_[first + std::min(a, b) * top_ + std::max(a, b)];
}

void CooccurrenceCounts::set_present(int32_t word, bool present) {
  auto& place = place_in_present_[static_cast<size_t>(word)];
  if (present && place < 0) {
    place = static_cast<int32_t>(present_.size());
    present_.push_back(word);
  } else if (!present && place >= 0) {
    const int32_t last = present_.back();
    present_[static_cast<size_t>(place)] = last;
    place_in_present_[static_cast<size_t>(last)] = place;
    present_.pop_back();
    place = -1;
  }
}

void CooccurrenceCounts::count_unit() {
  ++values_[0];
  for (const int32_t word : present_) {
    ++values_[1 + static_cast<size_t>(word)];
    for (const auto& [topic, position] : memberships_[static_cast<size_t>(word)]) {
      auto& positions = present_in_topic_[static_cast<size_t>(topic)];
      if (positions.empty()) touched_topics_.push_back(topic);
      positions.push_back(position);
    }
  }
  const size_t first_pair = 1 + topics_.words.size();
  for (const int32_t topic : touched_topics_) {
    auto& positions = present_in_topic_[static_cast<size_t>(topic)];
    int64_t* pairs = &values_[first_pair + static_cast<size_t>(topic) * top_ * top_];
    for (size_t i = 0; i < positions.size(); ++i)
      for (size_t j = i + 1; j < positions.size(); ++j) {
        const auto a = static_cast<size_t>(std::min(positions[i], positions[j]));
        const auto b = static_cast<size_t>(std::max(positions[i], positions[j]));
        ++pairs[a * top_ + b];
      }
    positions.clear();
  }
  touched_topics_.clear();
}

void CooccurrenceCounts::add_document(const std::vector<int32_t>& tokens) {
  const size_t length = tokens.size();
  if (window_ > 0 && length == 0) return;
  const size_t first_window = window_ == 0 ? length : std::min(length, static_cast<size_t>(window_));
  for (size_t i = 0; i < first_window; ++i)
    if (tokens[i] >= 0) set_present(tokens[i], true);
  count_unit();
  // The token leaving on the left is marked absent before the one coming in on the right
  // is marked present: gensim's WordOccurrenceAccumulator._slide_window.
  for (size_t end = first_window; end < length; ++end) {
    const int32_t leaving = tokens[end - first_window], entering = tokens[end];
    if (leaving >= 0) set_present(leaving, false);
    if (entering >= 0) set_present(entering, true);
    count_unit();
  }
  while (!present_.empty()) set_present(present_.back(), false);
}

double arithmetic_mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

namespace {

constexpr double kEpsilon = 1e-12;  // gensim's direct_confirmation_measure.EPSILON

// log((D(w',w*)/N + e) / (D(w')/N * D(w*)/N)), and divided by -log(D(w',w*)/N + e)
// when normalized.
double log_ratio(const CooccurrenceCounts& counts, size_t topic, size_t a, size_t b, bool normalized,
                 const TopicWords& words) {
  const auto n = static_cast<double>(counts.units());
  const double together = static_cast<double>(counts.together(topic, a, b)) / n;
  const double p_a = static_cast<double>(counts.occurrences(words.topics[topic][a])) / n;
  const double p_b = static_cast<double>(counts.occurrences(words.topics[topic][b])) / n;
  const double ratio = std::log((together + kEpsilon) / (p_a * p_b));
  return normalized ? ratio / -std::log(together + kEpsilon) : ratio;
}

double u_mass(const CooccurrenceCounts& documents, size_t topic, const TopicWords& words) {
  const auto n = static_cast<double>(documents.units());
  std::vector<double> confirmations;
  const size_t top = words.topics[topic].size();
  for (size_t later = 1; later < top; ++later)
    for (size_t earlier = 0; earlier < later; ++earlier) {
      const auto occurrences = static_cast<double>(documents.occurrences(words.topics[topic][earlier]));
      // gensim catches the division by zero of a word no document holds as 0.
      confirmations.push_back(
          occurrences == 0 ? 0.0
                           : std::log((static_cast<double>(documents.together(topic, later, earlier)) / n + kEpsilon) /
                                      (occurrences / n)));
    }
  return arithmetic_mean(confirmations);
}

double pairwise(const CooccurrenceCounts& windows, size_t topic, bool normalized, const TopicWords& words) {
  std::vector<double> confirmations;
  const size_t top = words.topics[topic].size();
  for (size_t a = 0; a < top; ++a)
    for (size_t b = 0; b < top; ++b)
      if (a != b) confirmations.push_back(log_ratio(windows, topic, a, b, normalized, words));
  return arithmetic_mean(confirmations);
}

double c_v(const CooccurrenceCounts& windows, size_t topic, const TopicWords& words) {
  const size_t top = words.topics[topic].size();
  std::vector<double> npmi(top * top), whole(top, 0.0);
  for (size_t a = 0; a < top; ++a)
    for (size_t b = 0; b < top; ++b) npmi[a * top + b] = log_ratio(windows, topic, a, b, true, words);
  for (size_t a = 0; a < top; ++a)
    for (size_t b = 0; b < top; ++b) whole[b] += npmi[a * top + b];
  double whole_squares = 0;
  for (const double value : whole) whole_squares += value * value;
  std::vector<double> cosines;
  for (size_t a = 0; a < top; ++a) {
    double dot = 0, squares = 0;
    for (size_t b = 0; b < top; ++b) {
      dot += npmi[a * top + b] * whole[b];
      squares += npmi[a * top + b] * npmi[a * top + b];
    }
    cosines.push_back(dot / (std::sqrt(squares) * std::sqrt(whole_squares)));
  }
  return arithmetic_mean(cosines);
}

}  // namespace

TopicCoherence coherence_of(const CooccurrenceCounts& documents, const CooccurrenceCounts& windows_10,
                            const CooccurrenceCounts& windows_110) {
  // The words are the same in all three counts.
  TopicCoherence coherence;
  const TopicWords& words = documents.topic_words();
  for (size_t t = 0; t < words.topics.size(); ++t) {
    coherence.u_mass.push_back(u_mass(documents, t, words));
    coherence.c_uci.push_back(pairwise(windows_10, t, false, words));
    coherence.c_npmi.push_back(pairwise(windows_10, t, true, words));
    coherence.c_v.push_back(c_v(windows_110, t, words));
  }
  return coherence;
}

}  // namespace dnmf::text
