// Catch2 under MPI: every rank runs every test case; a failure on any rank makes that
// rank exit non-zero, which fails the mpiexec run.
#define CATCH_CONFIG_RUNNER
#include <mpi.h>

#include <catch2/catch.hpp>

#include "src/base/comm.hpp"

int main(int argc, char** argv) {
  dnmf::prefer_reliable_mpi_io();
  MPI_Init(&argc, &argv);
  const int failures = Catch::Session().run(argc, argv);
  MPI_Finalize();
  return failures == 0 ? 0 : 1;
}
