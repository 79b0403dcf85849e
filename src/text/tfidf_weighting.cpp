#include "src/text/tfidf_weighting.hpp"

#include <algorithm>
#include <cmath>

namespace dnmf {

RowNorm parse_row_norm(const std::string& name) {
  if (name == "l2") return RowNorm::l2;
  if (name == "l1") return RowNorm::l1;
  if (name == "none") return RowNorm::none;
  throw UserError("--norm: unknown norm '" + name + "' (use l2, l1 or none)");
}

const char* row_norm_name(RowNorm norm) {
  switch (norm) {
    case RowNorm::l2: return "l2";
    case RowNorm::l1: return "l1";
    case RowNorm::none: return "none";
  }
  return "?";
}

double inverse_document_frequency(int64_t document_frequency, int64_t documents, bool smooth_idf) {
  // Smoothing acts as if one extra document contained every term once, so no df is 0.
  const int64_t smoothing = smooth_idf ? 1 : 0;
  return std::log(static_cast<double>(documents + smoothing) / static_cast<double>(document_frequency + smoothing)) +
         1.0;
}

void normalize_row(double* values, int64_t count, RowNorm norm) {
  if (norm == RowNorm::none) return;
  double total = 0.0;
  for (int64_t i = 0; i < count; ++i) total += norm == RowNorm::l2 ? values[i] * values[i] : std::fabs(values[i]);
  if (total == 0.0) return;
  if (norm == RowNorm::l2) total = std::sqrt(total);
  for (int64_t i = 0; i < count; ++i) values[i] /= total;
}

void append_tfidf_row(CsrRows& rows, std::vector<TermCount>& terms, const TfidfWeighting& weighting) {
  std::sort(terms.begin(), terms.end(), [](const TermCount& a, const TermCount& b) { return a.column < b.column; });
  const size_t row_start = rows.data.size();
  for (const auto& term : terms) {
    rows.indices.push_back(static_cast<int32_t>(term.column));
    rows.data.push_back(term_frequency_weight(weighting.binary ? 1.0 : term.count, weighting.sublinear_tf) * term.idf);
  }
  normalize_row(rows.data.data() + row_start, static_cast<int64_t>(terms.size()), weighting.norm);
  rows.indptr.push_back(static_cast<int64_t>(rows.data.size()));
}

}  // namespace dnmf
