#pragma once
// Term counting for one rank's documents: each document as (term id, count) pairs, term
// ids from the analyzer's term table (analyzer.hpp), and every term's local document
// frequency and total count, the statistics the vocabulary merge (vocabulary.hpp) sums.
#include <cstdint>
#include <vector>

#include "src/base/csr_rows.hpp"
#include "src/base/resources.hpp"
#include "src/text/tfidf_weighting.hpp"
#include "src/text/vocabulary.hpp"

namespace dnmf::text {

// Each of this rank's documents as (term id, count) pairs, ids from the analyzer's
// term table, plus every term's local document frequency and total count. The pairs
// are kept in blocks of 2^20, so that weighting can give each block back as soon as its
// rows are made: a rank's peak is then its CSR rows plus one block, not both whole.
class LocalTermCounts {
 public:
  void add_document(const std::vector<uint32_t>& tokens, size_t known_terms) {
    if (statistics_.size() < known_terms) {
      statistics_.resize(known_terms);
      entry_in_document_.resize(known_terms, -1);
    }
    // Count in one pass: entry_in_document_[term] is the term's entry in this document
    // (or an entry of an earlier one, which the bound check tells apart).
    const int64_t first_entry = entries_;
    for (uint32_t term : tokens) {
      const int64_t entry = entry_in_document_[term];
      if (entry >= first_entry) {
        ++count_at(entry);
        continue;
      }
      entry_in_document_[term] = entries_;
      append(term);
    }
    for (int64_t i = first_entry; i < entries_; ++i) {
      statistics_[term_at(i)].document_frequency += 1;
      statistics_[term_at(i)].total_count += count_at(i);
    }
    document_ends_.push_back(entries_);
  }

  int64_t documents() const { return static_cast<int64_t>(document_ends_.size()); }
  const std::vector<TermStatistics>& statistics() const { return statistics_; }
  // Bytes held, for the memory report: what grows with the documents read.
  size_t bytes() const {
    size_t held = statistics_.capacity() * sizeof(TermStatistics) + entry_in_document_.capacity() * sizeof(int64_t) +
                  document_ends_.capacity() * sizeof(int64_t);
    for (const auto& block : blocks_) held += (block.terms.capacity() + block.counts.capacity()) * sizeof(uint32_t);
    return held;
  }

  // Weighted rows of all documents (column_of_id[id] < 0 drops a term), giving back the
  // pairs as it goes: afterwards only documents() and statistics() remain.
  CsrRows take_weighted_rows(const std::vector<int64_t>& column_of_id, const std::vector<double>& idf_of_id,
                             const TfidfWeighting& weighting) {
    CsrRows rows;
    rows.indices.reserve(static_cast<size_t>(entries_));  // at most one entry per pair
    rows.data.reserve(static_cast<size_t>(entries_));
    std::vector<TermCount> row;
    int64_t begin = 0;
    size_t released = 0;
    for (int64_t end : document_ends_) {
      row.clear();
      for (int64_t i = begin; i < end; ++i) {
        const int64_t column = column_of_id[term_at(i)];
        if (column >= 0) row.push_back({column, static_cast<double>(count_at(i)), idf_of_id[term_at(i)]});
      }
      append_tfidf_row(rows, row, weighting);
      begin = end;
      for (; released < blocks_.size() && static_cast<int64_t>(released + 1) * kBlockEntries <= begin; ++released) {
        blocks_[released] = Block();                   // move-assigned: the vectors free their memory
        if (released % 4 == 3) release_free_memory();  // every 32 MiB of pairs
      }
    }
    blocks_.clear();
    blocks_.shrink_to_fit();
    release_free_memory();
    entries_ = 0;
    return rows;
  }

 private:
  static constexpr int kBlockBits = 20;
  static constexpr int64_t kBlockEntries = int64_t{1} << kBlockBits;
  struct Block {
    std::vector<uint32_t> terms, counts;
  };

  uint32_t term_at(int64_t entry) const {
    return blocks_[static_cast<size_t>(entry >> kBlockBits)].terms[static_cast<size_t>(entry & (kBlockEntries - 1))];
  }
  uint32_t& count_at(int64_t entry) {
    return blocks_[static_cast<size_t>(entry >> kBlockBits)].counts[static_cast<size_t>(entry & (kBlockEntries - 1))];
  }
  void append(uint32_t term) {
    if ((entries_ & (kBlockEntries - 1)) == 0) blocks_.emplace_back();
    blocks_.back().terms.push_back(term);  // grows by doubling up to exactly 2^20
    blocks_.back().counts.push_back(1);
    ++entries_;
  }

  std::vector<TermStatistics> statistics_;
  std::vector<int64_t> entry_in_document_;
  std::vector<Block> blocks_;
  int64_t entries_ = 0;
  std::vector<int64_t> document_ends_;
};

}  // namespace dnmf::text
