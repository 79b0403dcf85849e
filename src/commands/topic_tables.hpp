#pragma once
// What dnmf topics and dnmf evaluate both read off a model: each topic's heaviest terms,
// and the documents counted by dominant topic and label.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dnmf {

// The `top` heaviest terms of row t of H (k x n), ties to the lower column.
std::vector<std::string> top_words(const std::vector<double>& h, int64_t t, int64_t n, int64_t top,
                                   const std::vector<std::string>& vocabulary);

// The topic (k for none: a row of zeros) x label counts of this rank's rows of W (each
// row's dominant topic, the first of equal weights), summed over ranks (collective).
std::vector<std::vector<int64_t>> label_table(MPI_Comm comm, const std::vector<double>& w, int64_t k,
                                              const std::vector<int32_t>& labels, int64_t label_count);

}  // namespace dnmf
