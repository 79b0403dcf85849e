#pragma once
#include <mpi.h>

namespace dnmf {

// `dnmf factorize TFIDF.h5 -k K -o MODEL.h5`: distributed NMF of a TF-IDF file.
int run_factorize(MPI_Comm comm, int argc, char** argv, int first);

}  // namespace dnmf
