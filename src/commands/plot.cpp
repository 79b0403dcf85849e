// The module is found, in order: $DNMF_PLOT_MODULE; beside the dnmf executable (the build
// tree, where CMake copies it); in ../share/dnmf from it (an installed dnmf). It runs on
// $DNMF_PYTHON, default /usr/bin/python3, whose Debian packages hold matplotlib and h5py.
#include "src/commands/plot.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace dnmf {
namespace {

std::string module_path() {
  if (const char* given = std::getenv("DNMF_PLOT_MODULE")) return given;
  std::error_code error;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  for (const auto& candidate :
       {executable.parent_path() / "dnmf_plot.py", executable.parent_path() / ".." / "share" / "dnmf" / "dnmf_plot.py"})
    if (std::filesystem::exists(candidate, error)) return candidate.string();
  return {};
}

// Under mpirun every rank would draw the same pictures: rank 0 alone does.
bool another_rank_draws() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* rank = std::getenv(name)) return std::string(rank) != "0";
  return false;
}

}  // namespace

int run_plot(int argc, char** argv, int first) {
  if (another_rank_draws()) return 0;
  const std::string module = module_path();
  if (module.empty()) {
    std::fprintf(stderr,
                 "dnmf: error: dnmf plot: its module dnmf_plot.py is neither beside the dnmf executable nor in "
                 "../share/dnmf (set DNMF_PLOT_MODULE to its path)\n");
    return 2;
  }
  const char* python = std::getenv("DNMF_PYTHON") ? std::getenv("DNMF_PYTHON") : "/usr/bin/python3";
  std::vector<char*> arguments{const_cast<char*>(python), const_cast<char*>(module.c_str())};
  for (int i = first; i < argc; ++i) arguments.push_back(argv[i]);
  arguments.push_back(nullptr);
  ::execv(python, arguments.data());
  std::fprintf(stderr, "dnmf: error: dnmf plot needs Python 3 with matplotlib and h5py: %s: %s\n", python,
               std::strerror(errno));
  return 2;
}

}  // namespace dnmf
