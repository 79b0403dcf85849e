#pragma once
// Starting points for W and H (--init):
//   random   |N(0, s^2)| entries, s = 0.01 as in the seed notebook, or with --init-scale
//            scikit-learn's sqrt(mean(V) / k). Each entry is drawn from a counter-based
//            generator keyed by --seed and its global position, so W0 and H0 are the same
//            whatever the number of ranks.
//   nndsvd   Boutsidis & Gallopoulos' nonnegative double SVD, from a randomized truncated
//            SVD of V (randomized_svd.hpp), exactly as scikit-learn builds it from its
//            own randomized SVD; nndsvda fills its zeros with mean(V), nndsvdar with
//            |mean(V) N(0,1) / 100|.
//   file     W0 (rows x k) and H0 (k x columns) from datasets /W and /H of an HDF5 file
//            (a dnmf model, or any file with those datasets).
#include <cstdint>
#include <string>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/factors.hpp"

namespace dnmf::nmf {

struct InitSettings {
  std::string method = "nndsvda";  // random, nndsvd, nndsvda, nndsvdar, file
  bool scikit_learn_scale = false;  // --init-scale
  std::string file;
  uint64_t seed = 0;
  bool require_nonnegative = true;  // file: gradient solvers may start from negative entries
};

void check_init_method(const std::string& method);
Factors initialize(const DataMatrix& v, int64_t k, const InitSettings& settings);

}  // namespace dnmf::nmf
