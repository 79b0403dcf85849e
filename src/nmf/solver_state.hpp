#pragma once
// What a solver needs, beyond W and H, to continue a run as if it had never stopped: a
// decayed learning rate, Adam's moments and step count. Solvers fill it and read it back
// by name; io/snapshot_file.hpp stores it in a snapshot and restores it, on any number of
// ranks (row arrays are split like W, column arrays like the owned block of H^T).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnmf::nmf {

struct SolverState {
  std::map<std::string, std::vector<double>> row_arrays;     // this rank's rows x k, laid out like W
  std::map<std::string, std::vector<double>> column_arrays;  // this rank's owned columns x k, like Ht's block
  std::map<std::string, double> reals;
  std::map<std::string, int64_t> integers;
};

}  // namespace dnmf::nmf
