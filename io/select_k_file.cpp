#include "io/select_k_file.hpp"

#include "io/h5.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {

namespace {
constexpr int64_t kFormatVersion = 1;
}

void write_select_k_run(MPI_Comm comm, const std::string& path, const SelectKRun& run) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  const int64_t first = even_split_start(run.columns, rank, ranks);
  const int64_t count = even_split_start(run.columns, rank + 1, ranks) - first;
  h5::write_file_atomically(comm, path, [&](h5::File& file) {
    file.write_attribute("/", "format", std::string(kSelectKRunFormat));
    file.write_attribute("/", "format_version", kFormatVersion);
    file.write_attribute("/", "k", run.k);
    file.write_attribute("/", "run", run.run);
    file.write_attribute("/", "iterations", run.iterations);
    file.write_attribute("/", "relative_error", run.relative_error);
    for (const auto& [name, value] : run.identity) file.write_attribute("/", name, value);
    file.write_rows<double>(
        "/Ht", run.columns, run.k, first,
        std::vector<double>(run.ht.begin() + first * run.k, run.ht.begin() + (first + count) * run.k));
  });
}

SelectKRun read_select_k_run(MPI_Comm comm, const std::string& path, int64_t k, int64_t run, int64_t columns,
                             const std::map<std::string, std::string>& identity, bool with_topics) {
  const auto file = h5::File::open(comm, path);
  if (!file.has_attribute("/", "format") || file.read_string_attribute("/", "format") != kSelectKRunFormat)
    throw UserError(path + ": not a run file of dnmf select-k (no format = \"" + kSelectKRunFormat + "\")");
  SelectKRun read;
  read.k = file.read_int_attribute("/", "k").at(0);
  read.run = file.read_int_attribute("/", "run").at(0);
  if (read.k != k || read.run != run)
    throw UserError(path + ": holds run " + std::to_string(read.run) + " at k = " + std::to_string(read.k) +
                    ", not run " + std::to_string(run) + " at k = " + std::to_string(k) + " (a renamed file?)");
  for (const auto& [name, value] : identity) {
    const std::string recorded = file.has_attribute("/", name) ? file.read_string_attribute("/", name) : "(none)";
    if (recorded != value)
      throw UserError(path + ": a run made with " + name + " " + recorded + ", not " + value +
                      ": give another --runs folder, or remove it to start again");
  }
  read.identity = identity;
  read.columns = columns;
  read.iterations = file.read_int_attribute("/", "iterations").at(0);
  read.relative_error = file.read_real_attribute("/", "relative_error");
  if (!file.exists("/Ht") || file.dataset_shape("/Ht") != std::vector<int64_t>{columns, k})
    throw UserError(path + ": no /Ht of " + std::to_string(columns) + " terms x " + std::to_string(k) +
                    " topics (a damaged run file: remove it to factorize that run again)");
  if (with_topics) read.ht = file.read_rows<double>("/Ht", 0, columns, k);
  return read;
}

void write_select_k_table(MPI_Comm comm, const std::string& path, const SelectKTable& table) {
  const bool writer = comm_rank(comm) == 0;
  const auto entries = static_cast<int64_t>(table.ks.size());
  auto mine = [&](const auto& values) { return writer ? values : std::decay_t<decltype(values)>{}; };
  h5::write_file_atomically(comm, path, [&](h5::File& file) {
    file.write_attribute("/", "format", std::string(kSelectKFormat));
    file.write_attribute("/", "format_version", kFormatVersion);
    file.write_attribute("/", "recommended_k", table.recommended_k);
    for (const auto& [name, value] : table.text_attributes) file.write_attribute("/", name, value);
    for (const auto& [name, value] : table.real_attributes) file.write_attribute("/", name, value);
    file.write_slice<int64_t>("/ks", entries, 0, mine(table.ks));
    file.write_slice<double>("/silhouette_min", entries, 0, mine(table.silhouette_min));
    file.write_slice<double>("/silhouette_mean", entries, 0, mine(table.silhouette_mean));
    file.write_slice<double>("/relative_error", entries, 0, mine(table.relative_error));
    file.write_slice<double>("/c_npmi", entries, 0, mine(table.c_npmi));
    file.write_slice<double>("/diversity", entries, 0, mine(table.diversity));
    file.create_group("/clusters");
    for (size_t i = 0; i < table.ks.size(); ++i)
      file.write_slice<int32_t>("/clusters/k" + std::to_string(table.ks[i]),
                                static_cast<int64_t>(table.clusters[i].size()), 0, mine(table.clusters[i]));
  });
}

}  // namespace dnmf::io
