#include "src/commands/corpus_coherence.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <unordered_map>

#include "io/h5.hpp"
#include "src/base/cli.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/hash.hpp"
#include "src/commands/vectorize.hpp"

namespace dnmf {
namespace {

// The topic words each document holds, in order, for the coherence counts: the analyzer's
// term ids turned into indices of the topic words (-1: another term), each id looked up
// once.
class TopicWordCounter {
 public:
  explicit TopicWordCounter(const text::TopicWords& words)
      : documents_(words, 0), windows_10_(words, text::kUciWindow), windows_110_(words, text::kCvWindow) {
    for (size_t i = 0; i < words.words.size(); ++i) index_.emplace(words.words[i], static_cast<int32_t>(i));
  }

  void operator()(const std::vector<uint32_t>& term_ids, const text::Analyzer& analyzer) {
    tokens_.clear();
    for (const uint32_t id : term_ids) {
      if (id >= word_of_term_.size()) word_of_term_.resize(id + 1, kUnknown);
      if (word_of_term_[id] == kUnknown) {
        const auto found = index_.find(std::string(analyzer.term(id)));
        word_of_term_[id] = found == index_.end() ? -1 : found->second;
      }
      tokens_.push_back(word_of_term_[id]);
    }
    documents_.add_document(tokens_);
    windows_10_.add_document(tokens_);
    windows_110_.add_document(tokens_);
  }

  // Collective: the counts of all ranks, as one sum.
  void sum(MPI_Comm comm) {
    std::vector<int64_t> all;
    for (auto* counts : {&documents_, &windows_10_, &windows_110_})
      all.insert(all.end(), counts->values().begin(), counts->values().end());
    sum_over_ranks_in_place(comm, all);
    auto next = all.begin();
    for (auto* counts : {&documents_, &windows_10_, &windows_110_}) {
      std::copy(next, next + static_cast<std::ptrdiff_t>(counts->values().size()), counts->values().begin());
      next += static_cast<std::ptrdiff_t>(counts->values().size());
    }
  }

  text::CooccurrenceCounts documents_, windows_10_, windows_110_;

 private:
  static constexpr int32_t kUnknown = -2;
  std::unordered_map<std::string, int32_t> index_;
  std::vector<int32_t> word_of_term_;
  std::vector<int32_t> tokens_;
};

// Why the coherence of `path`'s topics cannot be counted in `corpus` (empty: it can).
// Collective (every rank reads the same attributes).
std::string coherence_obstacle(MPI_Comm comm, const std::string& path, const io::VectorizerRecord& record,
                               const std::vector<std::string>& corpus, bool corpus_given) {
  const auto option = [&](const char* name) {
    const auto found = record.options.find(name);
    return found == record.options.end() ? std::string() : found->second;
  };
  if (option("input_format") == "uci" || option("input_format") == "mtx")
    return path + " was made from counts (--format " + option("input_format") + "), not from text dnmf tokenized";
  if (!option("ngram_range").empty() && option("ngram_range") != "1,1")
    return path + "'s terms are word n-grams (--ngram-range " + option("ngram_range") +
           "); coherence counts single words";
  if (corpus.empty()) return path + " records no corpus";
  if (!corpus_given && comm_rank(comm) == 0)
    for (const auto& input : corpus)
      if (!std::filesystem::exists(input))
        return "the corpus " + path + " records, " + input + ", is not there (give it after the model)";
  return {};
}

}  // namespace

CorpusLocation locate_corpus(MPI_Comm comm, const std::string& path, const std::vector<std::string>& given) {
  CorpusLocation corpus;
  const auto file = h5::File::open(comm, path);
  const std::string format =
      file.has_attribute("/", "format") ? file.read_string_attribute("/", "format") : std::string();
  const bool is_model = format == "dnmf-model";
  const bool has_record = is_model ? file.exists("/vectorizer") && file.exists("/idf")
                                   : format == "dnmf-tfidf" && file.has_attribute("/", "inputs");
  if (!has_record) {
    corpus.not_readable = path + " records no corpus (" +
                          (is_model ? "a model made before dnmf kept its vectorizer"
                                    : "a matrix not made by dnmf vectorize from text, or dnmf transform's output") +
                          ")";
    if (!given.empty()) throw UserError("coherence: " + corpus.not_readable);
    return corpus;
  }
  corpus.record = io::read_vectorizer_record(comm, path);
  const auto recorded = corpus.record->options.find("inputs");
  corpus.inputs = !given.empty()
                      ? given
                      : split_list(recorded == corpus.record->options.end() ? std::string() : recorded->second, ' ');
  corpus.not_readable =
      broadcast_item(comm, coherence_obstacle(comm, path, *corpus.record, corpus.inputs, !given.empty()));
  if (!corpus.not_readable.empty() && !given.empty()) throw UserError("coherence: " + corpus.not_readable);
  return corpus;
}

CorpusCoherence coherence_in_corpus(MPI_Comm comm, const std::string& path, const CorpusLocation& corpus, int64_t rows,
                                    const std::vector<std::vector<std::string>>& top_words) {
  const auto words = text::topic_words_of(top_words);
  TopicWordCounter counter(words);
  const auto read = read_corpus_again(comm, *corpus.record, corpus.inputs, std::ref(counter));
  const std::string names = join_list(corpus.inputs, " ");
  const auto fingerprint = corpus.record->options.find("vocabulary_fingerprint");
  if (fingerprint != corpus.record->options.end() && fingerprint->second != hex64(read.vocabulary_fingerprint))
    throw UserError(names + " is not the corpus of " + path + ": its vocabulary differs (fingerprint " +
                    hex64(read.vocabulary_fingerprint) + ", the file's " + fingerprint->second + ")");
  if (read.documents != rows)
    throw UserError(names + " is not the corpus of " + path + ": it holds " + std::to_string(read.documents) +
                    " documents, the file " + std::to_string(rows));
  counter.sum(comm);
  CorpusCoherence coherence;
  coherence.documents = counter.documents_.units();
  coherence.windows_10 = counter.windows_10_.units();
  coherence.windows_110 = counter.windows_110_.units();
  coherence.per_topic = text::coherence_of(counter.documents_, counter.windows_10_, counter.windows_110_);
  return coherence;
}

}  // namespace dnmf
