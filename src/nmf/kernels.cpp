#include "src/nmf/kernels.hpp"

#include <algorithm>

namespace dnmf::nmf {
namespace {

class EventScope {
 public:
  explicit EventScope(PetscLogEvent event) : event_(event) { PetscLogEventBegin(event_, 0, 0, 0, 0); }
  ~EventScope() { PetscLogEventEnd(event_, 0, 0, 0, 0); }

 private:
  PetscLogEvent event_;
};

// row (k numbers) += value * source (k numbers)
inline void axpy(double* row, double value, const double* source, int64_t k) {
  for (int64_t c = 0; c < k; ++c) row[c] += value * source[c];
}

void v_ht_entries(const CsrBlock& block, PetscInt begin, PetscInt end, const double* ht, int64_t k, double* out) {
  for (PetscInt p = begin; p < end; ++p) axpy(out, block.value[p], ht + block.global_column(block.column[p]) * k, k);
}

// One row of V Ht, adding the row's entries in increasing global column whatever the
// split into PETSc's diagonal block (columns this rank owns) and off-diagonal block
// (the others, in increasing order), so the sum has the same rounding on any number
// of ranks.
void v_ht_row(const CsrBlock& diagonal, const CsrBlock& off_diagonal, PetscInt row, const double* ht, int64_t k,
              double* out) {
  PetscInt split = off_diagonal.row_start[row];
  const PetscInt off_end = off_diagonal.row_start[row + 1];
  while (split < off_end && off_diagonal.global_column(off_diagonal.column[split]) < diagonal.column_offset) ++split;
  v_ht_entries(off_diagonal, off_diagonal.row_start[row], split, ht, k, out);
  v_ht_entries(diagonal, diagonal.row_start[row], diagonal.row_start[row + 1], ht, k, out);
  v_ht_entries(off_diagonal, split, off_end, ht, k, out);
}

void vt_w_row(const CsrBlock& block, PetscInt row, const double* w_row, int64_t k, double* out) {
  for (PetscInt p = block.row_start[row]; p < block.row_start[row + 1]; ++p)
    axpy(out + block.global_column(block.column[p]) * k, block.value[p], w_row, k);
}

}  // namespace

const Events& Events::get() {
  static const Events events = [] {
    Events e{};
    PetscClassId id = 0;
    PetscClassIdRegister("dnmf factorization", &id);
    PetscLogEventRegister("V*Ht", id, &e.v_ht);
    PetscLogEventRegister("Vt*W", id, &e.vt_w);
    PetscLogEventRegister("Gram", id, &e.gram);
    PetscLogEventRegister("Allreduce", id, &e.allreduce);
    PetscLogEventRegister("Update", id, &e.update);
    PetscLogEventRegister("Error", id, &e.error);
    return e;
  }();
  return events;
}

void multiply_v_ht(const DataMatrix& v, const std::vector<double>& ht, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>& rows) {
  EventScope scope(Events::get().v_ht);
  product.assign(static_cast<size_t>(v.local_rows() * k), 0.0);
  auto one_row = [&](int64_t r) {
    v_ht_row(v.diagonal(), v.off_diagonal(), static_cast<PetscInt>(r), ht.data(), k, product.data() + r * k);
  };
  if (rows.empty()) {
    for (int64_t r = 0; r < v.local_rows(); ++r) one_row(r);
  } else {
    for (int64_t r : rows) one_row(r);
  }
}

void multiply_vt_w(const DataMatrix& v, const std::vector<double>& w, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>& rows) {
  EventScope scope(Events::get().vt_w);
  product.assign(static_cast<size_t>(v.columns() * k), 0.0);
  auto one_row = [&](int64_t r) {
    const double* w_row = w.data() + r * k;
    vt_w_row(v.diagonal(), static_cast<PetscInt>(r), w_row, k, product.data());
    vt_w_row(v.off_diagonal(), static_cast<PetscInt>(r), w_row, k, product.data());
  };
  if (rows.empty()) {
    for (int64_t r = 0; r < v.local_rows(); ++r) one_row(r);
  } else {
    for (int64_t r : rows) one_row(r);
  }
}

void gram(const std::vector<double>& x, int64_t count, int64_t k, std::vector<double>& result) {
  EventScope scope(Events::get().gram);
  result.assign(static_cast<size_t>(k * k), 0.0);
  // The upper triangle only, then mirrored: the matrix is symmetric.
  for (int64_t i = 0; i < count; ++i) {
    const double* row = x.data() + i * k;
    for (int64_t a = 0; a < k; ++a) {
      double* out = result.data() + a * k;
      const double scale = row[a];
      for (int64_t b = a; b < k; ++b) out[b] += scale * row[b];
    }
  }
  for (int64_t a = 0; a < k; ++a)
    for (int64_t b = 0; b < a; ++b) result[a * k + b] = result[b * k + a];
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double total = 0;
  for (size_t i = 0; i < a.size(); ++i) total += a[i] * b[i];
  return total;
}

}  // namespace dnmf::nmf
