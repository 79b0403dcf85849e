// dnmf transform: a model applied to documents it has not seen, as scikit-learn's
// nmf.transform(vectorizer.transform(new_documents)) applies a fitted pair.
//
// The story, one phase per block below:
//   options   transform's own, and vectorize's for reading text
//   model     H and what it was fitted with: loss, penalty on W, solver, --max-iter, --tol
//   documents a TF-IDF file in the model's vocabulary (its vocabulary fingerprint is
//             checked), or text vectorized in memory with the model's vocabulary and text
//             options (vectorize --vocabulary-from); each rank holds its own rows
//   solve     W >= 0 with H fixed (src/nmf/transform.hpp)
//   write     W, topic shares, dominant topics, errors, ids and labels, one HDF5 file
//             (io/transform_file.hpp)
#include "src/commands/transform.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

#include "io/h5.hpp"
#include "io/model_file.hpp"
#include "io/output_path.hpp"
#include "io/tfidf_file.hpp"
#include "io/transform_file.hpp"
#include "io/vectorizer_record.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/hash.hpp"
#include "src/base/resources.hpp"
#include "src/commands/vectorize.hpp"
#include "src/nmf/beta_divergence.hpp"
#include "src/nmf/data_matrix.hpp"
#include "src/nmf/transform.hpp"
#include "src/text/vocabulary.hpp"

namespace dnmf {
namespace {

CommandLine transform_command_line() {
  std::vector<OptionSpec> options{
      {"output", "FILE", "", "HDF5 file to write (required); replaced only once complete", 'o'},
      {"solver", "NAME", "",
       "hals or mu [default: the model's when it is one of them, else hals for the Frobenius loss, mu for "
       "another]"},
      {"max-iter", "N", "", "iterations at most [default: the model's]"},
      {"tol", "X", "",
       "as scikit-learn: hals stops when the projected gradient is at most X times the first iteration's, mu "
       "when the error fell by less than X times the start's over 10 iterations [default: the model's]"},
  };
  for (auto& option : options_for_a_fitted_vocabulary()) options.push_back(option);
  return CommandLine("transform", "mpirun -n P dnmf transform MODEL.h5 INPUT... -o OUT.h5 [options]",
                     "The topic weights W >= 0 of new documents under a model's topics H, found as scikit-learn's\n"
                     "NMF.transform finds them: H fixed, the model's loss and penalty on W. INPUT is a TF-IDF file\n"
                     "made with the model's vocabulary (dnmf vectorize --vocabulary-from MODEL.h5), or a corpus\n"
                     "that vectorize reads (a folder, --format lines, jsonl, ...), vectorized here with the\n"
                     "model's vocabulary, idf and text options. The output holds W, each document's topic\n"
                     "shares, dominant topic and reconstruction error; dnmf topics reads it as it reads a model.",
                     std::move(options));
}

struct TransformRun {
  std::string model, output;
  std::vector<std::string> inputs;
  bool tfidf_input = false;  // one input, a dnmf TF-IDF file
  nmf::TransformSettings solve;
};

// The solver and stopping options, from the command line or else the model's.
void choose_solver(const CommandLine& line, const h5::File& model, TransformRun& run) {
  auto recorded = [&](const char* name, const std::string& before_it_existed) {
    return model.has_attribute("/", name) ? model.read_string_attribute("/", name) : before_it_existed;
  };
  run.solve.beta = nmf::parse_loss(recorded("loss", "frobenius"));
  const std::string model_solver = recorded("solver", "hals");
  std::string solver = line.value("solver");
  if (solver.empty())
    solver = (model_solver == "mu" || (model_solver == "hals" && run.solve.beta == nmf::kFrobenius)) ? model_solver
             : run.solve.beta == nmf::kFrobenius                                                     ? "hals"
                                                                                                     : "mu";
  if (solver != "hals" && solver != "mu") throw UserError("--solver: transform solves with hals or mu, not " + solver);
  if (solver == "hals" && run.solve.beta != nmf::kFrobenius)
    throw UserError("--solver hals minimizes the Frobenius loss, and " + run.model + " was fitted to the " +
                    nmf::loss_name(run.solve.beta) + " loss: use --solver mu");
  run.solve.solver = solver;
  const double alpha_w = parse_real_option("alpha-w", recorded("alpha_w", "0"), Bound::nonnegative);
  const double l1_ratio = parse_real_option("l1-ratio", recorded("l1_ratio", "0"), Bound::nonnegative);
  run.solve.w_penalty = nmf::FactorPenalty(alpha_w, l1_ratio, model.dataset_shape("/H").at(1));
  const std::string max_iter = line.given("max-iter") ? line.value("max-iter") : recorded("max_iter", "200");
  run.solve.max_iterations = parse_integer_option("max-iter", max_iter, Bound::positive);
  const std::string tol = line.given("tol") ? line.value("tol") : recorded("tol", "1e-4");
  run.solve.tolerance = parse_real_option("tol", tol, Bound::nonnegative);
}

// Ht (terms x k) from the model's H, the same on every rank. A value that is not finite
// is an error; a negative one (gd, sgd and adam may leave some) is read as 0, said once.
std::vector<double> read_fixed_ht(MPI_Comm comm, const h5::File& model, int64_t& k) {
  const auto shape = model.dataset_shape("/H");
  if (shape.size() != 2 || shape[0] < 1) throw UserError(model.path() + ": /H is not a k x terms matrix");
  k = shape[0];
  const int64_t columns = shape[1];
  const auto h = model.read_rows<double>("/H", 0, k, columns);
  std::vector<double> ht(h.size());
  int64_t negative = 0;
  for (int64_t t = 0; t < k; ++t)
    for (int64_t j = 0; j < columns; ++j) {
      const double value = h[t * columns + j];
      if (!std::isfinite(value))
        throw UserError(model.path() + ": /H holds " + std::to_string(value) + " at topic " + std::to_string(t) +
                        ", term " + std::to_string(j) + " (a damaged model)");
      negative += value < 0;
      ht[j * k + t] = value < 0 ? 0 : value;
    }
  if (negative > 0 && comm_rank(comm) == 0)
    print_warning(model.path() + ": /H has " + std::to_string(negative) +
                  " negative entries (a model of gd, sgd or adam); transform reads them as 0");
  return ht;
}

// The documents as a row source: this rank's in-memory rows.
CsrRowSource rows_in_memory(MPI_Comm comm, const std::shared_ptr<const io::TfidfFileSlices>& slices) {
  CsrRowSource source;
  source.name = "the documents";
  source.rows = slices->rows;
  source.columns = slices->columns;
  source.nnz = sum_over_ranks(comm, slices->matrix.nnz());
  source.first_row = slices->matrix.first_row;
  source.indptr = slices->matrix.indptr;
  source.read_entries = [slices](bool with_values, int64_t chunk_entries, const CsrRowSource::ChunkVisitor& visit) {
    const auto& rows = slices->matrix;
    std::vector<int32_t> columns;
    std::vector<double> values;
    for (int64_t first = 0; first < rows.nnz(); first += chunk_entries) {
      const int64_t end = std::min(rows.nnz(), first + chunk_entries);
      columns.assign(rows.indices.begin() + first, rows.indices.begin() + end);
      if (with_values) values.assign(rows.data.begin() + first, rows.data.begin() + end);
      visit(first, columns, values);
    }
  };
  return source;
}

// The vocabulary fingerprint of a TF-IDF file or model, from its /vocabulary (collective).
std::string fingerprint_of(MPI_Comm comm, const io::VectorizerRecord& record) {
  const auto columns = io::read_vocabulary_columns(comm, record);
  return hex64(vocabulary_fingerprint(comm, columns.first_column, columns.terms));
}

// The documents: this rank's rows of X, with their ids and labels.
struct Documents {
  std::unique_ptr<nmf::DataMatrix> x;
  std::vector<std::string> ids, snippets, label_names;
  std::vector<int32_t> labels;
};

// A TF-IDF file made in the vocabulary of the model, whose record is `model` (collective).
Documents read_tfidf_documents(MPI_Comm comm, const TransformRun& run, const io::VectorizerRecord& model) {
  const std::string& input = run.inputs[0];
  const std::string format = h5::format_of_file(comm, input);
  if (format != "dnmf-tfidf")
    throw UserError(input + ": " + (format.empty() ? "an HDF5 file of no dnmf format" : "a " + format + " file") +
                    ", not a TF-IDF file or a corpus");
  const std::string expected = fingerprint_of(comm, model);
  const std::string found = fingerprint_of(comm, io::read_vectorizer_record(comm, input));
  if (found != expected)
    throw UserError(input + ": its vocabulary is not " + run.model + "'s (vocabulary fingerprint " + found +
                    ", the model's " + expected + "): vectorize its text with --vocabulary-from " + run.model);
  Documents documents;
  documents.x = std::make_unique<nmf::DataMatrix>(comm, io::balanced_row_source(comm, input));
  auto file = h5::File::open(comm, input);
  const int64_t first_row = documents.x->first_row(), rows = documents.x->local_rows();
  documents.ids = file.read_strings("/documents", first_row, rows);
  if (file.exists("/snippets/offsets")) {
    file.require_entries("/snippets", documents.x->rows(), "rows of the matrix");
    documents.snippets = file.read_strings("/snippets", first_row, rows);
  }
  if (file.exists("/labels")) {
    documents.label_names = file.read_strings("/label_names", 0, file.string_count("/label_names"));
    documents.labels = io::read_labels(file, first_row, rows, static_cast<int64_t>(documents.label_names.size()));
  }
  return documents;
}

// Text, vectorized in memory with the model's vocabulary (collective).
Documents vectorize_documents(MPI_Comm comm, CommandLine& line, const TransformRun& run,
                              const io::VectorizerRecord& record) {
  auto slices = std::make_shared<io::TfidfFileSlices>(vectorize_with_vocabulary(comm, line, run.inputs, record));
  Documents documents;
  documents.ids = std::move(slices->document_ids);
  documents.snippets = std::move(slices->snippets);
  documents.labels = std::move(slices->labels);
  documents.label_names = std::move(slices->label_names);
  run_collectively(comm, [&] {
    CsrRowSource source = rows_in_memory(comm, slices);
    slices.reset();  // the source holds the rows until the matrix has them
    documents.x = std::make_unique<nmf::DataMatrix>(comm, source);
  });
  return documents;
}

// The output: W and its rows' argmax, the errors, ids and labels, and what the run was.
io::TransformSlices output_of(MPI_Comm comm, const TransformRun& run, const io::VectorizerRecord& record,
                              const nmf::DataMatrix& x, int64_t k, nmf::TransformResult&& result,
                              Documents&& documents) {
  io::TransformSlices out;
  std::string inputs;
  for (const auto& input : run.inputs) inputs += (inputs.empty() ? "" : " ") + input;
  const auto fingerprint = record.options.find("vocabulary_fingerprint");
  out.text_attributes = {{"model", run.model},
                         {"input", inputs},
                         {"solver", run.solve.solver},
                         {"loss", nmf::loss_name(run.solve.beta)},
                         {"stop_reason", result.stop == nmf::TransformStop::tolerance ? "tol" : "max-iter"},
                         {"vocabulary_fingerprint", fingerprint != record.options.end() ? fingerprint->second : ""},
                         {"dnmf_version", DNMF_VERSION}};
  out.integer_attributes = {
      {"iterations", result.iterations}, {"max_iter", run.solve.max_iterations}, {"k", k}, {"ranks", comm_size(comm)}};
  out.real_attributes = {{"error", result.error},
                         {"objective", result.objective},
                         {"tol", run.solve.tolerance},
                         {"l1_penalty", run.solve.w_penalty.l1},
                         {"l2_penalty", run.solve.w_penalty.l2},
                         {"solve_seconds", result.seconds}};
  out.rows = x.rows();
  out.k = k;
  out.first_row = x.first_row();
  out.w = std::move(result.w);
  out.reconstruction_error = std::move(result.row_error);
  for (int64_t i = 0; i < x.local_rows(); ++i) {
    int32_t best = -1;
    double best_weight = 0;
    for (int64_t t = 0; t < k; ++t)
      if (out.w[i * k + t] > best_weight) {
        best_weight = out.w[i * k + t];
        best = static_cast<int32_t>(t);
      }
    out.dominant_topic.push_back(best);
  }
  out.document_ids = std::move(documents.ids);
  out.snippets = std::move(documents.snippets);
  out.labels = std::move(documents.labels);
  out.label_names = std::move(documents.label_names);
  return out;
}

void print_summary(MPI_Comm comm, const TransformRun& run, const nmf::DataMatrix& x, int64_t k,
                   const io::TransformSlices& out, double total_seconds) {
  const auto peak_memory = gather_to_all(comm, peak_resident_bytes());
  if (comm_rank(comm) != 0) return;
  const double error = out.real_attributes.at("error");
  std::printf("dnmf transform: %lld documents x %lld terms, k = %lld, %s: %s after %lld iterations\n",
              static_cast<long long>(x.rows()), static_cast<long long>(x.columns()), static_cast<long long>(k),
              run.solve.solver.c_str(), out.text_attributes.at("stop_reason").c_str(),
              static_cast<long long>(out.integer_attributes.at("iterations")));
  std::printf("  error    %.9g (relative %.6g), objective %.9g, %s loss\n", error,
              x.squared_norm() > 0 ? error / std::sqrt(x.squared_norm()) : 0.0, out.real_attributes.at("objective"),
              nmf::loss_name(run.solve.beta).c_str());
  const double seconds = out.real_attributes.at("solve_seconds");
  std::printf("  time     solve %.3f s (%.3g us per document), total %.3f s on %d ranks\n", seconds,
              1e6 * seconds / static_cast<double>(std::max<int64_t>(x.rows(), 1)), total_seconds, comm_size(comm));
  std::printf("  memory   peak resident per rank:");
  for (size_t r = 0; r < peak_memory.size(); ++r)
    std::printf("%s %s", r ? "," : "", format_bytes(static_cast<double>(peak_memory[r])).c_str());
  std::printf("\n  wrote    %s\n", run.output.c_str());
  std::fflush(stdout);
}

}  // namespace

int run_transform(MPI_Comm comm, int argc, char** argv, int first) {
  const double started = wall_seconds();
  // 1. Options.
  auto line = transform_command_line();
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  TransformRun run;
  run_collectively(
      comm,
      [&] {
        const auto& positionals = line.positionals();
        if (positionals.size() < 2)
          throw UserError("give a model and the documents: dnmf transform MODEL.h5 INPUT... -o OUT.h5");
        run.model = positionals[0];
        run.inputs.assign(positionals.begin() + 1, positionals.end());
        run.output = line.value("output");
        if (run.output.empty()) throw UserError("no output file: give -o OUT.h5");
      },
      kExitUsage);
  // 2. The model: H and what it was fitted with; the output checked before any work.
  io::VectorizerRecord record;
  std::vector<double> ht;
  int64_t k = 0;
  run_collectively(comm, [&] {
    if (comm_rank(comm) == 0) {
      auto inputs = run.inputs;
      inputs.push_back(run.model);
      io::refuse_output_over_inputs(run.output, "-o", inputs);
      h5::check_output_writable(run.output);
    }
    io::read_model_summary(comm, run.model);
    record = io::read_vectorizer_record(comm, run.model);
    const auto model = h5::File::open(comm, run.model);
    choose_solver(line, model, run);
    ht = read_fixed_ht(comm, model, k);
  });
  // 3. The documents, each rank its own.
  run.tfidf_input = decide_on_root(comm, [&] { return run.inputs.size() == 1 && h5::is_hdf5_file(run.inputs[0]); });
  Documents documents;
  if (run.tfidf_input)
    run_collectively(comm, [&] {
      for (const auto& option : options_for_a_fitted_vocabulary())
        if (line.given(option.name))
          throw UserError("--" + option.name + " reads text, and " + run.inputs[0] + " is a TF-IDF file already");
      documents = read_tfidf_documents(comm, run, record);
    });
  else
    documents = vectorize_documents(comm, line, run, record);
  const nmf::DataMatrix& x = *documents.x;
  run_collectively(comm, [&] {
    if (x.rows() == 0) throw UserError(run.inputs[0] + ": no documents to transform");
  });
  // 4. W with H fixed.
  auto result = nmf::transform(x, ht, k, run.solve);
  // 5. The output.
  io::TransformSlices out = output_of(comm, run, record, x, k, std::move(result), std::move(documents));
  run_collectively(comm, [&] { io::write_transform_file(comm, run.output, run.model, out); });
  print_summary(comm, run, x, k, out, wall_seconds() - started);
  return 0;
}

}  // namespace dnmf
