#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf evaluate MODEL.h5`: how good a model's topics are, in numbers.
int run_evaluate(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
