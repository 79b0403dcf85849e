// The table of solvers (solver_list.hpp), and the lookups on it.
#include "src/base/choices.hpp"
#include "src/nmf/solver.hpp"

namespace dnmf::nmf {

#define DNMF_SOLVER(name, factory, start, objectives, state, help) \
  std::unique_ptr<Solver> factory(const DataMatrix& v, const SolverSettings& settings);
#include "src/nmf/solver_list.hpp"
#undef DNMF_SOLVER

const std::vector<SolverEntry>& solver_registry() {
  static const std::vector<SolverEntry> entries{
#define DNMF_SOLVER(name, factory, start, objectives, state, help) \
  SolverEntry{name, help, start, objectives, state, factory},
#include "src/nmf/solver_list.hpp"
#undef DNMF_SOLVER
  };
  return entries;
}

const SolverEntry& find_solver(const std::string& name) {
  return find_choice(solver_registry(), name, "solver", "solver");
}

}  // namespace dnmf::nmf
