// Catch2 unit tests. PETSc (and with it MPI) is started once, for the tests of the
// kernels, which run on a PETSc matrix, and of the HDF5 wrapper, which opens files over
// MPI-IO; both use one process (MPI_COMM_SELF).
#define CATCH_CONFIG_RUNNER
#include <petscsys.h>

#include <catch2/catch.hpp>

#include "src/base/comm.hpp"

int main(int argc, char** argv) {
  dnmf::prefer_reliable_mpi_io();
  if (PetscInitializeNoArguments() != 0) return 2;
  const int failures = Catch::Session().run(argc, argv);
  PetscFinalize();
  return failures == 0 ? 0 : 1;
}
