#pragma once
// The output of dnmf transform (format "dnmf-transform", docs/formats.md): a model applied
// to new documents.
//   /W (rows x k, each rank writes its rows)   the documents' topic weights
//   /topic_shares (rows x k)                   each row of W over its sum (0 for a zero row)
//   /dominant_topic (int32 per row)            argmax of the row of W, -1 for a zero row
//   /reconstruction_error (per row)            sqrt(2 D(x_i || w_i H)), ||x_i − w_i H|| for
//                                              the Frobenius loss
//   /documents, /snippets, /labels,            of the input documents (/snippets when
//   /label_names                               it has them)
//   /H, /vocabulary                            the model's, so that dnmf topics reads the
//                                              file as it reads a model
//   root attributes: model, input, solver, loss, penalties, iterations, stop_reason, error,
//   objective, seconds, ranks, vocabulary_fingerprint, dnmf_version
// Written collectively and atomically (h5::write_file_atomically).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnmf::io {

// The format attribute of dnmf transform's output.
constexpr const char* kTransformFormat = "dnmf-transform";

struct TransformSlices {
  int64_t rows = 0, k = 0;
  int64_t first_row = 0;                // this rank's rows
  std::vector<double> w;                // this rank's rows x k
  std::vector<int32_t> dominant_topic;  // this rank's rows
  std::vector<double> reconstruction_error;
  std::vector<std::string> document_ids;  // this rank's rows
  std::vector<std::string> snippets;      // this rank's rows' first words (empty: none, on every rank)
  std::vector<int32_t> labels;            // this rank's rows (empty: no labels)
  std::vector<std::string> label_names;   // the same on every rank
  std::map<std::string, std::string> text_attributes;
  std::map<std::string, int64_t> integer_attributes;
  std::map<std::string, double> real_attributes;
};

// Collective; `model` is the model file whose /H and /vocabulary are copied. W's rows
// become their shares in place once written: no second rows x k array.
void write_transform_file(MPI_Comm comm, const std::string& path, const std::string& model, TransformSlices& slices);

}  // namespace dnmf::io
