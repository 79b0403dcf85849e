#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "src/nmf/select_k.hpp"

using namespace dnmf::nmf;

// The best assignment against every permutation, tried one by one.
TEST_CASE("best_assignment finds the largest total score") {
  std::mt19937 draw(7);
  std::uniform_real_distribution<double> uniform(-1, 1);
  for (int size = 1; size <= 6; ++size)
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> score(static_cast<size_t>(size * size));
      for (auto& x : score) x = uniform(draw);
      std::vector<int32_t> permutation(static_cast<size_t>(size));
      std::iota(permutation.begin(), permutation.end(), 0);
      double best = -1e300;
      do {
        double total = 0;
        for (int row = 0; row < size; ++row) total += score[static_cast<size_t>(row * size + permutation[row])];
        best = std::max(best, total);
      } while (std::next_permutation(permutation.begin(), permutation.end()));
      const auto assignment = best_assignment(score, size);
      double total = 0;
      for (int row = 0; row < size; ++row) total += score[static_cast<size_t>(row * size + assignment[row])];
      std::vector<int32_t> columns = assignment;
      std::sort(columns.begin(), columns.end());
      for (int c = 0; c < size; ++c) CHECK(columns[static_cast<size_t>(c)] == c);
      CHECK(total == Approx(best).epsilon(1e-12));
    }
}

TEST_CASE("recommended_k: the largest stable k, else the most stable") {
  CHECK(recommended_k({2, 3, 4, 5}, {0.9, 0.8, 0.95, 0.2}, 0.75) == 4);
  CHECK(recommended_k({2, 3, 4}, {0.5, 0.7, 0.6}, 0.75) == 3);
  CHECK(recommended_k({2, 3}, {std::nan(""), 0.8}, 0.75) == 3);
  CHECK(recommended_k({}, {}, 0.75) == -1);
}
