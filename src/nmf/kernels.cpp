#include "src/nmf/kernels.hpp"

#include <algorithm>
#include <utility>

#include "src/base/log_events.hpp"
#include "src/nmf/width.hpp"

namespace dnmf::nmf {
namespace {

// The products read (V Ht) or update (Vt W) one row of k numbers per entry of V, at the
// entry's column: a random row of an array far larger than the caches. Out of order
// execution alone cannot look far enough ahead to hide that latency (each entry's
// arithmetic waits on its row), so the kernels ask for the row of the entry
// kPrefetchDistance places further on in the same block: the blocks are consumed in their
// storage order, row after row, so that row is needed soon. On the 200,000 x 50,000
// uniform benchmark at k = 50 this made V Ht 5x and Vt W 2x faster; distances 16-32 were
// best there, 8 nearly as good.
constexpr PetscInt kPrefetchDistance = 16;

// Asks for the cache lines of row (k numbers) ahead of use: one per 64 bytes, and the
// last number's line, which a row not aligned to a line spills into.
template <class Wd, class Number>
inline void prefetch_row(Wd w, const Number* row, bool for_writing) {
  constexpr int64_t kPerLine = 64 / sizeof(Number);
  for (int64_t c = 0; c < w.k(); c += kPerLine) {
    if (for_writing)
      __builtin_prefetch(row + c, 1);
    else
      __builtin_prefetch(row + c, 0);
  }
  if (for_writing)
    __builtin_prefetch(row + w.k() - 1, 1);
  else
    __builtin_prefetch(row + w.k() - 1, 0);
}

// The row of `factor` (k numbers per column) that entry `p` + kPrefetchDistance of the
// block will use; the block's last entry near its end.
template <class Wd, class Number>
inline const Number* row_ahead(Wd w, const CsrBlock& block, PetscInt p, const Number* factor) {
  const PetscInt ahead = std::min(p + kPrefetchDistance, block.row_start[block.rows] - 1);
  return factor + block.global_column(block.column[ahead]) * w.k();
}

// row (k numbers) += value * source (k numbers)
template <class Wd, class Number>
inline void axpy(Wd w, double* row, double value, const Number* source) {
  for (int64_t c = 0; c < w.k(); ++c) row[c] += value * source[c];
}

// One row of V Ht, adding the row's entries in increasing global column whatever the
// split into PETSc's diagonal block (columns this rank owns) and off-diagonal block
// (the others, in increasing order), so the sum has the same rounding on any number
// of ranks. The three stretches run in one loop over one row of sums (sum_into).
template <class Wd, class Number>
void v_ht_row(Wd w, const CsrBlock& diagonal, const CsrBlock& off_diagonal, PetscInt row, const Number* ht,
              double* out) {
  const PetscInt off_begin = off_diagonal.row_start[row], off_end = off_diagonal.row_start[row + 1];
  const PetscInt split = static_cast<PetscInt>(
      std::partition_point(off_diagonal.column + off_begin, off_diagonal.column + off_end,
                           [&](PetscInt c) { return off_diagonal.global_column(c) < diagonal.column_offset; }) -
      off_diagonal.column);
  const CsrBlock* blocks[3] = {&off_diagonal, &diagonal, &off_diagonal};
  const PetscInt begins[3] = {off_begin, diagonal.row_start[row], split};
  const PetscInt ends[3] = {split, diagonal.row_start[row + 1], off_end};
  sum_into(w, out, [&](double* sums) {
    for (int stretch = 0; stretch < 3; ++stretch) {
      const CsrBlock& block = *blocks[stretch];
      for (PetscInt p = begins[stretch]; p < ends[stretch]; ++p) {
        prefetch_row(w, row_ahead(w, block, p, ht), false);
        axpy(w, sums, block.value[p], ht + block.global_column(block.column[p]) * w.k());
      }
    }
  });
}

// The entries of a row of `block` whose global columns lie in [first, end): the block's
// columns increase along a row (the off-diagonal block's through its column map).
inline std::pair<PetscInt, PetscInt> entries_between(const CsrBlock& block, PetscInt row, int64_t first, int64_t end) {
  const PetscInt* begin = block.column + block.row_start[row];
  const PetscInt* stop = block.column + block.row_start[row + 1];
  auto below = [&](int64_t bound) {
    return static_cast<PetscInt>(
        std::partition_point(begin, stop, [&](PetscInt c) { return block.global_column(c) < bound; }) - block.column);
  };
  return {below(first), below(end)};
}

// out[column] += value * w_row for the row's entries in the thread's columns [first,
// end). It prefetches (for writing) the row of the entry `ahead` places on in the block
// when that column is the thread's too: threads share a row's entries, so the thread's
// own entries come about `ahead` / threads places apart. A lone thread has every column
// and skips the searches and checks (10% of this kernel's time at k = 50).
template <class Wd, class Number>
void vt_w_row(Wd w, const CsrBlock& block, PetscInt row, int64_t first, int64_t end, bool every_column, PetscInt ahead,
              const Number* w_row, double* out) {
  const auto [begin, stop] = every_column ? std::pair{block.row_start[row], block.row_start[row + 1]}
                                          : entries_between(block, row, first, end);
  const PetscInt last = block.row_start[block.rows] - 1;
  for (PetscInt p = begin; p < stop; ++p) {
    const int64_t soon = block.global_column(block.column[std::min(p + ahead, last)]);
    if (every_column || (soon >= first && soon < end)) prefetch_row(w, out + soon * w.k(), true);
    axpy(w, out + block.global_column(block.column[p]) * w.k(), block.value[p], w_row);
  }
}

// Entries of V in the rows the products visit.
int64_t entries_in(const DataMatrix& v, const std::vector<int64_t>* rows) {
  auto in_row = [&](int64_t r) -> int64_t {
    return v.diagonal().row_start[r + 1] - v.diagonal().row_start[r] + v.off_diagonal().row_start[r + 1] -
           v.off_diagonal().row_start[r];
  };
  if (rows == nullptr) return v.diagonal().row_start[v.local_rows()] + v.off_diagonal().row_start[v.local_rows()];
  int64_t entries = 0;
  for (int64_t r : *rows) entries += in_row(r);
  return entries;
}

// The work both products report: a multiply and an add per entry and topic; each entry's
// value and column, its row of the factor (read; read and written back for Vt W), and a
// row of k numbers per visited row of V.
void log_product_work(LogEvent event, const DataMatrix& v, const std::vector<int64_t>* rows, int64_t k,
                      int64_t factor_row_passes, size_t factor_number_bytes = sizeof(double)) {
  const auto entries = static_cast<double>(entries_in(v, rows));
  const auto visited = static_cast<double>(rows ? static_cast<int64_t>(rows->size()) : v.local_rows());
  const auto row_bytes = static_cast<double>(k * static_cast<int64_t>(sizeof(double)));
  const auto factor_row_bytes = static_cast<double>(k * static_cast<int64_t>(factor_number_bytes));
  log_work(event, 2.0 * entries * static_cast<double>(k),
           entries * (sizeof(double) + sizeof(PetscInt) + static_cast<double>(factor_row_passes) * factor_row_bytes) +
               visited * row_bytes);
}

template <class Number>
void multiply_v_ht_of(const DataMatrix& v, const std::vector<Number>& ht, int64_t k, std::vector<double>& product,
                      const std::vector<int64_t>* rows) {
  LogScope scope(LogEvent::v_ht);
  // Every visited row is written whole and the others are zeros: zeroing every row first
  // would be one more pass over the product.
  if (rows == nullptr)
    product.resize(static_cast<size_t>(v.local_rows() * k));
  else
    product.assign(static_cast<size_t>(v.local_rows() * k), 0.0);
  // Rows are independent: the threads share them.
  with_width(k, [&](auto w) {
    auto one_row = [&](int64_t r) {
      v_ht_row(w, v.diagonal(), v.off_diagonal(), static_cast<PetscInt>(r), ht.data(), product.data() + r * k);
    };
    for_each_row(v.local_rows(), rows, one_row);
  });
  log_product_work(LogEvent::v_ht, v, rows, k, 1, sizeof(Number));
}

}  // namespace

void multiply_v_ht(const DataMatrix& v, const std::vector<double>& ht, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows) {
  multiply_v_ht_of(v, ht, k, product, rows);
}

void multiply_v_ht_block(const DataMatrix& v, const std::vector<double>& ht, int64_t k, int64_t first, int64_t count,
                         double* product) {
  LogScope scope(LogEvent::v_ht);
  with_width(k, [&](auto w) {
    parallel_for(count, [&](int64_t i) {
      v_ht_row(w, v.diagonal(), v.off_diagonal(), static_cast<PetscInt>(first + i), ht.data(), product + i * k);
    });
  });
}

void multiply_v_ht(const DataMatrix& v, const std::vector<float>& ht, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows) {
  multiply_v_ht_of(v, ht, k, product, rows);
}

namespace {

// Column j of the product from the column-major copy: the sum of its entries times their
// rows of W, rows in increasing order as the scattering loop adds them, so both give the
// same bits. The row of W the entry kPrefetchDistance places on will use is asked for.
template <class Wd, class Number>
void vt_w_column(Wd w, const ColumnMajorCopy& copy, int64_t column, const Number* w_factor, double* out) {
  const PetscInt last = copy.column_start.back() - 1;
  sum_into(w, out, [&](double* sums) {
    for (PetscInt p = copy.column_start[column]; p < copy.column_start[column + 1]; ++p) {
      prefetch_row(w, w_factor + copy.row[std::min(p + kPrefetchDistance, last)] * w.k(), false);
      axpy(w, sums, copy.value[p], w_factor + copy.row[p] * w.k());
    }
  });
}

template <class Number>
void multiply_vt_w_of(const DataMatrix& v, const std::vector<Number>& w_factor, int64_t k, std::vector<double>& product,
                      const std::vector<int64_t>* rows) {
  LogScope scope(LogEvent::vt_w);
  product.assign(static_cast<size_t>(v.columns() * k), 0.0);
  if (v.transposed() != nullptr && rows == nullptr) {
    with_width(k, [&](auto w) {
      parallel_for(v.columns(),
                   [&](int64_t j) { vt_w_column(w, *v.transposed(), j, w_factor.data(), product.data() + j * k); });
    });
    log_product_work(LogEvent::vt_w, v, rows, k, 1, sizeof(Number));
    return;
  }
  // Every row adds into rows of the product: the threads share the columns instead, each
  // sweeping all the rows for the entries in its columns. A column's sum runs over the
  // rows in increasing order on any number of threads.
  with_width(k, [&](auto w) {
    on_thread_shares(v.columns(), [&](int64_t first, int64_t end, int threads) {
      const auto ahead = static_cast<PetscInt>(kPrefetchDistance * threads);
      const bool every_column = threads == 1;
      auto one_row = [&](int64_t r) {
        const Number* w_row = w_factor.data() + r * k;
        const auto row = static_cast<PetscInt>(r);
        vt_w_row(w, v.diagonal(), row, first, end, every_column, ahead, w_row, product.data());
        vt_w_row(w, v.off_diagonal(), row, first, end, every_column, ahead, w_row, product.data());
      };
      if (rows == nullptr) {
        for (int64_t r = 0; r < v.local_rows(); ++r) one_row(r);
      } else {
        for (int64_t r : *rows) one_row(r);
      }
    });
  });
  log_product_work(LogEvent::vt_w, v, rows, k, 2);
}

}  // namespace

void multiply_vt_w(const DataMatrix& v, const std::vector<double>& w_factor, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows) {
  multiply_vt_w_of(v, w_factor, k, product, rows);
}

void multiply_vt_w(const DataMatrix& v, const std::vector<float>& w_factor, int64_t k, std::vector<double>& product,
                   const std::vector<int64_t>* rows) {
  multiply_vt_w_of(v, w_factor, k, product, rows);
}

void gram(const double* x, const double* y, int64_t count, int64_t k, std::vector<double>& result) {
  LogScope scope(LogEvent::gram);
  // The upper triangle only, then mirrored. Four rows at a time: each partial sum is loaded
  // and stored once per four products instead of once per product.
  with_width(k, [&](auto w) {
    chunked_sum(count, k * k, result, [&](int64_t begin, int64_t end, double* partial) {
      auto add_rows = [&](double* sums) {
        int64_t i = begin;
        for (; i + 4 <= end; i += 4) {
          const double *x0 = x + i * w.k(), *x1 = x0 + w.k(), *x2 = x1 + w.k(), *x3 = x2 + w.k();
          const double *y0 = y + i * w.k(), *y1 = y0 + w.k(), *y2 = y1 + w.k(), *y3 = y2 + w.k();
          for (int64_t a = 0; a < w.k(); ++a) {
            const double s0 = x0[a], s1 = x1[a], s2 = x2[a], s3 = x3[a];
            for (int64_t b = a; b < w.k(); ++b)
              sums[a * w.k() + b] += s0 * y0[b] + s1 * y1[b] + s2 * y2[b] + s3 * y3[b];
          }
        }
        for (; i < end; ++i) {
          const double* x_row = x + i * w.k();
          const double* y_row = y + i * w.k();
          for (int64_t a = 0; a < w.k(); ++a) {
            const double scale = x_row[a];
            for (int64_t b = a; b < w.k(); ++b) sums[a * w.k() + b] += scale * y_row[b];
          }
        }
      };
      using Wd = decltype(w);
      if constexpr (Wd::fixed > 0) {  // a local array the compiler knows nothing else writes
        double sums[Wd::fixed * Wd::fixed] = {};
        add_rows(sums);
        std::copy(sums, sums + Wd::fixed * Wd::fixed, partial);
      } else {
        add_rows(partial);
      }
    });
  });
  for (int64_t a = 0; a < k; ++a)
    for (int64_t b = 0; b < a; ++b) result[a * k + b] = result[b * k + a];
  log_work(LogEvent::gram, static_cast<double>(count * k * (k + 1)),
           static_cast<double>((x == y ? 1 : 2) * count * k * static_cast<int64_t>(sizeof(double))));
}

void load_tile(const double* x, int64_t count, int64_t k, int64_t first, double* tile) {
  const int64_t rows = std::min(count - first, kTileRows);
  std::fill(tile, tile + k * kTileRows, 0.0);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t r = 0; r < k; ++r) tile[r * kTileRows + i] = x[(first + i) * k + r];
}

void store_tile(const double* tile, int64_t count, int64_t k, int64_t first, double* x) {
  const int64_t rows = std::min(count - first, kTileRows);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t r = 0; r < k; ++r) x[(first + i) * k + r] = tile[r * kTileRows + i];
}

std::vector<double> column_sums(const double* x, int64_t count, int64_t k) {
  std::vector<double> sums;
  chunked_sum(count, k, sums, [&](int64_t begin, int64_t end, double* partial) {
    for (int64_t i = begin; i < end; ++i)
      for (int64_t t = 0; t < k; ++t) partial[t] += x[i * k + t];
  });
  return sums;
}

double dot(const double* a, const double* b, int64_t count) {
  std::vector<double> total;
  chunked_sum(count, 1, total, [&](int64_t begin, int64_t end, double* partial) {
    double sum = 0;
    for (int64_t i = begin; i < end; ++i) sum += a[i] * b[i];
    *partial = sum;
  });
  return total[0];
}

}  // namespace dnmf::nmf
