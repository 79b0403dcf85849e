#pragma once
// What a TF-IDF file or a model records of how its matrix was vectorized, so that new
// text can be vectorized the same way (vectorize --vocabulary-from, transform): the
// vocabulary in column order with its idf and document frequencies, and the vectorizer's
// options: the TF-IDF file's root attributes, which a model copies onto /vectorizer
// (docs/formats.md).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnmf::io {

struct VectorizerRecord {
  std::string path;
  int64_t columns = 0;
  // The string attributes of "/" (a TF-IDF file) or "/vectorizer" (a model), by name.
  std::map<std::string, std::string> options;
};

// Collective. A file that is neither a dnmf TF-IDF file nor a model, or a model written
// before models kept their vectorizer, is a UserError naming it and what is missing.
VectorizerRecord read_vectorizer_record(MPI_Comm comm, const std::string& path);

// This rank's even share of the vocabulary (collective).
struct VocabularyColumns {
  int64_t first_column = 0;
  std::vector<std::string> terms;
  std::vector<double> idf;
  std::vector<int64_t> document_frequency;
};
VocabularyColumns read_vocabulary_columns(MPI_Comm comm, const VectorizerRecord& record);

}  // namespace dnmf::io
