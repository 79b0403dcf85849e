#pragma once
// Topic coherence as gensim 4.2's CoherenceModel defines it, for the top words of each
// topic, from the texts as token lists:
//   u_mass  counts in documents (a document holding both words); pairs (w', w*) with w*
//           heavier than w'; mean of log((D(w',w*)/N + e) / (D(w*)/N))
//   c_uci   counts in sliding windows of 10 tokens; every ordered pair of distinct words;
//           mean of PMI = log((D(w',w*)/N + e) / (D(w')/N * D(w*)/N))
//   c_npmi  the same windows and pairs; mean of NPMI = PMI / -log(D(w',w*)/N + e)
//   c_v     windows of 110 tokens; each word's vector of NPMI with every word of its
//           topic (itself included), against the sum of those vectors: mean cosine
// with e = 1e-12, N the number of documents or windows. A window slides one token at a
// time; a text no longer than the window is one window. As gensim does, a word is taken
// to leave the window when a copy of it leaves on the left, even if another copy is still
// inside, until a copy comes in on the right again.
//
// Counting is the part that reads the corpus, and counts of different documents add up:
// each rank counts its own documents into a CooccurrenceCounts, the counts are summed,
// and the measures come from the sums.
#include <cstdint>
#include <string>
#include <vector>

namespace dnmf::text {

// The top words of each topic as indices into one list of distinct words.
struct TopicWords {
  std::vector<std::string> words;            // distinct, in the order first met
  std::vector<std::vector<int32_t>> topics;  // per topic, its words' indices, heaviest first
};
TopicWords topic_words_of(const std::vector<std::vector<std::string>>& top_words_of_topics);

// How many units (documents, or windows of a size) hold each topic word, and each pair
// of one topic's words together.
class CooccurrenceCounts {
 public:
  // window 0: a unit is a document; otherwise a sliding window of that many tokens.
  CooccurrenceCounts(const TopicWords& topics, int window);

  // One document: its tokens as indices into the topic words, -1 for any other token.
  // A document without tokens holds no window, but counts as a document.
  void add_document(const std::vector<int32_t>& tokens);

  // Every count in one array, to be summed over ranks in place.
  std::vector<int64_t>& values() { return values_; }

  const TopicWords& topic_words() const { return topics_; }
  int64_t units() const { return values_[0]; }
  int64_t occurrences(int32_t word) const { return values_[1 + static_cast<size_t>(word)]; }
  // Units holding the topic's words at positions a and b (a == b: the word's occurrences).
  int64_t together(size_t topic, size_t a, size_t b) const;

 private:
  void count_unit();
  void set_present(int32_t word, bool present);

  const TopicWords& topics_;
  int window_;
  size_t top_;  // words per topic
  // [units, occurrences per word, per topic its top_ x top_ pairs (a < b used)]
  std::vector<int64_t> values_;
  std::vector<std::vector<std::pair<int32_t, int32_t>>> memberships_;  // per word: (topic, position)
  std::vector<int32_t> present_, place_in_present_;                    // words marked present
  std::vector<std::vector<int32_t>> present_in_topic_;                 // positions, while counting a unit
  std::vector<int32_t> touched_topics_;
};

struct TopicCoherence {
  std::vector<double> u_mass, c_uci, c_npmi, c_v;  // per topic
};

// The arithmetic mean, gensim's aggregation of confirmations and of topics (NaN for none,
// as numpy's mean of nothing).
double arithmetic_mean(const std::vector<double>& values);

// The measures from summed counts: documents (window 0), windows of 10 and of 110.
TopicCoherence coherence_of(const CooccurrenceCounts& documents, const CooccurrenceCounts& windows_10,
                            const CooccurrenceCounts& windows_110);

// The windows each measure counts in, as gensim's defaults.
constexpr int kUciWindow = 10, kCvWindow = 110;

}  // namespace dnmf::text
