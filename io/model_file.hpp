#pragma once
// The dnmf model file (format "dnmf-model", docs/formats.md):
//   /W (rows x k, each rank writes its rows), /H (k x columns)
//   /vocabulary, /documents, /snippets, /labels, /label_names   carried over from the input
//   matrix (/snippets when it has them)
//   /idf, /document_frequency (when the input has them), /vectorizer (the input's root
//   attributes: how its text was vectorized)
//   /history/{iteration, seconds, error, relative_error, objective, min_w, min_h, negative_w,
//             negative_h}   (objective: absent before dnmf had penalties, then error² / 2)
//   root attributes: solver, k, every parameter (loss and penalties among them), seed,
//   iterations, final_error, final_objective, solve_seconds, ranks, input,
//   input_fingerprint, stop_reason
// Written collectively and atomically (h5::write_file_atomically).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/nmf/factors.hpp"
#include "src/nmf/run_state.hpp"

namespace dnmf::h5 {
class File;
}

namespace dnmf::io {

struct ModelSlices {
  int64_t rows = 0, columns = 0, k = 0;
  int64_t first_row = 0;
  std::vector<double> w;  // this rank's rows, row-major
  std::vector<double> h;  // k x columns, row-major (the same on every rank)
  nmf::History history;   // the same on every rank
  std::map<std::string, std::string> text_attributes;
  std::map<std::string, int64_t> integer_attributes;
  std::map<std::string, double> real_attributes;
};

// The /history group, shared by model and snapshot files (collective; the history is
// the same on every rank and rank 0 writes it).
void write_history(h5::File& file, const nmf::History& history);
nmf::History read_history(const h5::File& file);

// What a model records about its run besides the factors (root attributes).
struct ModelFacts {
  int64_t rows = 0, columns = 0, first_row = 0;  // of V, and this rank's first row
  int ranks = 0;
  double data_norm = 0;  // ||V||_F, for the relative error
  std::string input, input_fingerprint;
  std::map<std::string, std::string> options;  // every option of the run, by name
};

// The model of a finished run, this rank's part: W is moved out of `factors`, H turned
// back from the solver's columns x k layout to k x columns.
ModelSlices assemble_model(nmf::Factors&& factors, const nmf::RunResult& run, const ModelFacts& facts);

// `input` is the TF-IDF file the model was fitted to: its vocabulary, document ids and
// labels are copied into the model so that the model file stands alone.
void write_model_file(MPI_Comm comm, const std::string& path, const std::string& input, const ModelSlices& model);

// --init file: this rank's rows of /W (rows x k) and all of /H (k x columns) of the HDF5
// file `path` as a start, H transposed to the solvers' layout. Collective; a file whose
// datasets do not have those shapes is a UserError naming it.
nmf::Factors read_start_factors(MPI_Comm comm, const std::string& path, int64_t rows, int64_t first_row,
                                int64_t local_rows, int64_t columns, int64_t k);

struct ModelSummary {
  int64_t rows = 0, columns = 0, k = 0;
  bool has_labels = false;
  std::map<std::string, std::string> attributes;
};

// Collective; checks that `path` is a dnmf model (or dnmf transform's output, which holds
// a model's datasets for new documents).
ModelSummary read_model_summary(MPI_Comm comm, const std::string& path);

}  // namespace dnmf::io
