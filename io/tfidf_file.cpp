#include "io/tfidf_file.hpp"

#include <hdf5.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

#include "io/h5.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {
namespace {

constexpr const char* kFormatName = "dnmf-tfidf";
constexpr int64_t kFormatVersion = 1;

void check_format(const h5::File& file) {
  if (!file.has_attribute("/", "format") || file.read_string_attribute("/", "format") != kFormatName)
    throw UserError(file.path() + ": not a dnmf TF-IDF file (no format = \"" + kFormatName +
                    "\" attribute; make one with dnmf vectorize)");
  const auto version = file.read_int_attribute("/", "format_version");
  if (version.size() != 1 || version[0] > kFormatVersion)
    throw UserError(file.path() + ": format_version is newer than this dnmf understands");
}

std::vector<int64_t> matrix_shape(const h5::File& file) {
  auto shape = file.read_int_attribute("/tfidf", "shape");
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) throw UserError(file.path() + ": /tfidf shape is malformed");
  // Rows and columns are PETSc's 32-bit indices (and /tfidf/indices are int32).
  if (shape[0] > INT32_MAX || shape[1] > INT32_MAX)
    throw UserError(file.path() + ": /tfidf shape declares " + std::to_string(shape[0]) + " x " +
                    std::to_string(shape[1]) + ", more rows or columns than the " + std::to_string(INT32_MAX) +
                    " dnmf can index");
  const auto indptr = file.dataset_shape("/tfidf/indptr");
  if (indptr.size() != 1 || indptr[0] != shape[0] + 1)
    throw UserError(file.path() + ": /tfidf/indptr does not have rows + 1 entries");
  return shape;
}

}  // namespace

void write_tfidf_file(MPI_Comm comm, const std::string& final_path, const TfidfFileSlices& slices) {
  const int rank = comm_rank(comm);
  h5::write_file_atomically(comm, final_path, [&](h5::File& file) {
    for (const auto& [name, value] : slices.text_attributes) file.write_attribute("/", name, value);
    for (const auto& [name, value] : slices.integer_attributes) file.write_attribute("/", name, value);
    file.write_attribute("/", "format", std::string(kFormatName));
    file.write_attribute("/", "format_version", kFormatVersion);

    const auto& rows = slices.matrix;
    const int64_t nnz_before = sum_over_lower_ranks(comm, rows.nnz());
    const int64_t nnz = sum_over_ranks(comm, rows.nnz());
    file.create_group("/tfidf");
    file.write_attribute("/tfidf", "encoding-type", std::string("csr_matrix"));
    file.write_attribute("/tfidf", "encoding-version", std::string("0.1.0"));
    file.write_attribute("/tfidf", "shape", std::vector<int64_t>{slices.rows, slices.columns});
    file.write_slice<double>("/tfidf/data", nnz, nnz_before, rows.data);
    file.write_slice<int32_t>("/tfidf/indices", nnz, nnz_before, rows.indices);
    // Global indptr: rank 0 writes entry 0, each rank the ends of its rows.
    std::vector<int64_t> indptr;
    if (rank == 0) indptr.push_back(0);
    for (int64_t r = 1; r <= rows.rows(); ++r) indptr.push_back(nnz_before + rows.indptr[r]);
    file.write_slice<int64_t>("/tfidf/indptr", slices.rows + 1, rank == 0 ? 0 : rows.first_row + 1, indptr);

    file.write_strings("/vocabulary", slices.first_column, slices.terms);
    file.write_slice<double>("/idf", slices.columns, slices.first_column, slices.idf);
    if (!slices.without_document_frequency)
      file.write_slice<int64_t>("/document_frequency", slices.columns, slices.first_column, slices.document_frequency);
    file.write_strings("/documents", rows.first_row, slices.document_ids);
    if (sum_over_ranks(comm, static_cast<int64_t>(slices.snippets.size())) == slices.rows && slices.rows > 0)
      file.write_strings("/snippets", rows.first_row, slices.snippets);
    if (!slices.label_names.empty()) {
      file.write_slice<int32_t>("/labels", slices.rows, rows.first_row, slices.labels);
      std::vector<std::string> names_here = rank == 0 ? slices.label_names : std::vector<std::string>{};
      file.write_strings("/label_names", 0, names_here);
    }
  });
}

TfidfFileSummary read_tfidf_summary(MPI_Comm comm, const std::string& path) {
  TfidfFileSummary summary;
  auto file = h5::File::open(comm, path);
  check_format(file);
  const auto shape = matrix_shape(file);
  summary.rows = shape[0];
  summary.columns = shape[1];
  summary.nnz = file.dataset_shape("/tfidf/data").at(0);
  // Every list of rows or columns must match the shape (docs/formats.md).
  file.require_entries("/tfidf/indices", summary.nnz, "nonzeros in /tfidf/data");
  file.require_entries("/vocabulary", summary.columns, "columns of the matrix");
  file.require_entries("/idf", summary.columns, "columns of the matrix");
  file.require_entries("/documents", summary.rows, "rows of the matrix");
  if (file.exists("/document_frequency"))
    file.require_entries("/document_frequency", summary.columns, "columns of the matrix");
  if (file.exists("/labels")) {
    file.require_entries("/labels", summary.rows, "rows of the matrix");
    // Each rank checks an even share of the label numbers against the names.
    const int64_t names = file.exists("/label_names/offsets") ? file.string_count("/label_names") : 0;
    const int rank = comm_rank(comm), ranks = comm_size(comm);
    const int64_t first = even_split_start(summary.rows, rank, ranks);
    read_labels(file, first, even_split_start(summary.rows, rank + 1, ranks) - first, names);
  }
  summary.has_labels = file.exists("/labels");
  for (const char* name : {"/tfidf/data", "/tfidf/indices", "/tfidf/indptr", "/vocabulary/utf8", "/vocabulary/offsets",
                           "/idf", "/document_frequency", "/documents/utf8", "/documents/offsets", "/labels",
                           "/label_names/utf8", "/label_names/offsets"})
    if (file.exists(name)) summary.datasets.push_back(name);
  for (const char* name : {"dnmf_version", "input_format", "inputs", "encoding", "strip", "stop_words", "min_df",
                           "max_df", "max_features", "norm", "smooth_idf", "sublinear_tf"})
    if (file.has_attribute("/", name)) summary.attributes[name] = file.read_string_attribute("/", name);
  return summary;
}

std::vector<int32_t> read_labels(const h5::File& file, int64_t first_row, int64_t count, int64_t label_count) {
  auto labels = file.read_slice<int32_t>("/labels", first_row, count);
  const auto bad = std::find_if(labels.begin(), labels.end(), [&](int32_t l) { return l < 0 || l >= label_count; });
  agree_collectively(file.comm(), [&] {
    if (bad != labels.end())
      throw UserError(file.path() + ": /labels holds " + std::to_string(*bad) + " (row " +
                      std::to_string(first_row + (bad - labels.begin())) + "), not the number of one of the " +
                      std::to_string(label_count) + " /label_names");
  });
  return labels;
}

namespace {

// Each rank reads an even slice of indptr and reports the block starts that fall in it.
std::vector<int64_t> find_row_starts(const h5::File& file, int64_t rows, int ranks_wanted) {
  MPI_Comm comm = file.comm();
  const int ranks = comm_size(comm);
  const int rank = comm_rank(comm);
  const int64_t entries = rows + 1;
  const int64_t first = even_split_start(entries, rank, ranks);
  const int64_t count = even_split_start(entries, rank + 1, ranks) - first;
  // One extra value before the slice tells whether a boundary sits at its first entry.
  const int64_t read_from = first > 0 ? first - 1 : 0;
  const auto values = file.read_slice<int64_t>("/tfidf/indptr", read_from, count + (first - read_from));
  const int64_t nnz = max_over_ranks(comm, count > 0 && first + count == entries ? values.back() : int64_t{0});
  std::vector<int64_t> starts(static_cast<size_t>(ranks_wanted) + 1, 0);
  if (nnz == 0) {
    for (int block = 0; block <= ranks_wanted; ++block) starts[block] = even_split_start(rows, block, ranks_wanted);
    return starts;
  }
  const int64_t* slice = values.data() + (first - read_from);
  const int64_t value_before = first > 0 ? values[0] : 0;
  for (const auto& [block, row] : block_starts_in_slice(slice, first, count, value_before, nnz, ranks_wanted))
    starts[block] = row;
  // Each start was found by exactly one rank; the others hold 0 there.
  max_over_ranks_in_place(comm, starts);
  starts[0] = 0;
  starts[ranks_wanted] = rows;
  return starts;
}

}  // namespace

std::vector<int64_t> balanced_row_starts_of_file(MPI_Comm comm, const std::string& path, int ranks) {
  auto file = h5::File::open(comm, path);
  check_format(file);
  return find_row_starts(file, matrix_shape(file)[0], ranks);
}

RowLayout read_balanced_layout(MPI_Comm comm, const std::string& path) {
  RowLayout layout;
  auto file = h5::File::open(comm, path);
  check_format(file);
  const auto shape = matrix_shape(file);
  layout.rows = shape[0];
  layout.columns = shape[1];
  const int rank = comm_rank(comm);
  layout.row_starts = find_row_starts(file, shape[0], comm_size(comm));
  layout.first_row = layout.row_starts[rank];
  const int64_t local_rows = layout.row_starts[rank + 1] - layout.first_row;
  auto indptr = file.read_slice<int64_t>("/tfidf/indptr", layout.first_row, local_rows + 1);
  const int64_t entries = file.dataset_shape("/tfidf/indices").at(0);
  bool malformed = indptr.front() < 0 || indptr.back() > entries;
  for (size_t i = 1; i < indptr.size(); ++i) malformed = malformed || indptr[i] < indptr[i - 1];
  // Every rank learns of a bad indptr before anyone reads entries with it.
  if (lowest_rank_with(comm, malformed) >= 0)
    throw UserError(path + ": /tfidf/indptr is not a nondecreasing list of offsets into the entries");
  // PETSc numbers a rank's entries with 32-bit integers too.
  const int64_t most_entries = max_over_ranks(comm, indptr.back() - indptr.front());
  if (most_entries > INT32_MAX)
    throw UserError(path + ": a rank's share of the rows holds " + std::to_string(most_entries) +
                    " entries, more than the " + std::to_string(INT32_MAX) + " a rank can index; use at least " +
                    std::to_string(comm_size(comm) * (most_entries / INT32_MAX + 1)) + " ranks");
  layout.first_entry = indptr.front();
  for (auto& value : indptr) value -= layout.first_entry;
  layout.indptr = std::move(indptr);
  return layout;
}

void read_row_entries(
    MPI_Comm comm, const std::string& path, const RowLayout& layout, bool with_values, int64_t chunk_entries,
    const std::function<void(int64_t, const std::vector<int32_t>&, const std::vector<double>&)>& visit) {
  auto file = h5::File::open(comm, path);
  const int64_t entries = layout.indptr.back();
  // Reads are collective: every rank takes part in as many as the rank with the most.
  const int64_t chunks = max_over_ranks(comm, (entries + chunk_entries - 1) / chunk_entries);
  std::vector<double> values;
  std::string problem;  // the first bad entry of this rank's rows
  size_t row = 0;       // of the entry being checked, local
  int64_t previous = -1;
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const int64_t begin = std::min(entries, chunk * chunk_entries);
    const int64_t count = std::min(entries, begin + chunk_entries) - begin;
    const auto indices = file.read_slice<int32_t>("/tfidf/indices", layout.first_entry + begin, count);
    if (with_values) values = file.read_slice<double>("/tfidf/data", layout.first_entry + begin, count);
    for (int64_t i = 0; i < count && problem.empty(); ++i) {
      const int64_t entry = begin + i;
      while (entry >= layout.indptr[row + 1]) {
        ++row;
        previous = -1;
      }
      const int32_t column = indices[static_cast<size_t>(i)];
      const std::string where = " (row " + std::to_string(layout.first_row + static_cast<int64_t>(row)) + ")";
      if (column < 0 || column >= layout.columns)
        problem = path + ": /tfidf/indices holds column " + std::to_string(column) + ", out of range 0.." +
                  std::to_string(layout.columns - 1) + where;
      else if (column <= previous)
        problem = path + ": /tfidf/indices is not increasing within a row" + where + " (not a CSR matrix)";
      previous = column;
    }
    if (count > 0 && problem.empty()) visit(begin, indices, values);
  }
  // Every rank throws the same message, the lowest bad rank's, or none does.
  agree_collectively(comm, [&] {
    if (!problem.empty()) throw UserError(problem);
  });
}

CsrRows read_balanced_rows(MPI_Comm comm, const std::string& path, std::vector<int64_t>* row_starts) {
  const auto layout = read_balanced_layout(comm, path);
  if (row_starts) *row_starts = layout.row_starts;
  CsrRows rows;
  rows.first_row = layout.first_row;
  rows.indptr = layout.indptr;
  const int64_t entries = layout.indptr.back();
  read_row_entries(comm, path, layout, true, std::max<int64_t>(entries, 1),
                   [&](int64_t, const std::vector<int32_t>& indices, const std::vector<double>& values) {
                     rows.indices = indices;
                     rows.data = values;
                   });
  return rows;
}

CsrRowSource balanced_row_source(MPI_Comm comm, const std::string& path) {
  const auto summary = read_tfidf_summary(comm, path);
  auto layout = std::make_shared<const RowLayout>(read_balanced_layout(comm, path));
  CsrRowSource source;
  source.name = path;
  source.rows = layout->rows;
  source.columns = layout->columns;
  source.nnz = summary.nnz;
  source.first_row = layout->first_row;
  source.indptr = layout->indptr;
  source.read_entries = [comm, path, layout](bool with_values, int64_t chunk_entries,
                                             const CsrRowSource::ChunkVisitor& visit) {
    read_row_entries(comm, path, *layout, with_values, chunk_entries, visit);
  };
  return source;
}

}  // namespace dnmf::io
