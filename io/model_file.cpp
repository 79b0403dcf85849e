#include "io/model_file.hpp"

#include <algorithm>
#include <cstdio>

#include "io/h5.hpp"
#include "io/transform_file.hpp"
#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {
namespace {

constexpr const char* kFormatName = "dnmf-model";
constexpr int64_t kFormatVersion = 1;

// Copies string table `name` from `input` to `output`, each rank a contiguous share.
void copy_strings(const h5::File& input, h5::File& output, const std::string& name, int64_t first, int64_t count) {
  output.write_strings(name, first, input.read_strings(name, first, count));
}

}  // namespace

void write_history(h5::File& file, const nmf::History& h) {
  const bool writer = comm_rank(file.comm()) == 0;  // one copy, the same on every rank
  const int64_t entries = static_cast<int64_t>(h.iteration.size());
  auto mine = [&](const auto& values) { return writer ? values : std::decay_t<decltype(values)>{}; };
  file.create_group("/history");
  file.write_slice<int64_t>("/history/iteration", entries, 0, mine(h.iteration));
  file.write_slice<double>("/history/seconds", entries, 0, mine(h.seconds));
  file.write_slice<double>("/history/error", entries, 0, mine(h.error));
  file.write_slice<double>("/history/relative_error", entries, 0, mine(h.relative_error));
  file.write_slice<double>("/history/objective", entries, 0, mine(h.objective));
  file.write_slice<double>("/history/min_w", entries, 0, mine(h.min_w));
  file.write_slice<double>("/history/min_h", entries, 0, mine(h.min_h));
  file.write_slice<int64_t>("/history/negative_w", entries, 0, mine(h.negative_w));
  file.write_slice<int64_t>("/history/negative_h", entries, 0, mine(h.negative_h));
}

nmf::History read_history(const h5::File& file) {
  const int64_t entries = file.dataset_shape("/history/iteration").at(0);
  nmf::History h;
  h.iteration = file.read_slice<int64_t>("/history/iteration", 0, entries);
  h.seconds = file.read_slice<double>("/history/seconds", 0, entries);
  h.error = file.read_slice<double>("/history/error", 0, entries);
  h.relative_error = file.read_slice<double>("/history/relative_error", 0, entries);
  if (file.exists("/history/objective")) {
    h.objective = file.read_slice<double>("/history/objective", 0, entries);
  } else {  // written before penalties existed: the objective was the loss alone
    for (double error : h.error) h.objective.push_back(error * error / 2);
  }
  h.min_w = file.read_slice<double>("/history/min_w", 0, entries);
  h.min_h = file.read_slice<double>("/history/min_h", 0, entries);
  h.negative_w = file.read_slice<int64_t>("/history/negative_w", 0, entries);
  h.negative_h = file.read_slice<int64_t>("/history/negative_h", 0, entries);
  return h;
}

void write_model_file(MPI_Comm comm, const std::string& path, const std::string& input_path, const ModelSlices& model) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  auto input = h5::File::open(comm, input_path);
  h5::write_file_atomically(comm, path, [&](h5::File& file) {
    file.write_attribute("/", "format", std::string(kFormatName));
    file.write_attribute("/", "format_version", kFormatVersion);
    for (const auto& [name, value] : model.text_attributes) file.write_attribute("/", name, value);
    for (const auto& [name, value] : model.integer_attributes) file.write_attribute("/", name, value);
    for (const auto& [name, value] : model.real_attributes) file.write_attribute("/", name, value);

    file.write_rows<double>("/W", model.rows, model.k, model.first_row, model.w);
    file.write_rows<double>("/H", model.k, model.columns, 0, rank == 0 ? model.h : std::vector<double>{});

    const int64_t local_rows = static_cast<int64_t>(model.w.size()) / model.k;
    const int64_t first_column = even_split_start(model.columns, rank, ranks);
    const int64_t owned_columns = even_split_start(model.columns, rank + 1, ranks) - first_column;
    copy_strings(input, file, "/vocabulary", first_column, owned_columns);
    // How the documents were vectorized, so that new text can be vectorized the same way:
    // the input's idf and document frequencies, and its options as attributes of /vectorizer.
    if (input.exists("/idf"))
      file.write_slice<double>("/idf", model.columns, first_column,
                               input.read_slice<double>("/idf", first_column, owned_columns));
    if (input.exists("/document_frequency"))
      file.write_slice<int64_t>("/document_frequency", model.columns, first_column,
                                input.read_slice<int64_t>("/document_frequency", first_column, owned_columns));
    file.create_group("/vectorizer");
    file.copy_attributes(input, "/", "/vectorizer", {"format", "format_version"});
    copy_strings(input, file, "/documents", model.first_row, local_rows);
    if (input.exists("/snippets/offsets")) {
      input.require_entries("/snippets", model.rows, "rows of the matrix");
      copy_strings(input, file, "/snippets", model.first_row, local_rows);
    }
    if (input.exists("/labels")) {
      file.write_slice<int32_t>("/labels", model.rows, model.first_row,
                                input.read_slice<int32_t>("/labels", model.first_row, local_rows));
      const int64_t names = input.string_count("/label_names");
      copy_strings(input, file, "/label_names", 0, rank == 0 ? names : 0);
    }

    write_history(file, model.history);
  });
}

ModelSlices assemble_model(nmf::Factors&& factors, const nmf::RunResult& run, const ModelFacts& facts) {
  ModelSlices model;
  model.rows = facts.rows;
  model.columns = facts.columns;
  model.k = factors.k;
  model.first_row = facts.first_row;
  model.w = std::move(factors.W);
  model.h.resize(static_cast<size_t>(model.k * model.columns));
  for (int64_t j = 0; j < model.columns; ++j)
    for (int64_t t = 0; t < model.k; ++t) model.h[t * model.columns + j] = factors.Ht[j * model.k + t];
  model.history = run.history;
  for (const auto& [name, value] : facts.options) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    if (key != "output") model.text_attributes[key] = value;
  }
  model.text_attributes["input"] = facts.input;
  model.text_attributes["input_fingerprint"] = facts.input_fingerprint;
  model.text_attributes["stop_reason"] = nmf::stop_reason_name(run.stop_reason);
  model.text_attributes["dnmf_version"] = DNMF_VERSION;
  model.integer_attributes["iterations"] = run.iterations;
  model.integer_attributes["ranks"] = facts.ranks;
  model.integer_attributes["k"] = model.k;
  model.real_attributes["final_error"] = run.final_error;
  model.real_attributes["relative_error"] = nmf::relative_error(run.final_error, facts.data_norm);
  model.real_attributes["solve_seconds"] = run.solve_seconds;
  if (!run.history.objective.empty()) model.real_attributes["final_objective"] = run.history.objective.back();
  return model;
}

nmf::Factors read_start_factors(MPI_Comm comm, const std::string& path, int64_t rows, int64_t first_row,
                                int64_t local_rows, int64_t columns, int64_t k) {
  auto file = h5::File::open(comm, path);
  const auto w_shape = file.dataset_shape("/W");
  const auto h_shape = file.dataset_shape("/H");
  if (w_shape != std::vector<int64_t>{rows, k} || h_shape != std::vector<int64_t>{k, columns})
    throw UserError(path + ": /W and /H must be " + std::to_string(rows) + " x " + std::to_string(k) + " and " +
                    std::to_string(k) + " x " + std::to_string(columns) + " for this matrix and k");
  nmf::Factors start(k, local_rows, columns);
  start.W = file.read_rows<double>("/W", first_row, local_rows, k);
  const auto h = file.read_rows<double>("/H", 0, k, columns);
  for (int64_t t = 0; t < k; ++t)
    for (int64_t j = 0; j < columns; ++j) start.Ht[j * k + t] = h[t * columns + j];
  return start;
}

ModelSummary read_model_summary(MPI_Comm comm, const std::string& path) {
  auto file = h5::File::open(comm, path);
  // dnmf transform's output holds the same W, H and tables, for new documents.
  const std::string format = file.has_attribute("/", "format") ? file.read_string_attribute("/", "format") : "";
  if (format != kFormatName && format != kTransformFormat)
    throw UserError(path + ": not a dnmf model (no format = \"dnmf-model\" attribute; make one with dnmf factorize)");
  ModelSummary summary;
  const auto w = file.dataset_shape("/W");
  const auto h = file.dataset_shape("/H");
  if (w.size() != 2 || h.size() != 2 || w[1] != h[0] || w[1] < 1)
    throw UserError(path + ": /W and /H do not fit together");
  // Every list of rows or columns must match the factor it names (docs/formats.md).
  file.require_entries("/vocabulary", h[1], "columns of /H");
  if (file.exists("/documents/offsets")) file.require_entries("/documents", w[0], "rows of /W");
  if (file.exists("/labels")) {
    file.require_entries("/labels", w[0], "rows of /W");
    if (!file.exists("/label_names/offsets")) throw UserError(path + ": /labels without /label_names");
  }
  summary.rows = w[0];
  summary.k = w[1];
  summary.columns = h[1];
  summary.has_labels = file.exists("/labels");
  for (const char* name :
       {"solver", "loss", "alpha_w", "alpha_h", "l1_ratio", "model", "input", "stop_reason", "init", "dnmf_version"})
    if (file.has_attribute("/", name)) summary.attributes[name] = file.read_string_attribute("/", name);
  for (const char* name : {"iterations", "ranks"})
    if (file.has_attribute("/", name))
      summary.attributes[name] = std::to_string(file.read_int_attribute("/", name).at(0));
  for (const char* name : {"final_error", "relative_error", "final_objective", "error", "objective", "solve_seconds"})
    if (file.has_attribute("/", name)) {
      char text[32];
      std::snprintf(text, sizeof text, "%.6g", file.read_real_attribute("/", name));
      summary.attributes[name] = text;
    }
  return summary;
}

}  // namespace dnmf::io
