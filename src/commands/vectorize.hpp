#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf vectorize`: corpus -> TF-IDF HDF5 file. argv[first..] are the command's arguments.
// Returns the exit code; throws CollectiveFailure after a reported error.
int run_vectorize(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
