// The distributed vocabulary merge (src/text/vocabulary), at every rank count CTest runs (mpi_np1-4).
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "src/base/comm.hpp"
#include "src/text/vocabulary.hpp"

using namespace dnmf;

namespace {

// Terms rank r holds, with their local df: shared ones, rank-specific ones, and a few
// that only some ranks see.
std::map<std::string, int64_t> terms_of_rank(int rank) {
  std::map<std::string, int64_t> terms{{"common", 2}, {"rank" + std::to_string(rank), 1}};
  if (rank % 2 == 0) terms["even"] = 3;
  for (int i = 0; i < 40; ++i) terms["w" + std::to_string((rank * 13 + i * 7) % 97)] += 1;
  return terms;
}

}  // namespace

TEST_CASE("the merged vocabulary is the sorted union with summed document frequencies") {
  const int ranks = comm_size(MPI_COMM_WORLD), rank = comm_rank(MPI_COMM_WORLD);
  std::map<std::string, int64_t> expected;
  for (int r = 0; r < ranks; ++r)
    for (const auto& [term, df] : terms_of_rank(r)) expected[term] += df;

  const auto mine = terms_of_rank(rank);
  std::vector<std::string> storage;
  for (const auto& entry : mine) storage.push_back(entry.first);
  std::vector<std::string_view> local_terms(storage.rbegin(), storage.rend());  // any order
  std::vector<TermStatistics> statistics;
  for (auto term : local_terms)
    statistics.push_back({mine.at(std::string(term)), static_cast<double>(mine.at(std::string(term)))});

  VocabularyFilter filter;
  const auto vocabulary = merge_text_vocabulary(MPI_COMM_WORLD, local_terms, statistics, 1000, filter);
  REQUIRE(vocabulary.size == static_cast<int64_t>(expected.size()));
  std::vector<std::string> columns;
  for (const auto& entry : expected) columns.push_back(entry.first);
  for (size_t i = 0; i < local_terms.size(); ++i) {
    const std::string term(local_terms[i]);
    const auto column = vocabulary.column_of_term[i];
    REQUIRE(column >= 0);
    CHECK(columns[static_cast<size_t>(column)] == term);
    CHECK(vocabulary.frequency_of_term[i] == expected.at(term));
  }
  for (size_t i = 0; i < vocabulary.owned_terms.size(); ++i)
    CHECK(columns[static_cast<size_t>(vocabulary.owned_first_column) + i] == vocabulary.owned_terms[i]);
  CHECK(sum_over_ranks(MPI_COMM_WORLD, static_cast<int64_t>(vocabulary.owned_terms.size())) == vocabulary.size);

  // --max-features 3 keeps the three most frequent terms, ties to the smaller term.
  filter.max_features = 3;
  std::vector<std::pair<int64_t, std::string>> by_frequency;
  for (const auto& [term, df] : expected) by_frequency.push_back({-df, term});
  std::sort(by_frequency.begin(), by_frequency.end());
  std::set<std::string> top;
  for (int i = 0; i < 3; ++i) top.insert(by_frequency[static_cast<size_t>(i)].second);
  const auto limited = merge_text_vocabulary(MPI_COMM_WORLD, local_terms, statistics, 1000, filter);
  CHECK(limited.size == 3);
  for (size_t i = 0; i < local_terms.size(); ++i)
    CHECK((limited.column_of_term[i] >= 0) == (top.count(std::string(local_terms[i])) > 0));
}
