#include <catch2/catch.hpp>

#include <cmath>

#include "src/text/tfidf_weighting.hpp"

using namespace dnmf;

TEST_CASE("idf as scikit-learn defines it") {
  // n = 4 documents, df = 1: smooth ln(5/2) + 1, plain ln(4/1) + 1
  CHECK(inverse_document_frequency(1, 4, true) == Approx(std::log(2.5) + 1).epsilon(1e-15));
  CHECK(inverse_document_frequency(1, 4, false) == Approx(std::log(4.0) + 1).epsilon(1e-15));
  CHECK(inverse_document_frequency(4, 4, true) == 1.0);
}

TEST_CASE("rows are sorted, weighted and normalized") {
  CsrRows rows;
  // counts 3 and 4 with idf 1 (df = n): l2 norm 5 -> 0.6, 0.8
  std::vector<TermCount> terms{{7, 4.0, 1.0}, {2, 3.0, 1.0}};
  append_tfidf_row(rows, terms, TfidfWeighting{});
  CHECK(rows.indices == std::vector<int32_t>{2, 7});
  CHECK(rows.data[0] == Approx(0.6));
  CHECK(rows.data[1] == Approx(0.8));
  // sublinear tf, l1: weights 1 + ln 3 and 1 + ln 4, divided by their sum
  terms = {{2, 3.0, 1.0}, {7, 4.0, 1.0}};
  TfidfWeighting sublinear_l1;
  sublinear_l1.sublinear_tf = true;
  sublinear_l1.norm = RowNorm::l1;
  append_tfidf_row(rows, terms, sublinear_l1);
  const double a = 1 + std::log(3.0), b = 1 + std::log(4.0);
  CHECK(rows.data[2] == Approx(a / (a + b)));
  CHECK(rows.data[3] == Approx(b / (a + b)));
  // an empty row stays empty
  terms.clear();
  append_tfidf_row(rows, terms, TfidfWeighting{});
  CHECK(rows.indptr == std::vector<int64_t>{0, 2, 4, 4});
  // idf multiplies the term frequency: counts 1 and 1 with idf 3 and 4 -> 0.6, 0.8
  terms = {{0, 1.0, 3.0}, {1, 1.0, 4.0}};
  append_tfidf_row(rows, terms, TfidfWeighting{});
  CHECK(rows.data[4] == Approx(0.6));
  CHECK(rows.data[5] == Approx(0.8));
  // binary: counts 3 and 4 weigh 1 each, so with equal idf the row is (1, 1) / sqrt(2)
  TfidfWeighting binary;
  binary.binary = true;
  terms = {{0, 3.0, 2.0}, {1, 4.0, 2.0}};
  append_tfidf_row(rows, terms, binary);
  CHECK(rows.data[6] == Approx(1 / std::sqrt(2.0)));
  CHECK(rows.data[7] == Approx(1 / std::sqrt(2.0)));
  // without idf every term weighs 1, whatever its document frequency
  TfidfWeighting no_idf;
  no_idf.use_idf = false;
  CHECK(idf_weight(1, 4, no_idf) == 1.0);
  CHECK(idf_weight(1, 4, TfidfWeighting{}) == inverse_document_frequency(1, 4, true));
}
