#pragma once
// The global vocabulary: which terms become columns, in which order, with which document
// frequency, decided across ranks without any rank seeing all documents or all tokens.
//
// Text input (merge_text_vocabulary), a distributed sample sort:
//   1. each rank sorts its distinct terms and contributes `ranks` evenly spaced samples;
//      the gathered samples give ranks - 1 splitters, so term t belongs to the rank
//      owning its key range (same splitters on every rank);
//   2. each rank sends (term, local df, local total count) to the owners (one
//      all-to-all); owners add them up, so every term's global df and count end on
//      exactly one rank;
//   3. owners apply --min-df/--max-df and, with --max-features, keep the most frequent
//      terms globally (a threshold agreed through rank 0, which sees at most
//      ranks x max_features candidates);
//   4. owner ranges are in term order, so a term's column is its index among the kept
//      terms of its owner plus the kept counts of lower owners (one exscan): columns are
//      the vocabulary sorted by code point (UTF-8 byte order), as scikit-learn's;
//   5. owners answer every sender with (column or -1, df) in the order the terms came
//      (one all-to-all back).
// The result does not depend on the number of ranks.
//
// Count input (filter_columns): the vocabulary is given, df and counts are summed with one
// allreduce, and the same filters drop columns, keeping the input's column order.
//
// A vocabulary fixed beforehand (look_up_terms, vectorize --vocabulary-from): the columns
// and idf are a file's, as scikit-learn's TfidfVectorizer.transform keeps its fitted ones.
// Each rank reads a slice of the file's vocabulary; term t is looked up on rank
// hash(t) mod ranks, which receives the slices' terms there and every rank's question
// about them (two all-to-alls). No rank holds the whole vocabulary.
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnmf {

// A --min-df/--max-df value: an integer is a document count, a number with a decimal
// point or exponent is a fraction of the documents (scikit-learn's int/float rule).
struct DocumentFrequencyBound {
  bool is_fraction = false;
  double value = 0;
  double as_count(int64_t documents) const { return is_fraction ? value * static_cast<double>(documents) : value; }
  std::string text() const;
};

DocumentFrequencyBound parse_document_frequency_bound(const std::string& option, const std::string& text);

struct VocabularyFilter {
  DocumentFrequencyBound min_df{false, 1};
  DocumentFrequencyBound max_df{true, 1.0};
  std::optional<int64_t> max_features;
};

// Checks the bounds against each other once the document count is known; `inputs`
// names what was read, for the message when it held no documents.
void check_vocabulary_filter(const VocabularyFilter& filter, int64_t documents, const std::string& inputs);

struct TermStatistics {
  int64_t document_frequency = 0;
  double total_count = 0;  // ranks terms for --max-features
};

// The outcome for the terms one rank holds, plus the slice of the global vocabulary this
// rank owns (written by it to the output).
struct GlobalVocabulary {
  int64_t size = 0;                        // columns in all
  std::vector<int64_t> column_of_term;     // per local term: its column, or -1 if dropped
  std::vector<int64_t> frequency_of_term;  // per local term: its global df
  int64_t owned_first_column = 0;
  std::vector<std::string> owned_terms;  // columns owned_first_column.. in order
  std::vector<int64_t> owned_document_frequency;
};

GlobalVocabulary merge_text_vocabulary(MPI_Comm comm, const std::vector<std::string_view>& local_terms,
                                       const std::vector<TermStatistics>& local_statistics, int64_t documents,
                                       const VocabularyFilter& filter);

// Count input: `statistics` has one entry per input column, summed over this rank's rows;
// returns the new column of each input column (or -1) and fills `kept_frequency` with the
// global df of the kept columns.
std::vector<int64_t> filter_columns(MPI_Comm comm, std::vector<TermStatistics> statistics, int64_t documents,
                                    const VocabularyFilter& filter, std::vector<int64_t>& kept_frequency);

// Per local term: its column in the fixed vocabulary (-1: not in it) and its idf.
struct FixedColumns {
  std::vector<int64_t> column_of_term;
  std::vector<double> idf_of_term;
};

// Collective; `terms` and `idf` are this rank's slice of the fixed vocabulary, columns
// first_column.. . A term listed twice in it is a UserError on every rank naming `source`
// and the term.
FixedColumns look_up_terms(MPI_Comm comm, const std::vector<std::string_view>& local_terms, int64_t first_column,
                           const std::vector<std::string>& terms, const std::vector<double>& idf,
                           const std::string& source);

// A hash of a vocabulary in column order, from each rank's slice (collective): the same
// for the same terms in the same order, whatever the number of ranks.
uint64_t vocabulary_fingerprint(MPI_Comm comm, int64_t first_column, const std::vector<std::string>& terms);

}  // namespace dnmf
