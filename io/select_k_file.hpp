#pragma once
// dnmf select-k's files (docs/formats.md):
//   a run file per finished factorization, "dnmf-select-k-run": /Ht (columns x k) and
//     what the run was (k, run number, the input's fingerprint, the settings that shape
//     it); a rerun of select-k reads these instead of factorizing again;
//   the result, "dnmf-select-k": one entry per k of /ks, /silhouette_min,
//     /silhouette_mean, /relative_error, /c_npmi and /diversity, the recommended k, and
//     /clusters/kK: the cluster of each run's topics at K.
// Both written collectively and atomically (h5::write_file_atomically).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnmf::io {

constexpr const char* kSelectKRunFormat = "dnmf-select-k-run";
constexpr const char* kSelectKFormat = "dnmf-select-k";

struct SelectKRun {
  int64_t k = 0, run = 0, columns = 0, iterations = 0;
  double relative_error = 0;
  std::map<std::string, std::string> identity;  // input fingerprint and settings; must match to be reused
  std::vector<double> ht;                       // columns x k, on every rank
};

void write_select_k_run(MPI_Comm comm, const std::string& path, const SelectKRun& run);

// Collective. A file that is not a run file, or a run of another input or other settings
// (`identity` differs), is a UserError naming the file and the difference. Without
// `with_topics`, /Ht is checked but not read.
SelectKRun read_select_k_run(MPI_Comm comm, const std::string& path, int64_t k, int64_t run, int64_t columns,
                             const std::map<std::string, std::string>& identity, bool with_topics = true);

struct SelectKTable {
  std::vector<int64_t> ks;
  std::vector<double> silhouette_min, silhouette_mean, relative_error, c_npmi, diversity;
  std::vector<std::vector<int32_t>> clusters;  // per k: the cluster of each run's topic (run r, topic t: r k + t)
  int64_t recommended_k = -1;
  std::map<std::string, std::string> text_attributes;  // the rule, the input, the settings
  std::map<std::string, double> real_attributes;
};

void write_select_k_table(MPI_Comm comm, const std::string& path, const SelectKTable& table);

}  // namespace dnmf::io
