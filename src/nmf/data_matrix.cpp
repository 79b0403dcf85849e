#include "src/nmf/data_matrix.hpp"

#include <cmath>
#include <cstring>
#include <utility>

#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/hash.hpp"
#include "src/base/petsc_check.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::nmf {
namespace {

// Entries are read twice in chunks of this many, first to size the two blocks, then to
// fill them, so the block of V is never held twice.
constexpr int64_t kChunkEntries = int64_t{1} << 22;

// Finds the local row of local entry `entry`, moving `row` forward only.
void advance_to_row_of(const std::vector<int64_t>& indptr, int64_t entry, int64_t& row) {
  while (indptr[row + 1] <= entry) ++row;
}

// The seed of a row's hash: rows with no entries hash too, so that where empty rows are
// changes the fingerprint.
uint64_t row_hash_seed(int64_t global_row) { return mix64(static_cast<uint64_t>(global_row) + 0x632BE59BD9B4E019ull); }

// What filling the blocks learns about this rank's entries.
struct EntryStatistics {
  int64_t bad = 0;                // negative, NaN or infinite
  int64_t first_bad = INT64_MAX;  // row * columns + column of the first bad one
  double squares = 0, sum = 0;
  uint64_t fingerprint = 0;  // a sum of row hashes: any split of the rows gives the same
};

}  // namespace

DataMatrix::DataMatrix(MPI_Comm comm, const CsrRowSource& source)
    : comm_(comm),
      rank_(comm_rank(comm)),
      rows_(source.rows),
      columns_(source.columns),
      first_row_(source.first_row),
      local_rows_(source.local_rows()),
      nnz_(source.nnz) {
  // The columns this rank "owns" form PETSc's diagonal block and are the columns of H it
  // updates; updating a column costs the same for every column, so split them evenly.
  const int ranks = comm_size(comm);
  for (int r = 0; r <= ranks; ++r) column_split_.push_back(even_split_start(columns_, r, ranks));
  size_blocks(source, kChunkEntries);
  fill_blocks(source, kChunkEntries);
  create_petsc_matrix();
}

// Step 1: how many of each row's entries fall in the diagonal block; the row starts of
// both blocks and their arrays, sized.
void DataMatrix::size_blocks(const CsrRowSource& source, int64_t chunk_entries) {
  const int64_t column_start = first_owned_column(), column_end = column_start + owned_columns();
  std::vector<PetscInt> diagonal_count(static_cast<size_t>(local_rows_), 0);
  int64_t row = 0;
  source.read_entries(false, chunk_entries,
                      [&](int64_t first, const std::vector<int32_t>& columns, const std::vector<double>&) {
                        for (size_t p = 0; p < columns.size(); ++p) {
                          advance_to_row_of(source.indptr, first + static_cast<int64_t>(p), row);
                          diagonal_count[row] += columns[p] >= column_start && columns[p] < column_end;
                        }
                      });
  diagonal_row_start_.assign(static_cast<size_t>(local_rows_) + 1, 0);
  off_diagonal_row_start_.assign(static_cast<size_t>(local_rows_) + 1, 0);
  for (int64_t r = 0; r < local_rows_; ++r) {
    diagonal_row_start_[r + 1] = diagonal_row_start_[r] + diagonal_count[r];
    off_diagonal_row_start_[r + 1] =
        off_diagonal_row_start_[r] + static_cast<PetscInt>(source.indptr[r + 1] - source.indptr[r]) - diagonal_count[r];
  }
  diagonal_column_.resize(static_cast<size_t>(diagonal_row_start_.back()));
  diagonal_value_.resize(diagonal_column_.size());
  off_diagonal_column_.resize(static_cast<size_t>(off_diagonal_row_start_.back()));
  off_diagonal_value_.resize(off_diagonal_column_.size());
}

// Step 2: the entries into the two blocks; meanwhile the values are checked and the
// norms and the fingerprint taken, then agreed over ranks.
void DataMatrix::fill_blocks(const CsrRowSource& source, int64_t chunk_entries) {
  const int64_t column_start = first_owned_column(), column_end = column_start + owned_columns();
  EntryStatistics local;
  std::vector<PetscInt> diagonal_next(diagonal_row_start_.begin(), diagonal_row_start_.end() - 1);
  std::vector<PetscInt> off_diagonal_next(off_diagonal_row_start_.begin(), off_diagonal_row_start_.end() - 1);
  int64_t row = 0, hashed_row = -1;
  uint64_t row_hash = 0;
  source.read_entries(true, chunk_entries,
                      [&](int64_t first, const std::vector<int32_t>& columns, const std::vector<double>& values) {
                        for (size_t p = 0; p < columns.size(); ++p) {
                          advance_to_row_of(source.indptr, first + static_cast<int64_t>(p), row);
                          if (row != hashed_row) {
                            if (hashed_row >= 0) local.fingerprint += row_hash;
                            hashed_row = row;
                            row_hash = row_hash_seed(first_row_ + row);
                          }
                          const int64_t column = columns[p];
                          const double value = values[p];
                          if (!(value >= 0) || !std::isfinite(value)) {
                            ++local.bad;
                            local.first_bad = std::min(local.first_bad, (first_row_ + row) * columns_ + column);
                          }
                          local.squares += value * value;
                          local.sum += value;
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
  if (hashed_row >= 0) local.fingerprint += row_hash;
  for (int64_t r = 0; r < local_rows_; ++r)
    if (source.indptr[r + 1] == source.indptr[r]) local.fingerprint += row_hash_seed(first_row_ + r);

  const int64_t bad = sum_over_ranks(comm_, local.bad);
  if (bad > 0) {
    const int64_t first = -max_over_ranks(comm_, -local.first_bad);
    run_collectively(comm_, [&] {
      if (rank_ == 0)
        throw UserError(source.name + ": " + std::to_string(bad) +
                        " entries of V are negative, NaN or infinite (first at row " +
                        std::to_string(first / columns_) + ", column " + std::to_string(first % columns_) +
                        "); NMF needs nonnegative finite values");
    });
  }
  squared_norm_ = sum_over_ranks(comm_, local.squares);
  sum_ = sum_over_ranks(comm_, local.sum);
  fingerprint_ = static_cast<uint64_t>(sum_over_ranks(comm_, static_cast<int64_t>(local.fingerprint)));
  fingerprint_ =
      mix64(fingerprint_ ^ mix64(static_cast<uint64_t>(rows_)) ^ mix64(static_cast<uint64_t>(columns_) << 7));
}

// Step 3: PETSc's matrix on the two blocks, and the kernels' view of them.
void DataMatrix::create_petsc_matrix() {
  const int64_t column_start = first_owned_column();
  // PETSc uses these arrays as they are (no copy); they live as long as the matrix.
  petsc_check(MatCreateMPIAIJWithSplitArrays(
                  comm_, static_cast<PetscInt>(local_rows_), static_cast<PetscInt>(owned_columns()),
                  static_cast<PetscInt>(rows_), static_cast<PetscInt>(columns_), diagonal_row_start_.data(),
                  diagonal_column_.data(), diagonal_value_.data(), off_diagonal_row_start_.data(),
                  off_diagonal_column_.data(), off_diagonal_value_.data(), &matrix_),
              "MatCreateMPIAIJWithSplitArrays");
  // Assembly renumbers the off-diagonal columns in place (compressed, with a map to the
  // global ones), so the kernels read both blocks through PETSc's view of them.
  Mat diagonal = nullptr, off_diagonal = nullptr;
  const PetscInt* column_map = nullptr;
  petsc_check(MatMPIAIJGetSeqAIJ(matrix_, &diagonal, &off_diagonal, &column_map), "MatMPIAIJGetSeqAIJ");
  auto view = [&](Mat block, CsrBlock& out) {
    PetscBool done = PETSC_FALSE;
    PetscInt block_rows = 0;
    petsc_check(MatGetRowIJ(block, 0, PETSC_FALSE, PETSC_FALSE, &block_rows, &out.row_start, &out.column, &done),
                "MatGetRowIJ");
    petsc_check(MatSeqAIJGetArrayRead(block, &out.value), "MatSeqAIJGetArrayRead");
    out.rows = block_rows;
  };
  view(diagonal, diagonal_);
  diagonal_.column_offset = static_cast<PetscInt>(column_start);
  view(off_diagonal, off_diagonal_);
  off_diagonal_.column_map = column_map;
  petsc_check(MatGetSize(off_diagonal, nullptr, &off_diagonal_column_count_), "MatGetSize");
}

void DataMatrix::keep_transposed_copy() {
  ColumnMajorCopy copy;
  copy.column_start.assign(static_cast<size_t>(columns_) + 1, 0);
  for (const CsrBlock* block : {&diagonal_, &off_diagonal_})
    for (PetscInt p = 0; p < block->row_start[block->rows]; ++p)
      ++copy.column_start[block->global_column(block->column[p]) + 1];
  for (int64_t j = 0; j < columns_; ++j) copy.column_start[j + 1] += copy.column_start[j];
  copy.row.resize(static_cast<size_t>(copy.column_start.back()));
  copy.value.resize(copy.row.size());
  std::vector<PetscInt> next(copy.column_start.begin(), copy.column_start.end() - 1);
  // Rows in increasing order, so each column lists its rows in increasing order: the
  // order in which the scattering product adds them.
  for (PetscInt r = 0; r < static_cast<PetscInt>(local_rows_); ++r)
    for (const CsrBlock* block : {&diagonal_, &off_diagonal_})
      for (PetscInt p = block->row_start[r]; p < block->row_start[r + 1]; ++p) {
        const PetscInt at = next[block->global_column(block->column[p])]++;
        copy.row[at] = r;
        copy.value[at] = block->value[p];
      }
  transposed_ = std::move(copy);
}

std::vector<int64_t> DataMatrix::used_columns() const {
  std::vector<bool> owned_used(static_cast<size_t>(owned_columns()), false);
  for (PetscInt p = 0; p < diagonal_.row_start[diagonal_.rows]; ++p) owned_used[diagonal_.column[p]] = true;
  // PETSc's column map lists the off-diagonal columns with entries, increasing; the owned
  // range lies between those below it and those above it.
  const PetscInt off_columns = off_diagonal_column_count_;
  std::vector<int64_t> used;
  PetscInt next = 0;
  for (; next < off_columns && off_diagonal_.column_map[next] < first_owned_column(); ++next)
    used.push_back(off_diagonal_.column_map[next]);
  for (int64_t c = 0; c < owned_columns(); ++c)
    if (owned_used[c]) used.push_back(first_owned_column() + c);
  for (; next < off_columns; ++next) used.push_back(off_diagonal_.column_map[next]);
  return used;
}

std::vector<int64_t> DataMatrix::column_block_starts(int64_t width) const {
  std::vector<int64_t> starts;
  for (int64_t column : column_split_) starts.push_back(column * width);
  return starts;
}

// Unchecked (see src/base/petsc_check.hpp): a destructor cannot report a failure.
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
