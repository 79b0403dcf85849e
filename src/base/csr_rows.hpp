#pragma once
// Blocks of consecutive rows of a sparse matrix in compressed sparse row (CSR) form: the
// shape every document x term matrix has in dnmf, in memory and on disk.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dnmf {

// A block of consecutive rows of a CSR matrix, held by one rank. indptr is local
// (indptr[0] = 0); first_row is the global index of the first row.
struct CsrRows {
  int64_t first_row = 0;
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<double> data;
  int64_t rows() const { return static_cast<int64_t>(indptr.size()) - 1; }
  int64_t nnz() const { return indptr.back(); }
};

// This rank's block of rows of a stored CSR matrix, whose entries are read on demand in
// chunks: a reader builds its own arrays without ever holding the file's copy beside
// them. io/tfidf_file.hpp makes one for a TF-IDF file; the factorization builds its
// matrix from it without knowing the file format.
struct CsrRowSource {
  std::string name;                        // where the rows come from, for messages
  int64_t rows = 0, columns = 0, nnz = 0;  // of the whole matrix
  int64_t first_row = 0;                   // this rank's block
  std::vector<int64_t> indptr{0};          // local, starting at 0
  // visit(first local entry, column indices, values) for consecutive chunks.
  using ChunkVisitor = std::function<void(int64_t, const std::vector<int32_t>&, const std::vector<double>&)>;
  // Collective: visits this rank's entries in order, at most `chunk_entries` at a time;
  // `values` is empty unless `with_values`.
  std::function<void(bool with_values, int64_t chunk_entries, const ChunkVisitor&)> read_entries;
  int64_t local_rows() const { return static_cast<int64_t>(indptr.size()) - 1; }
};

}  // namespace dnmf
