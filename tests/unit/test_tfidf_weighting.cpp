#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

#include "src/text/term_counts.hpp"
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

TEST_CASE("term counts across blocks of pairs make the rows a plain count gives") {
  // 5 million tokens over 4,000 documents: the (term, count) pairs fill several blocks of
  // 2^20, which weighting gives back as it goes. The expected rows are counted here with
  // a map per document; norm none and idf 1 leave the counts themselves as values, and a
  // column map that drops every third term checks that dropped terms leave no entry.
  text::LocalTermCounts counts;
  std::vector<std::map<uint32_t, double>> expected;
  uint64_t state = 12345;
  const uint32_t terms = 50000;
  std::vector<uint32_t> tokens;
  for (int document = 0; document < 4000; ++document) {
    tokens.clear();
    std::map<uint32_t, double> row;
    const int length = document % 7 == 0 ? 0 : 1500;
    for (int t = 0; t < length; ++t) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const auto term = static_cast<uint32_t>((state >> 33) % (document % 2 ? terms : 600));
      tokens.push_back(term);
      if (term % 3 != 0) row[term] += 1.0;
    }
    counts.add_document(tokens, terms);
    expected.push_back(row);
  }
  std::vector<int64_t> column_of_id(terms);
  for (uint32_t id = 0; id < terms; ++id) column_of_id[id] = id % 3 == 0 ? int64_t{-1} : int64_t{id};
  TfidfWeighting plain;
  plain.norm = RowNorm::none;
  plain.use_idf = false;
  const CsrRows rows = counts.take_weighted_rows(column_of_id, std::vector<double>(terms, 1.0), plain);
  REQUIRE(rows.rows() == 4000);
  bool same = true;
  for (int64_t r = 0; r < rows.rows() && same; ++r) {
    std::map<uint32_t, double> row;
    for (int64_t i = rows.indptr[r]; i < rows.indptr[r + 1]; ++i)
      row[static_cast<uint32_t>(rows.indices[i])] = rows.data[i];
    same = row == expected[r];
  }
  CHECK(same);
  CHECK(counts.documents() == 4000);
}
