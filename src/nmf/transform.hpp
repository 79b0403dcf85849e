#pragma once
// W >= 0 for new documents X with a model's H fixed, as scikit-learn's NMF.transform finds
// it (_fit_transform with update_H=False): the W half of the chosen solver's iteration,
// repeated from that solver's start until its stopping rule holds. The math is in
// transform.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {

struct TransformSettings {
  std::string solver = "hals";  // hals (Frobenius only) or mu
  double beta = 2;              // the model's loss
  FactorPenalty w_penalty;      // the model's penalty on W (l1, l2)
  int64_t max_iterations = 200;
  double tolerance = 1e-4;
  int64_t block_rows = 4096;  // rows whose X H^T is held at once
};

enum class TransformStop { tolerance, max_iterations };

struct TransformResult {
  std::vector<double> w;  // this rank's rows x k, row-major
  int64_t iterations = 0;
  TransformStop stop = TransformStop::max_iterations;
  std::vector<double> row_error;  // per local row: sqrt(2 D_β(x_i || w_i H))
  double error = 0;               // sqrt(2 D_β(X || W H)) over all ranks
  double objective = 0;           // D_β plus W's penalty, over all ranks
  double seconds = 0;
};

// Collective (a few numbers summed over ranks per iteration). ht is H transposed (columns
// x k, row-major), the same on every rank; x's columns are H's.
TransformResult transform(const DataMatrix& x, const std::vector<double>& ht, int64_t k,
                          const TransformSettings& settings);

}  // namespace dnmf::nmf
