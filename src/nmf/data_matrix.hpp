#pragma once
// V, the documents x vocabulary TF-IDF matrix, as the factorization sees it: a PETSc
// MATMPIAIJ whose rows are split over the ranks by nonzeros (the CsrRowSource it is built
// from, which io/tfidf_file.hpp makes for a file, decides the split). PETSc
// keeps the columns a rank "owns" in a diagonal block and the others in an off-diagonal
// block; dnmf builds those two CSR blocks itself, straight from the source, hands them to
// PETSc without a copy (MatCreateMPIAIJWithSplitArrays), and the kernels in kernels.hpp
// read them directly. So the rank's share of V is in memory once.
#include <mpi.h>
#include <petscmat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/base/csr_rows.hpp"

namespace dnmf::nmf {

struct CsrBlock {
  PetscInt rows = 0;
  const PetscInt* row_start = nullptr;  // rows + 1
  const PetscInt* column = nullptr;     // local column numbers
  const PetscScalar* value = nullptr;
  const PetscInt* column_map = nullptr;  // global column of a local one; nullptr: column_offset + local
  PetscInt column_offset = 0;
  int64_t global_column(PetscInt local) const { return column_map ? column_map[local] : column_offset + local; }
};

// This rank's entries of V by column (CSC): column j's entries are
// [column_start[j], column_start[j + 1]) of row (local rows, increasing) and value.
struct ColumnMajorCopy {
  std::vector<PetscInt> column_start, row;
  std::vector<PetscScalar> value;
};

class DataMatrix {
 public:
  // Collective. Checks the values: a negative, NaN or infinite entry is a UserError that
  // names the source and gives their count and the first one's position.
  DataMatrix(MPI_Comm comm, const CsrRowSource& source);
  ~DataMatrix();
  DataMatrix(const DataMatrix&) = delete;
  DataMatrix& operator=(const DataMatrix&) = delete;

  MPI_Comm comm() const { return comm_; }
  int64_t rows() const { return rows_; }
  int64_t columns() const { return columns_; }
  int64_t first_row() const { return first_row_; }
  int64_t local_rows() const { return local_rows_; }
  int64_t nnz() const { return nnz_; }
  double squared_norm() const { return squared_norm_; }  // ||V||_F^2, over all ranks
  double mean() const { return sum_ / (static_cast<double>(rows_) * static_cast<double>(columns_)); }
  uint64_t fingerprint() const { return fingerprint_; }  // independent of the number of ranks
  // Rank r owns columns [column_split()[r], column_split()[r + 1]): they form PETSc's
  // diagonal block, and they are the columns of H that rank updates.
  const std::vector<int64_t>& column_split() const { return column_split_; }
  int64_t first_owned_column() const { return column_split_[rank_]; }
  int64_t owned_columns() const { return column_split_[rank_ + 1] - column_split_[rank_]; }
  // Where each rank's block of columns starts in a (columns x width) row-major array, and
  // where the array ends: the block layout of src/comm's block sums and shares.
  std::vector<int64_t> column_block_starts(int64_t width) const;
  // The global columns this rank's entries use, increasing: the terms its share of the
  // products touches (PETSc's ghost columns and the owned columns with entries).
  std::vector<int64_t> used_columns() const;
  // --transposed-copy: keeps this rank's entries once more by column, so that V^T W
  // gathers a column's sum instead of scattering every row (as much memory again as the
  // rank's share of V). transposed() is null until then.
  void keep_transposed_copy();
  const ColumnMajorCopy* transposed() const { return transposed_ ? &*transposed_ : nullptr; }
  const CsrBlock& diagonal() const { return diagonal_; }
  const CsrBlock& off_diagonal() const { return off_diagonal_; }
  Mat petsc() const { return matrix_; }

 private:
  // The construction, one step each (data_matrix.cpp).
  void size_blocks(const CsrRowSource& source, int64_t chunk_entries);
  void fill_blocks(const CsrRowSource& source, int64_t chunk_entries);
  void create_petsc_matrix();

  MPI_Comm comm_;
  Mat matrix_ = nullptr;
  // The two CSR blocks PETSc's matrix is built on (off-diagonal columns are global).
  std::vector<PetscInt> diagonal_row_start_, diagonal_column_, off_diagonal_row_start_, off_diagonal_column_;
  std::vector<PetscScalar> diagonal_value_, off_diagonal_value_;
  int rank_ = 0;
  std::vector<int64_t> column_split_;
  int64_t rows_ = 0, columns_ = 0, first_row_ = 0, local_rows_ = 0, nnz_ = 0;
  double squared_norm_ = 0, sum_ = 0;
  uint64_t fingerprint_ = 0;
  CsrBlock diagonal_, off_diagonal_;
  PetscInt off_diagonal_column_count_ = 0;  // columns of the compressed off-diagonal block
  std::optional<ColumnMajorCopy> transposed_;
};

// visit(global column, value, whether the off-diagonal block holds it, its position in that
// block) for local row `row`'s entries in increasing global column: sums along a row then
// round the same way on any number of ranks (as kernels.cpp's products do).
template <class Visit>
void visit_row_positions(const DataMatrix& v, int64_t row, Visit&& visit) {
  const CsrBlock& diagonal = v.diagonal();
  const CsrBlock& off = v.off_diagonal();
  PetscInt p = off.row_start[row];
  const PetscInt off_end = off.row_start[row + 1];
  for (; p < off_end && off.global_column(off.column[p]) < diagonal.column_offset; ++p)
    visit(off.global_column(off.column[p]), off.value[p], true, p);
  for (PetscInt q = diagonal.row_start[row]; q < diagonal.row_start[row + 1]; ++q)
    visit(diagonal.global_column(diagonal.column[q]), diagonal.value[q], false, q);
  for (; p < off_end; ++p) visit(off.global_column(off.column[p]), off.value[p], true, p);
}

// visit(global column, value) for local row `row`'s entries in increasing global column.
template <class Visit>
void visit_row(const DataMatrix& v, int64_t row, Visit&& visit) {
  visit_row_positions(v, row, [&](int64_t column, double x, bool, PetscInt) { visit(column, x); });
}

}  // namespace dnmf::nmf
