#include "src/commands/topics_output.hpp"

#include <algorithm>
#include <cstdio>

namespace dnmf {
namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string joined(const std::vector<std::string>& words, const char* separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

void print_text(const Topics& topics) {
  const size_t k = topics.words.size();
  std::printf("model:");
  for (const auto& [name, value] : topics.objective) std::printf(" %s %s", name.c_str(), value.c_str());
  std::printf("\n");
  for (size_t t = 0; t < k; ++t) {
    std::printf("topic %zu (%4.1f%%): %s\n", t + 1, 100.0 * topics.share[t], joined(topics.words[t], " ").c_str());
    if (topics.documents.empty()) continue;
    for (const auto& document : topics.documents[t])
      std::printf("    %8.4f  %s%s%s\n", document.weight, document.id.c_str(), document.snippet.empty() ? "" : "  ",
                  document.snippet.c_str());
  }
  if (!topics.label_names.empty()) {
    std::printf("\ndocuments by heaviest topic and label:\n%-10s", "");
    for (const auto& name : topics.label_names)
      std::printf(" %*s", std::max<int>(8, static_cast<int>(name.size())), name.c_str());
    std::printf("\n");
    for (size_t t = 0; t <= k; ++t) {
      std::printf("%-10s", t < k ? ("topic " + std::to_string(t + 1)).c_str() : "none");
      for (size_t l = 0; l < topics.label_names.size(); ++l)
        std::printf(" %*lld", std::max<int>(8, static_cast<int>(topics.label_names[l].size())),
                    static_cast<long long>(topics.counts[t][l]));
      std::printf("\n");
    }
  }
}

void print_json(const Topics& topics) {
  const size_t k = topics.words.size();
  std::printf("{\"model\": {");
  for (size_t i = 0; i < topics.objective.size(); ++i)
    std::printf("%s%s: %s", i ? ", " : "", json_string(topics.objective[i].first).c_str(),
                json_string(topics.objective[i].second).c_str());
  std::printf("},\n \"topics\": [");
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
    if (!topics.documents.empty()) {
      std::printf(", \"documents\": [");
      for (size_t i = 0; i < topics.documents[t].size(); ++i) {
        const auto& document = topics.documents[t][i];
        std::printf("%s{\"id\": %s, \"weight\": %.6g, \"snippet\": %s}", i ? ", " : "",
                    json_string(document.id).c_str(), document.weight, json_string(document.snippet).c_str());
      }
      std::printf("]");
    }
    std::printf("}");
  }
  std::printf("\n]}\n");
}

void print_csv(const Topics& topics) {
  const size_t k = topics.words.size();
  std::printf("topic,share");
  for (int64_t i = 1; i <= static_cast<int64_t>(topics.words.empty() ? 0 : topics.words[0].size()); ++i)
    std::printf(",word%lld", static_cast<long long>(i));
  for (const auto& name : topics.label_names) std::printf(",%s", csv_field(name).c_str());
  size_t most_documents = 0;
  for (const auto& documents : topics.documents) most_documents = std::max(most_documents, documents.size());
  for (size_t i = 1; i <= most_documents; ++i) std::printf(",document%zu", i);
  std::printf("\n");
  for (size_t t = 0; t < k; ++t) {
    std::printf("%zu,%.6f", t + 1, topics.share[t]);
    for (const auto& word : topics.words[t]) std::printf(",%s", csv_field(word).c_str());
    for (size_t l = 0; l < topics.label_names.size(); ++l)
      std::printf(",%lld", static_cast<long long>(topics.counts[t][l]));
    for (size_t i = 0; i < most_documents; ++i)
      std::printf(",%s", i < topics.documents[t].size() ? csv_field(topics.documents[t][i].id).c_str() : "");
    std::printf("\n");
  }
}

}  // namespace

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

const std::vector<TopicsFormat>& topics_formats() {
  static const std::vector<TopicsFormat> formats{
      {"text", "the notebook's lines and the topic x label table", print_text},
      {"json", "one object with a list of topics", print_json},
      {"csv", "a row per topic", print_csv},
  };
  return formats;
}

}  // namespace dnmf
