// The factorization's kernels (src/nmf/kernels.hpp) against dense products computed
// here, for every width compiled in (src/nmf/width.hpp) and for widths that take the
// run-time fallback.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/kernels.hpp"

using namespace dnmf;

namespace {

// A sparse rows x columns matrix with about a third of its entries set, as dense and as
// the CsrRowSource a DataMatrix is built from (one rank holds every row).
struct TestMatrix {
  int64_t rows, columns;
  std::vector<double> dense;
  CsrRowSource source;
  std::vector<int32_t> indices;
  std::vector<double> values;
};

TestMatrix make_matrix(int64_t rows, int64_t columns, unsigned seed) {
  TestMatrix m{rows, columns, std::vector<double>(static_cast<size_t>(rows * columns), 0.0), {}, {}, {}};
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < columns; ++j)
      if (uniform(generator) < 0.33) {
        const double value = uniform(generator);
        m.dense[i * columns + j] = value;
        m.indices.push_back(static_cast<int32_t>(j));
        m.values.push_back(value);
      }
    m.source.indptr.push_back(static_cast<int64_t>(m.indices.size()));
  }
  m.source.name = "test matrix";
  m.source.rows = rows;
  m.source.columns = columns;
  m.source.nnz = static_cast<int64_t>(m.indices.size());
  return m;
}

// The matrix as a DataMatrix reads it: `m` must outlive the source.
CsrRowSource source_of(const TestMatrix& m) {
  CsrRowSource source = m.source;
  source.read_entries = [&m](bool with_values, int64_t, const CsrRowSource::ChunkVisitor& visit) {
    visit(0, m.indices, with_values ? m.values : std::vector<double>{});
  };
  return source;
}

std::vector<double> random_factor(int64_t rows, int64_t k, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> x(static_cast<size_t>(rows * k));
  for (double& value : x) value = uniform(generator);
  return x;
}

void require_close(const std::vector<double>& actual, const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) REQUIRE(actual[i] == Approx(expected[i]).epsilon(1e-13).margin(1e-13));
}

}  // namespace

TEST_CASE("V Ht, Vt W and Gram equal dense products at every compiled width and the fallback") {
  const std::vector<int64_t> widths{
      1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,  17, 18, 19, 20,
      21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32, 40, 50, 60, 64, 100, 31, 33, 101};  // the last three: run-time
                                                                                      // fallback
  TestMatrix m = make_matrix(23, 17, 7);
  const nmf::DataMatrix v(PETSC_COMM_SELF, source_of(m));
  REQUIRE(v.nnz() == m.source.nnz);
  for (int64_t k : widths) {
    INFO("k = " << k);
    const auto ht = random_factor(m.columns, k, static_cast<unsigned>(k));
    const auto w = random_factor(m.rows, k, static_cast<unsigned>(k + 1000));
    std::vector<double> expected_v_ht(static_cast<size_t>(m.rows * k), 0.0);
    std::vector<double> expected_vt_w(static_cast<size_t>(m.columns * k), 0.0);
    std::vector<double> expected_gram(static_cast<size_t>(k * k), 0.0);
    for (int64_t i = 0; i < m.rows; ++i)
      for (int64_t j = 0; j < m.columns; ++j)
        for (int64_t t = 0; t < k; ++t) {
          expected_v_ht[i * k + t] += m.dense[i * m.columns + j] * ht[j * k + t];
          expected_vt_w[j * k + t] += m.dense[i * m.columns + j] * w[i * k + t];
        }
    for (int64_t i = 0; i < m.rows; ++i)
      for (int64_t a = 0; a < k; ++a)
        for (int64_t b = 0; b < k; ++b) expected_gram[a * k + b] += w[i * k + a] * w[i * k + b];

    std::vector<double> product;
    nmf::multiply_v_ht(v, ht, k, product);
    require_close(product, expected_v_ht);
    nmf::multiply_vt_w(v, w, k, product);
    require_close(product, expected_vt_w);
    nmf::gram(w, m.rows, k, product);
    require_close(product, expected_gram);
  }
}

TEST_CASE("the products over a list of rows touch only those rows") {
  TestMatrix m = make_matrix(12, 9, 11);
  const nmf::DataMatrix v(PETSC_COMM_SELF, source_of(m));
  const int64_t k = 5;
  const auto ht = random_factor(m.columns, k, 3);
  const auto w = random_factor(m.rows, k, 4);
  const std::vector<int64_t> rows{1, 4, 10};
  std::vector<double> all, some;
  nmf::multiply_v_ht(v, ht, k, all);
  nmf::multiply_v_ht(v, ht, k, some, &rows);
  for (int64_t i = 0; i < m.rows; ++i)
    for (int64_t t = 0; t < k; ++t) {
      const bool listed = i == 1 || i == 4 || i == 10;
      REQUIRE(some[i * k + t] == (listed ? all[i * k + t] : 0.0));
    }
  const std::vector<int64_t> none;
  nmf::multiply_vt_w(v, w, k, some, &none);
  for (double x : some) REQUIRE(x == 0.0);
}

TEST_CASE("the matrix's norm and fingerprint come from its entries") {
  TestMatrix m = make_matrix(10, 8, 5);
  const nmf::DataMatrix v(PETSC_COMM_SELF, source_of(m));
  double squares = 0;
  for (double x : m.dense) squares += x * x;
  CHECK(v.squared_norm() == Approx(squares).epsilon(1e-14));
  m.values[0] *= 2;
  const nmf::DataMatrix changed(PETSC_COMM_SELF, source_of(m));
  CHECK(changed.fingerprint() != v.fingerprint());
}
