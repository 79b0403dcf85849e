#include "src/nmf/data_matrix.hpp"

#include <cmath>
#include <cstring>

#include "io/tfidf_file.hpp"
#include "src/collective.hpp"
#include "src/comm.hpp"
#include "src/hash.hpp"
#include "src/row_partition.hpp"

namespace dnmf::nmf {
namespace {

void check_petsc(PetscErrorCode code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string("PETSc call failed: ") + what);
}


}  // namespace

DataMatrix::DataMatrix(MPI_Comm comm, const std::string& path) : comm_(comm) {
  const auto summary = io::read_tfidf_summary(comm, path);
  nnz_ = summary.nnz;
  const auto layout = io::read_balanced_layout(comm, path);
  rows_ = layout.rows;
  columns_ = layout.columns;
  first_row_ = layout.first_row;
  local_rows_ = static_cast<int64_t>(layout.indptr.size()) - 1;
  rank_ = comm_rank(comm);
  const int rank = rank_, ranks = comm_size(comm);
  // The columns this rank "owns" form PETSc's diagonal block and are the columns of H it
  // updates; updating a column costs the same for every column, so split them evenly.
  for (int r = 0; r <= ranks; ++r) column_split_.push_back(even_split_start(columns_, r, ranks));
  const int64_t column_start = column_split_[rank];
  const int64_t column_end = column_split_[rank + 1];
  // Entries are read twice in chunks, first to size the two blocks, then to fill them,
  // so the block of V is never held twice.
  constexpr int64_t kChunkEntries = int64_t{1} << 22;

  auto row_of = [&](int64_t entry, int64_t& row) {
    while (layout.indptr[row + 1] <= entry) ++row;
  };
  std::vector<PetscInt> diagonal_count(static_cast<size_t>(local_rows_), 0);
  int64_t row = 0;
  io::read_row_entries(comm, path, layout, false, kChunkEntries,
                       [&](int64_t first, const std::vector<int32_t>& columns, const std::vector<double>&) {
                         for (size_t p = 0; p < columns.size(); ++p) {
                           row_of(first + static_cast<int64_t>(p), row);
                           diagonal_count[row] += columns[p] >= column_start && columns[p] < column_end;
                         }
                       });
  diagonal_row_start_.assign(static_cast<size_t>(local_rows_) + 1, 0);
  off_diagonal_row_start_.assign(static_cast<size_t>(local_rows_) + 1, 0);
  for (int64_t r = 0; r < local_rows_; ++r) {
    diagonal_row_start_[r + 1] = diagonal_row_start_[r] + diagonal_count[r];
    off_diagonal_row_start_[r + 1] = off_diagonal_row_start_[r] +
                                     static_cast<PetscInt>(layout.indptr[r + 1] - layout.indptr[r]) - diagonal_count[r];
  }
  diagonal_count = {};
  diagonal_column_.resize(static_cast<size_t>(diagonal_row_start_.back()));
  diagonal_value_.resize(diagonal_column_.size());
  off_diagonal_column_.resize(static_cast<size_t>(off_diagonal_row_start_.back()));
  off_diagonal_value_.resize(off_diagonal_column_.size());

  // Fill the blocks; meanwhile check the values and take the norms and the fingerprint.
  int64_t bad_here = 0;
  int64_t first_bad = INT64_MAX;
  double local_squares = 0, local_sum = 0;
  uint64_t local_fingerprint = 0;
  std::vector<PetscInt> diagonal_next(diagonal_row_start_.begin(), diagonal_row_start_.end() - 1);
  std::vector<PetscInt> off_diagonal_next(off_diagonal_row_start_.begin(), off_diagonal_row_start_.end() - 1);
  row = 0;
  int64_t hashed_row = -1;
  uint64_t row_hash = 0;
  auto finish_row_hash = [&] {
    if (hashed_row >= 0) local_fingerprint += row_hash;  // a sum of row hashes: any split gives the same
  };
  io::read_row_entries(
      comm, path, layout, true, kChunkEntries,
      [&](int64_t first, const std::vector<int32_t>& columns, const std::vector<double>& values) {
        for (size_t p = 0; p < columns.size(); ++p) {
          row_of(first + static_cast<int64_t>(p), row);
          if (row != hashed_row) {
            finish_row_hash();
            hashed_row = row;
            row_hash = mix64(static_cast<uint64_t>(first_row_ + row) + 0x632BE59BD9B4E019ull);
          }
          const int64_t column = columns[p];
          const double value = values[p];
          if (!(value >= 0) || !std::isfinite(value)) {
            ++bad_here;
            first_bad = std::min(first_bad, (first_row_ + row) * columns_ + column);
          }
          local_squares += value * value;
          local_sum += value;
          uint64_t bits;
          std::memcpy(&bits, &value, sizeof bits);
          row_hash = mix64(row_hash ^ mix64(bits ^ (static_cast<uint64_t>(column) << 1)));
          if (column >= column_start && column < column_end) {
            const PetscInt at = diagonal_next[row]++;
            diagonal_column_[at] = static_cast<PetscInt>(column - column_start);
            diagonal_value_[at] = value;
          } else {
            const PetscInt at = off_diagonal_next[row]++;
            off_diagonal_column_[at] = static_cast<PetscInt>(column);
            off_diagonal_value_[at] = value;
          }
        }
      });
  finish_row_hash();
  // Rows with no entries hash too, so that where empty rows are changes the fingerprint.
  for (int64_t r = 0; r < local_rows_; ++r)
    if (layout.indptr[r + 1] == layout.indptr[r]) local_fingerprint += mix64(static_cast<uint64_t>(first_row_ + r) + 0x632BE59BD9B4E019ull);

  const int64_t bad = sum_over_ranks(comm, bad_here);
  if (bad > 0) {
    const int64_t first = -max_over_ranks(comm, -first_bad);
    run_collectively(comm, [&] {
      if (comm_rank(comm) == 0)
        throw UserError(path + ": " + std::to_string(bad) +
                        " entries of V are negative, NaN or infinite (first at row " + std::to_string(first / columns_) +
                        ", column " + std::to_string(first % columns_) + "); NMF needs nonnegative finite values");
    });
  }
  squared_norm_ = sum_over_ranks(comm, local_squares);
  sum_ = sum_over_ranks(comm, local_sum);
  fingerprint_ = static_cast<uint64_t>(sum_over_ranks(comm, static_cast<int64_t>(local_fingerprint)));
  fingerprint_ = mix64(fingerprint_ ^ mix64(static_cast<uint64_t>(rows_)) ^ mix64(static_cast<uint64_t>(columns_) << 7));

  // PETSc uses these arrays as they are (no copy); they live as long as the matrix.
  check_petsc(MatCreateMPIAIJWithSplitArrays(
                  comm, static_cast<PetscInt>(local_rows_), static_cast<PetscInt>(column_end - column_start),
                  static_cast<PetscInt>(rows_), static_cast<PetscInt>(columns_), diagonal_row_start_.data(),
                  diagonal_column_.data(), diagonal_value_.data(), off_diagonal_row_start_.data(),
                  off_diagonal_column_.data(), off_diagonal_value_.data(), &matrix_),
              "MatCreateMPIAIJWithSplitArrays");
  // Assembly renumbers the off-diagonal columns in place (compressed, with a map to the
  // global ones), so the kernels read both blocks through PETSc's view of them.
  Mat diagonal = nullptr, off_diagonal = nullptr;
  const PetscInt* column_map = nullptr;
  check_petsc(MatMPIAIJGetSeqAIJ(matrix_, &diagonal, &off_diagonal, &column_map), "MatMPIAIJGetSeqAIJ");
  auto view = [&](Mat block, CsrBlock& out) {
    PetscBool done = PETSC_FALSE;
    PetscInt block_rows = 0;
    check_petsc(MatGetRowIJ(block, 0, PETSC_FALSE, PETSC_FALSE, &block_rows, &out.row_start, &out.column, &done),
                "MatGetRowIJ");
    check_petsc(MatSeqAIJGetArrayRead(block, &out.value), "MatSeqAIJGetArrayRead");
    out.rows = block_rows;
  };
  view(diagonal, diagonal_);
  diagonal_.column_offset = static_cast<PetscInt>(column_start);
  view(off_diagonal, off_diagonal_);
  off_diagonal_.column_map = column_map;
}

std::vector<int64_t> DataMatrix::column_block_starts(int64_t width) const {
  std::vector<int64_t> starts;
  for (int64_t column : column_split_) starts.push_back(column * width);
  return starts;
}

DataMatrix::~DataMatrix() {
  if (matrix_ == nullptr) return;
  Mat diagonal = nullptr, off_diagonal = nullptr;
  const PetscInt* column_map = nullptr;
  if (MatMPIAIJGetSeqAIJ(matrix_, &diagonal, &off_diagonal, &column_map) == 0) {
    PetscBool done = PETSC_FALSE;
    PetscInt block_rows = 0;
    MatSeqAIJRestoreArrayRead(diagonal, &diagonal_.value);
    MatRestoreRowIJ(diagonal, 0, PETSC_FALSE, PETSC_FALSE, &block_rows, &diagonal_.row_start, &diagonal_.column, &done);
    MatSeqAIJRestoreArrayRead(off_diagonal, &off_diagonal_.value);
    MatRestoreRowIJ(off_diagonal, 0, PETSC_FALSE, PETSC_FALSE, &block_rows, &off_diagonal_.row_start,
                    &off_diagonal_.column, &done);
  }
  MatDestroy(&matrix_);
}

}  // namespace dnmf::nmf
