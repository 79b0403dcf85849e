#pragma once
// What dnmf topics prints, apart from how: the topics of a model (topics.cpp computes
// them) and the formats they are printed in, one table (--format).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dnmf {

// A document that shows a topic well (topics --documents): its weight in the topic.
struct TopicDocument {
  double weight = 0;
  std::string id, snippet;  // snippet: its first words, when the file has them
};

// Rank 0's view of a model's topics.
struct Topics {
  // What the model minimized, as its file records it (loss and penalties; the loss of a
  // model written before --loss is frobenius, its penalties 0).
  std::vector<std::pair<std::string, std::string>> objective;
  std::vector<std::vector<std::string>> words;  // per topic
  std::vector<double> share;
  std::vector<std::string> label_names;
  std::vector<std::vector<int64_t>> counts;           // topic (k, then "none") x label
  std::vector<std::vector<TopicDocument>> documents;  // per topic, heaviest first (--documents)
};

struct TopicsFormat {
  const char* name;
  const char* help;
  void (*print)(const Topics& topics);  // to standard output
};
const std::vector<TopicsFormat>& topics_formats();

// `text` as a JSON string, quotes included.
std::string json_string(const std::string& text);

}  // namespace dnmf
