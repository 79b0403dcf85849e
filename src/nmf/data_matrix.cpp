#include "src/nmf/data_matrix.hpp"

#include <cmath>
#include <cstring>

#include "io/tfidf_file.hpp"
#include "src/collective.hpp"
#include "src/comm.hpp"

namespace dnmf::nmf {
namespace {

void check_petsc(PetscErrorCode code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string("PETSc call failed: ") + what);
}

uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

DataMatrix::DataMatrix(MPI_Comm comm, const std::string& path) : comm_(comm) {
  const auto summary = io::read_tfidf_summary(comm, path);
  rows_ = summary.rows;
  columns_ = summary.columns;
  CsrRows local = io::read_balanced_rows(comm, path);
  first_row_ = local.first_row;
  local_rows_ = local.rows();
  nnz_ = summary.nnz;

  // Values must be finite and nonnegative; report how many are not and the first one.
  int64_t bad_here = 0;
  int64_t first_bad = INT64_MAX;
  double local_squares = 0, local_sum = 0;
  uint64_t local_fingerprint = 0;
  for (int64_t r = 0; r < local.rows(); ++r) {
    uint64_t row_hash = mix(static_cast<uint64_t>(first_row_ + r) + 0x632BE59BD9B4E019ull);
    for (int64_t p = local.indptr[r]; p < local.indptr[r + 1]; ++p) {
      const double value = local.data[p];
      if (!(value >= 0) || !std::isfinite(value)) {
        ++bad_here;
        first_bad = std::min(first_bad, (first_row_ + r) * columns_ + local.indices[p]);
      }
      local_squares += value * value;
      local_sum += value;
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      row_hash = mix(row_hash ^ mix(bits ^ (static_cast<uint64_t>(local.indices[p]) << 1)));
    }
    local_fingerprint += row_hash;  // a sum of row hashes: the same for any split into ranks
  }
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
  fingerprint_ = mix(fingerprint_ ^ mix(static_cast<uint64_t>(rows_)) ^ mix(static_cast<uint64_t>(columns_) << 7));

  // PETSc copies the arrays; the local CSR is freed when this constructor returns.
  std::vector<PetscInt> row_start(local.indptr.begin(), local.indptr.end());
  std::vector<PetscInt> column(local.indices.begin(), local.indices.end());
  local.indices.clear();
  local.indices.shrink_to_fit();
  check_petsc(MatCreateMPIAIJWithArrays(comm, static_cast<PetscInt>(local_rows_), PETSC_DECIDE,
                                        static_cast<PetscInt>(rows_), static_cast<PetscInt>(columns_),
                                        row_start.data(), column.data(), local.data.data(), &matrix_),
              "MatCreateMPIAIJWithArrays");

  Mat diagonal = nullptr, off_diagonal = nullptr;
  const PetscInt* column_map = nullptr;
  check_petsc(MatMPIAIJGetSeqAIJ(matrix_, &diagonal, &off_diagonal, &column_map), "MatMPIAIJGetSeqAIJ");
  PetscInt column_start = 0, column_end = 0;
  check_petsc(MatGetOwnershipRangeColumn(matrix_, &column_start, &column_end), "MatGetOwnershipRangeColumn");
  auto view = [&](Mat block, CsrBlock& out) {
    PetscBool done = PETSC_FALSE;
    PetscInt rows = 0;
    check_petsc(MatGetRowIJ(block, 0, PETSC_FALSE, PETSC_FALSE, &rows, &out.row_start, &out.column, &done),
                "MatGetRowIJ");
    check_petsc(MatSeqAIJGetArrayRead(block, &out.value), "MatSeqAIJGetArrayRead");
    out.rows = rows;
  };
  view(diagonal, diagonal_);
  diagonal_.column_offset = column_start;
  view(off_diagonal, off_diagonal_);
  off_diagonal_.column_map = column_map;
}

DataMatrix::~DataMatrix() {
  if (matrix_ == nullptr) return;
  Mat diagonal = nullptr, off_diagonal = nullptr;
  const PetscInt* column_map = nullptr;
  if (MatMPIAIJGetSeqAIJ(matrix_, &diagonal, &off_diagonal, &column_map) == 0) {
    PetscBool done = PETSC_FALSE;
    PetscInt rows = 0;
    MatSeqAIJRestoreArrayRead(diagonal, &diagonal_.value);
    MatRestoreRowIJ(diagonal, 0, PETSC_FALSE, PETSC_FALSE, &rows, &diagonal_.row_start, &diagonal_.column, &done);
    MatSeqAIJRestoreArrayRead(off_diagonal, &off_diagonal_.value);
    MatRestoreRowIJ(off_diagonal, 0, PETSC_FALSE, PETSC_FALSE, &rows, &off_diagonal_.row_start, &off_diagonal_.column,
                    &done);
  }
  MatDestroy(&matrix_);
}

}  // namespace dnmf::nmf
