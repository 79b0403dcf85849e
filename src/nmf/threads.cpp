#include "src/nmf/threads.hpp"

#include <cstdlib>

namespace dnmf::nmf {

void choose_thread_count() {
  if (std::getenv("OMP_NUM_THREADS") == nullptr) omp_set_num_threads(1);
}

int thread_count() { return omp_get_max_threads(); }

}  // namespace dnmf::nmf
