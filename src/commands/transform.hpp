#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf transform`: a model applied to new documents -> their topic weights, to HDF5.
// argv[first..] are the command's arguments. Returns the exit code; throws
// CollectiveFailure after a reported error.
int run_transform(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
