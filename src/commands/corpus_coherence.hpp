#pragma once
// The coherence of topics in the texts of the corpus a file was vectorized from (a TF-IDF
// file, or a model through its /vectorizer record), read again where the file says it was
// or where the user says it is now, with the options the file records; for dnmf evaluate
// and dnmf select-k. The measures are src/text/coherence.hpp's.
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/vectorizer_record.hpp"
#include "src/text/coherence.hpp"

namespace dnmf {

struct CorpusLocation {
  std::vector<std::string> inputs;  // the paths to read
  std::string not_readable;         // why it cannot be read again; empty: it can
  std::optional<io::VectorizerRecord> record;
};

// Collective. `given`: the paths the user gave (empty: the ones `path` records). With
// `given`, a corpus that cannot be read is a UserError; without, not_readable says why.
CorpusLocation locate_corpus(MPI_Comm comm, const std::string& path, const std::vector<std::string>& given);

struct CorpusCoherence {
  int64_t documents = 0, windows_10 = 0, windows_110 = 0;  // the units counted
  text::TopicCoherence per_topic;
};

// Collective: reads `corpus` (readable) again, each rank its share, counts the topic words
// of `top_words` (per topic, heaviest first; all topics of the same length) and sums the
// counts over ranks. The corpus must give `rows` documents and the vocabulary fingerprint
// the file records, or it is not the file's corpus: a UserError naming both.
CorpusCoherence coherence_in_corpus(MPI_Comm comm, const std::string& path, const CorpusLocation& corpus, int64_t rows,
                                    const std::vector<std::vector<std::string>>& top_words);

}  // namespace dnmf
