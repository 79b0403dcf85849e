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
//            (a dnmf model, or any file with those datasets): read by the caller
//            (io/model_file.hpp) and checked here (check_start).
#include <cstdint>
#include <string>
#include <vector>

#include "src/nmf/data_matrix.hpp"
#include "src/nmf/factors.hpp"

namespace dnmf::nmf {

struct InitSettings {
  std::string method = "nndsvda";   // random, nndsvd, nndsvda, nndsvdar, file
  bool scikit_learn_scale = false;  // --init-scale
  std::string file;
  uint64_t seed = 0;
  bool require_nonnegative = true;  // file: gradient solvers may start from negative entries
};

// One line of the table of starts (initialize.cpp), as the solvers' table.
struct InitEntry {
  const char* name;
  const char* help;
  bool reads_file;  // the caller reads W0 and H0 (--init-file); `fill` is null
  void (*fill)(const DataMatrix& v, Factors& start, const InitSettings& settings);
};
const std::vector<InitEntry>& init_registry();
const InitEntry& find_init(const std::string& name);

// Collective: the start of a method that does not read a file.
Factors initialize(const DataMatrix& v, int64_t k, const InitSettings& settings);
// A start read from `source`: finite, and nonnegative when the solver needs it.
void check_start(const Factors& start, bool require_nonnegative, const std::string& source);

}  // namespace dnmf::nmf
