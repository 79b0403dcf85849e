#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf info FILE.h5 [--ranks P]`: what a dnmf file holds and how its rows would be split.
int run_info(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
