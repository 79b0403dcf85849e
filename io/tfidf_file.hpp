#pragma once
// The dnmf TF-IDF file (format "dnmf-tfidf", docs/formats.md):
//   /tfidf/data, /tfidf/indices, /tfidf/indptr   CSR (float64, int32, int64), attributes
//                                                 shape = [rows, columns],
//                                                 encoding-type = "csr_matrix"
//   /vocabulary/{utf8,offsets}   column terms (string table, see h5::File::write_strings)
//   /idf, /document_frequency    per column
//   /documents/{utf8,offsets}    document ids, per row
//   /snippets/{utf8,offsets}     each document's first words, per row (text input)
//   /labels (int32 per row) and /label_names/{utf8,offsets}, when the input has labels
//   root attributes: format, format_version, dnmf_version, and every vectorizer parameter
// Written collectively, each rank its own rows and its own vocabulary slice, into a
// temporary file that is renamed over the target only when complete.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "src/base/csr_rows.hpp"

namespace dnmf::h5 {
class File;
}  // namespace dnmf::h5

namespace dnmf::io {

struct TfidfFileSlices {
  int64_t rows = 0, columns = 0;
  CsrRows matrix;                         // this rank's rows
  std::vector<std::string> document_ids;  // this rank's rows
  std::vector<std::string> snippets;      // this rank's rows' first words (empty: none, on every rank)
  std::vector<int32_t> labels;            // this rank's rows (empty: no labels)
  std::vector<std::string> label_names;   // same on every rank
  int64_t first_column = 0;               // this rank's vocabulary slice
  std::vector<std::string> terms;
  std::vector<double> idf;
  std::vector<int64_t> document_frequency;             // written unless without_document_frequency
  bool without_document_frequency = false;             // the same on every rank
  std::map<std::string, std::string> text_attributes;  // same on every rank
  std::map<std::string, int64_t> integer_attributes;
};

// Collective; `final_path` appears only once the file is complete.
void write_tfidf_file(MPI_Comm comm, const std::string& final_path, const TfidfFileSlices& slices);

struct TfidfFileSummary {
  int64_t rows = 0, columns = 0, nnz = 0;
  bool has_labels = false;
  std::vector<std::string> datasets;
  std::map<std::string, std::string> attributes;
};

// Collective. Checks that `path` is a dnmf TF-IDF file.
TfidfFileSummary read_tfidf_summary(MPI_Comm comm, const std::string& path);

// Collective: rows first_row.. of /labels (a TF-IDF file's, or a model's, which copies
// it), each checked to be the number of one of `label_count` /label_names; every rank
// learns of a bad one.
std::vector<int32_t> read_labels(const h5::File& file, int64_t first_row, int64_t count, int64_t label_count);

// Collective: each rank reads the block of rows that gives it about nnz / ranks
// nonzeros (src/base/row_partition.hpp), with collective hyperslab reads; no rank reads the
// whole indptr. `row_starts` receives the first row of every rank (ranks + 1 values).
CsrRows read_balanced_rows(MPI_Comm comm, const std::string& path, std::vector<int64_t>* row_starts = nullptr);

// This rank's balanced block of rows: its first row, its indptr (local, starting at 0),
// and where its entries start in /tfidf/indices and /tfidf/data.
struct RowLayout {
  int64_t rows = 0, columns = 0;  // of the whole matrix
  int64_t first_row = 0;
  int64_t first_entry = 0;
  std::vector<int64_t> indptr{0};
  std::vector<int64_t> row_starts;  // first row of every rank, ranks + 1 values
};

// Collective. Throws UserError (on every rank) for a malformed indptr.
RowLayout read_balanced_layout(MPI_Comm comm, const std::string& path);

// Collective: streams this rank's entries in chunks of at most `chunk_entries`, calling
// visit(first local entry, column indices, values) in order; `values` is empty unless
// `with_values`. Columns are checked against the matrix width. Lets a caller build its
// own arrays without ever holding the file's copy of the block beside them.
void read_row_entries(
    MPI_Comm comm, const std::string& path, const RowLayout& layout, bool with_values, int64_t chunk_entries,
    const std::function<void(int64_t, const std::vector<int32_t>&, const std::vector<double>&)>& visit);

// Collective: this rank's balanced block (as read_balanced_layout) as a source of rows
// whose entries are read on demand (read_row_entries).
CsrRowSource balanced_row_source(MPI_Comm comm, const std::string& path);

// The row blocks `ranks` ranks would get (rank-count independent of the caller's comm).
std::vector<int64_t> balanced_row_starts_of_file(MPI_Comm comm, const std::string& path, int ranks);

}  // namespace dnmf::io
