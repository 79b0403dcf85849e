#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf select-k TFIDF.h5 --ks ... -o SELECT.h5`: the number of topics, from their
// stability over perturbed runs.
int run_select_k(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
