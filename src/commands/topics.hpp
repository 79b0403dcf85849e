#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf topics MODEL.h5 [--top N] [--format text|json|csv]`: each topic's top words.
int run_topics(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
