#pragma once
// TF-IDF weighting of one document row, as scikit-learn's TfidfTransformer computes it:
//   tf    = count (1 with binary), or 1 + ln(count) with sublinear_tf;
//   idf   = ln((1 + n) / (1 + df)) + 1 with smooth_idf (the default), ln(n / df) + 1 without,
//           n = number of documents, df = documents containing the term; 1 without use_idf;
//   value = tf * idf, then the row is scaled to unit L2 (default) or L1 norm, or left alone.
// The operations and their order are scikit-learn's, so values agree to the last bits.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "src/base/csr_rows.hpp"
#include "src/base/errors.hpp"

namespace dnmf {

enum class RowNorm { l2, l1, none };

struct TfidfWeighting {
  bool binary = false;  // every nonzero count counts 1 (scikit-learn's binary=True)
  bool sublinear_tf = false;
  bool use_idf = true;  // false: every idf is 1 (use_idf=False)
  bool smooth_idf = true;
  RowNorm norm = RowNorm::l2;
};

RowNorm parse_row_norm(const std::string& name);
const char* row_norm_name(RowNorm norm);

double inverse_document_frequency(int64_t document_frequency, int64_t documents, bool smooth_idf);
// The idf a term is weighted by: inverse_document_frequency, or 1 without use_idf.
inline double idf_weight(int64_t document_frequency, int64_t documents, const TfidfWeighting& weighting) {
  return weighting.use_idf ? inverse_document_frequency(document_frequency, documents, weighting.smooth_idf) : 1.0;
}

inline double term_frequency_weight(double count, bool sublinear_tf) {
  return sublinear_tf ? std::log(count) + 1.0 : count;
}

// Scales values[0..count) to unit norm; an all-zero row stays zero.
void normalize_row(double* values, int64_t count, RowNorm norm);

struct TermCount {
  int64_t column;
  double count;
  double idf;  // inverse_document_frequency of the column, computed once per column
};

// Appends one document's row to `rows`: entries sorted by column, weighted, normalized.
void append_tfidf_row(CsrRows& rows, std::vector<TermCount>& terms, const TfidfWeighting& weighting);

}  // namespace dnmf
