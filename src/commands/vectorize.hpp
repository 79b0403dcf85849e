#pragma once
#include <mpi.h>

#include <vector>

#include "io/tfidf_file.hpp"
#include "io/vectorizer_record.hpp"
#include "src/base/cli.hpp"
#include "src/text/document_pipeline.hpp"

namespace dnmf {

// `dnmf vectorize`: corpus -> TF-IDF HDF5 file. argv[first..] are the command's arguments.
// Returns the exit code; throws CollectiveFailure after a reported error.
int run_vectorize(MPI_Comm comm, int argc, char** argv, int first);

// The options of dnmf vectorize, for a command that reads a corpus as it does.
std::vector<OptionSpec> vectorize_options();
// The same but -o and --vocabulary-from, for a command that reads a corpus into a fitted
// vocabulary: the help of the options the vocabulary's file decides says so.
std::vector<OptionSpec> options_for_a_fitted_vocabulary();

// Collective: the TF-IDF rows of `inputs` as vectorize --vocabulary-from makes them, in the
// vocabulary and with the text options of `record`, held in memory; `line` is a command
// line parsed with vectorize_options (its -o and positionals unused).
io::TfidfFileSlices vectorize_with_vocabulary(MPI_Comm comm, CommandLine& line, const std::vector<std::string>& inputs,
                                              const io::VectorizerRecord& record);

// Collective: reads the text corpus `record` was vectorized from again, from `inputs`,
// with every option it records, handing each document's terms to `observe` as they are
// read. What tells whether `inputs` are that corpus: the number of documents and the
// fingerprint of the vocabulary they give.
struct CorpusReadAgain {
  int64_t documents = 0;
  uint64_t vocabulary_fingerprint = 0;
};
CorpusReadAgain read_corpus_again(MPI_Comm comm, const io::VectorizerRecord& record,
                                  const std::vector<std::string>& inputs, text::TermsObserver observe);

}  // namespace dnmf
