// dnmf_row_probe: how fast this machine runs the simplest loops with the memory accesses
// of dnmf's two sparse products, the ceiling the products are measured against.
//
//   mpirun -n P dnmf_row_probe --rows M --columns N --nnz Z --k K [--repeats R]
//
// Every rank builds its own M / P rows of a random sparse matrix with the benchmark's
// shape (each row 0.5-1.5 times Z / M distinct columns, uniform, as dnmf_generate
// --topics 0 draws them) in one plain CSR block with global column numbers, and random
// factors. Then, all ranks at once:
//   gather   out[i] = sum over the row's entries of value * F[column]   (V H^T's accesses)
//   scatter  G[column] += value * W[i] for every entry                 (V^T W's accesses)
// with k fixed at compile time and the rows 16 entries ahead prefetched, as in
// src/nmf/kernels.cpp, but none of what dnmf's products also do: PETSc's split into a
// diagonal and an off-diagonal block (one merged row order for V H^T, column shares for
// threads in V^T W), the column map, the per-kernel log. Printed: the GFLOP/s per rank of
// each loop (best of R, the slowest rank).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "src/nmf/width.hpp"

using namespace dnmf;

namespace {

constexpr int64_t kAhead = 16;

struct PlainCsr {
  std::vector<int64_t> row_start{0};
  std::vector<int32_t> column;
  std::vector<double> value;
  int64_t rows() const { return static_cast<int64_t>(row_start.size()) - 1; }
};

PlainCsr random_rows(int64_t rows, int64_t columns, double per_row, uint64_t seed) {
  PlainCsr csr;
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<int32_t> row;
  for (int64_t i = 0; i < rows; ++i) {
    const auto length = std::min<int64_t>(columns, static_cast<int64_t>(per_row * (0.5 + unit(random))));
    row.clear();
    while (static_cast<int64_t>(row.size()) < length) {
      const auto column = static_cast<int32_t>(random() % static_cast<uint64_t>(columns));
      if (std::find(row.begin(), row.end(), column) == row.end()) row.push_back(column);
    }
    std::sort(row.begin(), row.end());
    for (int32_t column : row) {
      csr.column.push_back(column);
      csr.value.push_back(unit(random));
    }
    csr.row_start.push_back(static_cast<int64_t>(csr.column.size()));
  }
  return csr;
}

template <class Wd>
void prefetch(Wd w, const double* row) {
  for (int64_t c = 0; c < w.k(); c += 8) __builtin_prefetch(row + c);
  __builtin_prefetch(row + w.k() - 1);
}

template <class Wd>
void gather(Wd w, const PlainCsr& v, const double* factor, double* out) {
  const int64_t last = v.row_start.back() - 1;
  for (int64_t i = 0; i < v.rows(); ++i) {
    nmf::sum_into(w, out + i * w.k(), [&](double* sums) {
      for (int64_t p = v.row_start[i]; p < v.row_start[i + 1]; ++p) {
        prefetch(w, factor + v.column[std::min(p + kAhead, last)] * w.k());
        const double* source = factor + v.column[p] * w.k();
        for (int64_t c = 0; c < w.k(); ++c) sums[c] += v.value[p] * source[c];
      }
    });
  }
}

template <class Wd>
void scatter(Wd w, const PlainCsr& v, const double* rows, double* out) {
  const int64_t last = v.row_start.back() - 1;
  for (int64_t i = 0; i < v.rows(); ++i) {
    const double* source = rows + i * w.k();
    for (int64_t p = v.row_start[i]; p < v.row_start[i + 1]; ++p) {
      prefetch(w, out + v.column[std::min(p + kAhead, last)] * w.k());
      double* sums = out + v.column[p] * w.k();
      for (int64_t c = 0; c < w.k(); ++c) sums[c] += v.value[p] * source[c];
    }
  }
}

// Best of `repeats` runs of loop(), all ranks starting together; the slowest rank's time.
template <class Loop>
double best_seconds(int repeats, Loop&& loop) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double started = MPI_Wtime();
    loop();
    double seconds = MPI_Wtime() - started;
    MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    best = std::min(best, seconds);
  }
  return best;
}

int run(int argc, char** argv) {
  int64_t rows = 200000, columns = 50000, nnz = 10000000, k = 50, repeats = 5;
  const std::map<std::string, int64_t*> options = {
      {"--rows", &rows}, {"--columns", &columns}, {"--nnz", &nnz}, {"--k", &k}, {"--repeats", &repeats}};
  for (int a = 1; a < argc; a += 2) {
    const auto option = options.find(argv[a]);
    if (option == options.end() || a + 1 == argc)
      throw std::runtime_error(std::string("unknown option or missing value: ") + argv[a]);
    *option->second = std::stoll(argv[a + 1]);
  }
  if (rows < 1 || columns < 1 || nnz < 1 || k < 1 || repeats < 1)
    throw std::runtime_error("every size must be at least 1");
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int64_t local_rows = rows / ranks + (rank < rows % ranks ? 1 : 0);
  const PlainCsr v = random_rows(local_rows, columns, static_cast<double>(nnz) / static_cast<double>(rows),
                                 1000 + static_cast<uint64_t>(rank));
  std::vector<double> factor(static_cast<size_t>(columns * k)), w(static_cast<size_t>(local_rows * k));
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (double& x : factor) x = unit(random);
  for (double& x : w) x = unit(random);
  std::vector<double> gathered(w.size()), scattered(factor.size());
  double gather_seconds = 0, scatter_seconds = 0;
  nmf::with_width(k, [&](auto width) {
    gather_seconds = best_seconds(static_cast<int>(repeats), [&] { gather(width, v, factor.data(), gathered.data()); });
    scatter_seconds = best_seconds(static_cast<int>(repeats), [&] {
      std::fill(scattered.begin(), scattered.end(), 0.0);
      scatter(width, v, w.data(), scattered.data());
    });
  });
  double flops = 2.0 * static_cast<double>(v.value.size() * static_cast<size_t>(k));
  MPI_Allreduce(MPI_IN_PLACE, &flops, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0)
    std::printf("plain loops, k = %lld, %d ranks: gather %.2f GFLOP/s, scatter %.2f GFLOP/s per rank\n",
                static_cast<long long>(k), ranks, flops / gather_seconds / 1e9, flops / scatter_seconds / 1e9);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int status = 0;
  try {
    status = run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dnmf_row_probe: %s\n", error.what());
    status = 2;
  }
  MPI_Finalize();
  return status;
}
