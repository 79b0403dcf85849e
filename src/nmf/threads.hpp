#pragma once
// Threads within a rank (OpenMP). On a cluster, one rank per socket or node with a thread
// per core holds one copy of H and of the columns x k sums per rank instead of one per
// core. Every loop here hands each thread a static share of independent items, and every
// sum over items is taken in chunks fixed by the item count alone and added in chunk
// order, so a result is bitwise the same for any number of threads. Only the thread that
// called MPI_Init_thread calls MPI, outside these loops (MPI_THREAD_FUNNELED).
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace dnmf::nmf {

// Threads per rank: OMP_NUM_THREADS when set, else 1 (OpenMP's own default, every core
// the rank may use, would overcommit the cores when several ranks share a node).
void choose_thread_count();
int thread_count();

// body(i) for i in [0, count), split over the threads in equal static ranges.
template <class Body>
void parallel_for(int64_t count, Body&& body) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < count; ++i) body(i);
}

// body(thread, threads) once on each thread.
template <class Body>
void on_each_thread(Body&& body) {
#pragma omp parallel
  body(omp_get_thread_num(), omp_get_num_threads());
}

// The first item of chunk `chunk` when `count` items are cut into `chunks` even chunks.
inline int64_t chunk_start(int64_t count, int64_t chunk, int64_t chunks) {
  return count / chunks * chunk + std::min(chunk, count % chunks);
}

// body(begin, end, threads) once on each thread, [begin, end) its even share of `count`
// items: for loops whose threads keep scratch space of their own.
template <class Body>
void on_thread_shares(int64_t count, Body&& body) {
  on_each_thread([&](int thread, int threads) {
    body(chunk_start(count, thread, threads), chunk_start(count, thread + 1, threads), threads);
  });
}

// The sum over chunks of `width` numbers: add_chunk(begin, end, partial) adds the items
// [begin, end) into partial (width zeros on entry). The items are cut into
// kSumChunks chunks whatever the thread count, and the partial sums are added in chunk
// order, so the result is the same on any number of threads.
constexpr int64_t kSumChunks = 64;

template <class AddChunk>
void chunked_sum(int64_t count, int64_t width, std::vector<double>& result, AddChunk&& add_chunk) {
  const int64_t chunks = std::max<int64_t>(1, std::min(kSumChunks, count));
  std::vector<double> partial(static_cast<size_t>(chunks * width), 0.0);
  parallel_for(chunks, [&](int64_t chunk) {
    add_chunk(chunk_start(count, chunk, chunks), chunk_start(count, chunk + 1, chunks), partial.data() + chunk * width);
  });
  result.assign(static_cast<size_t>(width), 0.0);
  for (int64_t chunk = 0; chunk < chunks; ++chunk)
    for (int64_t i = 0; i < width; ++i) result[i] += partial[chunk * width + i];
}

}  // namespace dnmf::nmf
