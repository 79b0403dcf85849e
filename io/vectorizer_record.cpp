#include "io/vectorizer_record.hpp"

#include "io/h5.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {

VectorizerRecord read_vectorizer_record(MPI_Comm comm, const std::string& path) {
  auto file = h5::File::open(comm, path);
  const std::string format =
      file.has_attribute("/", "format") ? file.read_string_attribute("/", "format") : std::string();
  VectorizerRecord record;
  record.path = path;
  const bool is_model = format == "dnmf-model";
  if (format != "dnmf-tfidf" && !is_model)
    throw UserError(path + ": neither a dnmf TF-IDF file nor a model (its format attribute is '" + format + "')");
  const std::string options_object = is_model ? "/vectorizer" : "/";
  if (is_model && (!file.exists("/vectorizer") || !file.exists("/idf")))
    throw UserError(path + ": a model written before models kept their vectorizer (no " +
                    (file.exists("/idf") ? "/vectorizer" : "/idf") +
                    "): give the TF-IDF file it was fitted to instead, or fit it again");
  if (!file.exists("/vocabulary/offsets")) throw UserError(path + ": no /vocabulary");
  record.columns = file.string_count("/vocabulary");
  file.require_entries("/idf", record.columns, "terms in /vocabulary");
  if (file.exists("/document_frequency"))
    file.require_entries("/document_frequency", record.columns, "terms in /vocabulary");
  for (const char* name :
       {"input_format", "encoding", "decode_error", "strip", "stop_words", "lowercase", "no_lowercase", "strip_accents",
        "ngram_range", "token_pattern", "norm", "smooth_idf", "no_smooth_idf", "sublinear_tf", "binary", "use_idf",
        "no_idf", "min_df", "max_df", "max_features", "vocabulary_fingerprint",
        // where the corpus was and how it was read, to read it again
        "inputs", "groups", "exclude", "separator", "text_field", "id_field", "label_field", "on_error",
        "progress_seconds"})
    if (file.has_attribute(options_object, name))
      record.options[name] = file.read_string_attribute(options_object, name);
  return record;
}

VocabularyColumns read_vocabulary_columns(MPI_Comm comm, const VectorizerRecord& record) {
  auto file = h5::File::open(comm, record.path);
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  VocabularyColumns columns;
  columns.first_column = even_split_start(record.columns, rank, ranks);
  const int64_t count = even_split_start(record.columns, rank + 1, ranks) - columns.first_column;
  columns.terms = file.read_strings("/vocabulary", columns.first_column, count);
  columns.idf = file.read_slice<double>("/idf", columns.first_column, count);
  if (file.exists("/document_frequency"))
    columns.document_frequency = file.read_slice<int64_t>("/document_frequency", columns.first_column, count);
  return columns;
}

}  // namespace dnmf::io
