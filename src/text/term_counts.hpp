#pragma once
// Term counting for one rank's documents: each document as (term id, count) pairs, term
// ids from the analyzer's term table (analyzer.hpp), and every term's local document
// frequency and total count, the statistics the vocabulary merge (vocabulary.hpp) sums.
#include <cstdint>
#include <vector>

#include "src/base/csr_rows.hpp"
#include "src/text/tfidf_weighting.hpp"
#include "src/text/vocabulary.hpp"

namespace dnmf::text {

// Each of this rank's documents as (term id, count) pairs, ids from the analyzer's
// term table, plus every term's local document frequency and total count.
class LocalTermCounts {
 public:
  void add_document(const std::vector<uint32_t>& tokens, size_t known_terms) {
    if (statistics_.size() < known_terms) {
      statistics_.resize(known_terms);
      entry_in_document_.resize(known_terms, -1);
    }
    // Count in one pass: entry_in_document_[term] is the term's entry in this document
    // (or an entry of an earlier one, which the bound check tells apart).
    const auto first_entry = static_cast<int64_t>(term_ids_.size());
    for (uint32_t term : tokens) {
      const int64_t entry = entry_in_document_[term];
      if (entry >= first_entry) {
        ++counts_[static_cast<size_t>(entry)];
        continue;
      }
      entry_in_document_[term] = static_cast<int64_t>(term_ids_.size());
      term_ids_.push_back(term);
      counts_.push_back(1);
    }
    for (size_t i = static_cast<size_t>(first_entry); i < term_ids_.size(); ++i) {
      statistics_[term_ids_[i]].document_frequency += 1;
      statistics_[term_ids_[i]].total_count += counts_[i];
    }
    document_ends_.push_back(static_cast<int64_t>(term_ids_.size()));
  }

  int64_t documents() const { return static_cast<int64_t>(document_ends_.size()); }
  const std::vector<TermStatistics>& statistics() const { return statistics_; }
  // Bytes held, for the memory report: what grows with the documents read.
  size_t bytes() const {
    return statistics_.capacity() * sizeof(TermStatistics) + entry_in_document_.capacity() * sizeof(int64_t) +
           (term_ids_.capacity() + counts_.capacity()) * sizeof(uint32_t) + document_ends_.capacity() * sizeof(int64_t);
  }

  // Weighted rows of all documents; column_of_id[id] < 0 drops a term.
  CsrRows weighted_rows(const std::vector<int64_t>& column_of_id, const std::vector<double>& idf_of_id,
                        const TfidfWeighting& weighting) const {
    CsrRows rows;
    rows.indices.reserve(term_ids_.size());
    rows.data.reserve(term_ids_.size());
    std::vector<TermCount> row;
    int64_t begin = 0;
    for (int64_t end : document_ends_) {
      row.clear();
      for (int64_t i = begin; i < end; ++i) {
        const int64_t column = column_of_id[term_ids_[i]];
        if (column >= 0) row.push_back({column, static_cast<double>(counts_[i]), idf_of_id[term_ids_[i]]});
      }
      append_tfidf_row(rows, row, weighting);
      begin = end;
    }
    return rows;
  }

 private:
  std::vector<TermStatistics> statistics_;
  std::vector<int64_t> entry_in_document_;
  std::vector<uint32_t> term_ids_;
  std::vector<uint32_t> counts_;
  std::vector<int64_t> document_ends_;
};

}  // namespace dnmf::text
