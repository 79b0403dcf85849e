// dnmf vectorize: the TF-IDF matrix of a corpus, computed in parallel.
//
// The story, one phase per block below:
//   list      rank 0 walks the inputs and deals contiguous shares of about equal bytes
//   tokenize  each rank reads, decodes, cleans and tokenizes its share and counts terms
//   vocabulary ranks agree on the global vocabulary and document frequencies
//             (src/vocabulary.hpp: a distributed sample sort, no rank sees all terms)
//   weight    each rank turns its counts into TF-IDF rows (src/tfidf_weighting.hpp)
//   write     all ranks write one HDF5 file collectively (io/tfidf_file.hpp)
// No rank ever holds more than its own documents' rows.
#include "src/commands/vectorize.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>

#include "io/compressed_file.hpp"
#include "io/corpus_files.hpp"
#include "io/count_formats.hpp"
#include "io/h5.hpp"
#include "io/json_lines.hpp"
#include "io/output_path.hpp"
#include "io/record_split.hpp"
#include "io/table_rows.hpp"
#include "io/tfidf_file.hpp"
#include "io/vectorizer_record.hpp"
#include "src/base/choices.hpp"
#include "src/base/cli.hpp"
#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/hash.hpp"
#include "src/base/log_events.hpp"
#include "src/base/progress.hpp"
#include "src/base/resources.hpp"
#include "src/base/row_partition.hpp"
#include "src/text/analyzer.hpp"
#include "src/text/decode.hpp"
#include "src/text/document_pipeline.hpp"
#include "src/text/newsgroup_cleaning.hpp"
#include "src/text/tfidf_weighting.hpp"
#include "src/text/vocabulary.hpp"

namespace dnmf {
namespace {

enum class InputKind { files, lines, records, jsonl, csv, tsv, uci, mtx };

// The input formats (--format), one line each.
struct InputFormatEntry {
  const char* name;
  const char* help;
  InputKind kind;
  bool counts;  // bag-of-words counts, not text
};

const std::vector<InputFormatEntry>& input_formats() {
  static const std::vector<InputFormatEntry> entries{
      {"files", "every file below a folder is a document, its first-level folder the label", InputKind::files, false},
      {"lines", "one document per line", InputKind::lines, false},
      {"records", "documents separated by a line holding only --separator", InputKind::records, false},
      {"jsonl", "one JSON object per line (JSON Lines); text in --text-field", InputKind::jsonl, false},
      {"csv", "a table, comma-separated, first row the column names; text in --text-field", InputKind::csv, false},
      {"tsv", "the same, tab-separated", InputKind::tsv, false},
      {"uci", "UCI bag-of-words counts: DOCWORD [VOCAB]", InputKind::uci, true},
      {"mtx", "Matrix Market counts: MATRIX.mtx [VOCAB]", InputKind::mtx, true},
  };
  return entries;
}

}  // namespace

std::vector<OptionSpec> vectorize_options() {
  return {
      {"output", "FILE", "", "HDF5 file to write (required); replaced only once complete", 'o'},
      {"format", "KIND", "files", "input kind: " + names_of_choices(input_formats())},
      {"separator", "TEXT", "%", "records: a line holding only TEXT separates two documents"},
      {"text-field", "NAME,...", "text", "jsonl/csv/tsv: the fields that hold the text (several: joined)"},
      {"id-field", "NAME", "", "jsonl/csv/tsv: the field that holds a document's id [default: FILE:N]"},
      {"label-field", "NAME", "", "jsonl/csv/tsv: the field that holds a document's label"},
      {"groups", "A,B,...", "", "keep only these first-level folders"},
      {"exclude", "GLOB,...", "", "skip files whose name matches a pattern (e.g. '*.dat')"},
      {"encoding", "NAME", "utf-8", "utf-8, latin-1, or any encoding ICU converts (cp1252, shift_jis...)"},
      {"progress-seconds", "S", "60",
       "a progress line on stderr every S seconds when not on a terminal (a batch log); 0: none"},
      {"on-error", "MODE", "stop", "a malformed JSON line or table row: stop (an error) or skip (counted)"},
      {"decode-error", "MODE", "strict", "invalid utf-8: strict (stop with an error) or replace (U+FFFD)"},
      {"strip", "PARTS", "", "remove newsgroup headers,footers,quotes as scikit-learn does"},
      {"stop-words", "LIST", "english", "english, none, or a file with one word per line"},
      {"min-df", "N|F", "1", "drop terms in fewer documents (count, or fraction with a '.')"},
      {"max-df", "N|F", "1.0", "drop terms in more documents (count, or fraction with a '.')"},
      {"max-features", "N", "", "keep only the N most frequent terms"},
      {"norm", "NORM", "l2", "row normalization: l2, l1 or none"},
      {"no-smooth-idf", "", "", "idf = ln(n/df) + 1 instead of ln((1+n)/(1+df)) + 1"},
      {"sublinear-tf", "", "", "tf = 1 + ln(count)"},
      {"binary", "", "", "tf = 1 for every term a document holds (scikit-learn's binary=True)"},
      {"no-idf", "", "", "no idf: every term weighs 1 (use_idf=False)"},
      {"no-lowercase", "", "", "keep the case of the text (lowercase=False); stop words match as written"},
      {"strip-accents", "MODE", "", "ascii or unicode: remove accents after lowercasing, as scikit-learn"},
      {"ngram-range", "MIN,MAX", "1,1", "terms are word n-grams of MIN to MAX tokens (after stop words)"},
      {"token-pattern", "REGEX", std::string(text::default_token_pattern),
       "what a token is, in Python's re syntax (scikit-learn's token_pattern)"},
      {"vocabulary-from", "FILE.h5", "",
       "the vocabulary, idf and text options of this TF-IDF file or model (scikit-learn's "
       "transform): terms not in it are dropped"},
  };
}

namespace {

CommandLine vectorize_command_line() {
  return CommandLine("vectorize", "mpirun -n P dnmf vectorize INPUT... -o OUT.h5 [options]",
                     "Computes the TF-IDF matrix of a corpus exactly as scikit-learn's\n"
                     "TfidfVectorizer(stop_words='english') does, in parallel, and writes it to one HDF5 file.\n"
                     "INPUT is a folder (every file below it is a document, its first-level folder the label),\n"
                     "a file of documents (--format lines / records / jsonl / csv / tsv), or bag-of-words counts\n"
                     "(--format uci: DOCWORD [VOCAB]; --format mtx: MATRIX.mtx [VOCAB]). Any file may be gzip,\n"
                     "zstd, bzip2 or xz compressed. With --vocabulary-from, new documents get the columns and idf\n"
                     "of an earlier TF-IDF file or model, for dnmf transform.",
                     vectorize_options());
}

struct VectorizeSettings {
  std::vector<std::string> inputs;
  std::string output;
  InputKind kind = InputKind::files;
  io::ListingOptions listing;
  io::RecordFormat records;
  io::RecordFields fields;      // jsonl, csv, tsv
  bool skip_malformed = false;  // --on-error skip
  double progress_seconds = 60;
  bool counts = false;             // bag-of-words counts (uci, mtx), not text
  text::DocumentOptions document;  // its stop words are loaded once, before any reading
  std::string stop_words_choice;
  VocabularyFilter filter;
  bool count_columns_filtered = false;  // count input: a filter option was given
  TfidfWeighting weighting;
  std::optional<io::VectorizerRecord> fixed_vocabulary;  // --vocabulary-from
};

// The options that choose which terms are columns, by their command-line and attribute
// names: with --vocabulary-from the file has chosen, and they are refused.
const std::vector<std::pair<const char*, const char*>>& vocabulary_filter_options() {
  static const std::vector<std::pair<const char*, const char*>> options{
      {"min-df", "min_df"}, {"max-df", "max_df"}, {"max-features", "max_features"}};
  return options;
}

// The options that decide how text becomes a row, by their command-line and attribute
// names: with --vocabulary-from they are the file's.
const std::vector<std::pair<const char*, const char*>>& recorded_text_options() {
  static const std::vector<std::pair<const char*, const char*>> options{
      {"strip", "strip"},
      {"stop-words", "stop_words"},
      {"no-lowercase", "no_lowercase"},
      {"strip-accents", "strip_accents"},
      {"ngram-range", "ngram_range"},
      {"token-pattern", "token_pattern"},
      {"norm", "norm"},
      {"sublinear-tf", "sublinear_tf"},
      {"binary", "binary"},
      {"no-idf", "no_idf"},
      {"no-smooth-idf", "no_smooth_idf"},
  };
  return options;
}

}  // namespace

std::vector<OptionSpec> options_for_a_fitted_vocabulary() {
  std::vector<OptionSpec> options;
  for (auto option : vectorize_options()) {
    if (option.name == "output" || option.name == "vocabulary-from") continue;
    for (const auto& [name, attribute] : recorded_text_options())
      if (option.name == name) option.help = "the model's; given again, it must agree (" + option.help + ")";
    for (const auto& [name, attribute] : vocabulary_filter_options())
      if (option.name == name) option.help = "refused: the model's vocabulary is used";
    options.push_back(option);
  }
  return options;
}

namespace {

// --vocabulary-from: the file's text options become this run's. One given again must say
// the same, and options that choose a vocabulary have nothing to choose.
void adopt_recorded_options(CommandLine& line, const io::VectorizerRecord& record) {
  for (const auto& [option, attribute] : vocabulary_filter_options())
    if (line.given(option))
      throw UserError(std::string("--") + option + " chooses a vocabulary; with --vocabulary-from it is " +
                      record.path + "'s");
  const auto made_from = record.options.find("input_format");
  if (made_from != record.options.end() && (made_from->second == "uci" || made_from->second == "mtx"))
    throw UserError(record.path + ": its vocabulary came with counts (--format " + made_from->second +
                    "), not from text dnmf tokenized: --vocabulary-from needs the file of a text corpus");
  if (line.value("format") == "uci" || line.value("format") == "mtx")
    throw UserError("--vocabulary-from applies to text input, not to --format uci/mtx counts");
  for (const auto& [option, attribute] : recorded_text_options()) {
    const auto found = record.options.find(attribute);
    const std::string recorded = found != record.options.end() ? found->second : line.default_text(option);
    const std::string given = line.recorded_value(option);
    if (line.given(option) && given != recorded)
      throw UserError("--" + std::string(option) + (line.is_flag(option) ? "" : " " + given) + " disagrees with " +
                      record.path + ", whose text was vectorized with " +
                      (line.is_flag(option) ? std::string(recorded == "true" ? "" : "no ") + "--" + option
                                            : "--" + std::string(option) + " " + recorded) +
                      " (leave it out to take the file's)");
    line.set(option, recorded);
  }
}

// The analyzer's options: --no-lowercase, --strip-accents, --ngram-range, --token-pattern.
text::AnalyzerOptions analyzer_options_from(const CommandLine& line) {
  text::AnalyzerOptions options;
  options.lowercase = !line.flag("no-lowercase");
  options.strip_accents = text::parse_accent_stripping(line.value("strip-accents"));
  const auto range = split_list(line.value("ngram-range"));
  if (range.size() != 2)
    throw UserError("--ngram-range: give MIN,MAX, such as 1,2 (got '" + line.value("ngram-range") + "')");
  const int64_t low = parse_integer_option("ngram-range", range[0]),
                high = parse_integer_option("ngram-range", range[1]);
  if (low < 1 || high < low || high > 100)
    throw UserError("--ngram-range " + line.value("ngram-range") + ": need 1 <= MIN <= MAX (and MAX at most 100)");
  options.ngram_min = static_cast<int>(low);
  options.ngram_max = static_cast<int>(high);
  options.token_pattern = line.value("token-pattern");
  text::TokenPattern check(options.token_pattern);  // refused here, before any reading
  return options;
}

// --format jsonl/csv/tsv's fields; the options are refused with any other format.
io::RecordFields record_fields_from(const CommandLine& line, InputKind kind, const text::DocumentOptions& document) {
  io::RecordFields json;
  json.text = split_list(line.value("text-field"));
  json.id = line.value("id-field");
  json.label = line.value("label-field");
  json.check_utf8 = document.decode_errors == text::DecodeErrors::strict;
  if (kind != InputKind::jsonl && kind != InputKind::csv && kind != InputKind::tsv) {
    if (line.given("text-field") || line.given("id-field") || line.given("label-field"))
      throw UserError("--text-field, --id-field and --label-field apply to --format jsonl, csv and tsv");
    return json;
  }
  if (json.text.empty()) throw UserError("--text-field must name at least one field");
  if (kind == InputKind::jsonl && document.encoding.kind != text::Encoding::utf8)
    throw UserError("--format jsonl reads UTF-8, as JSON text is (RFC 8259): --encoding does not apply");
  return json;
}

VectorizeSettings settings_from(const CommandLine& line) {
  VectorizeSettings settings;
  settings.inputs = line.positionals();
  settings.output = line.value("output");
  if (settings.inputs.empty()) throw UserError("no input given (see dnmf vectorize --help)");
  const auto& format = find_choice(input_formats(), line.value("format"), "format", "input kind");
  settings.kind = format.kind;
  settings.counts = format.counts;
  settings.listing.groups = split_list(line.value("groups"));
  settings.listing.exclude_patterns = split_list(line.value("exclude"));
  settings.records.one_per_line = settings.kind != InputKind::records;
  settings.records.separator = line.value("separator");
  if (settings.kind == InputKind::records && settings.records.separator.empty())
    throw UserError("--separator must not be empty");
  settings.document.encoding = text::parse_encoding(line.value("encoding"));
  if (!settings.document.encoding.splits_on_ascii && settings.kind != InputKind::files)
    throw UserError("--encoding " + line.value("encoding") + ": its bytes 1-127 are not ASCII, so --format " +
                    line.value("format") + " cannot find line ends and separators in it; use --format files " +
                    "(a document per file) or convert the input to UTF-8 first");
  settings.document.decode_errors = text::parse_decode_errors(line.value("decode-error"));
  settings.document.cleaning = text::parse_newsgroup_cleaning(line.value("strip"));
  settings.fields = record_fields_from(line, settings.kind, settings.document);
  const std::string on_error = line.value("on-error");
  if (on_error != "stop" && on_error != "skip")
    throw UserError("--on-error: unknown mode '" + on_error + "' (use stop or skip)");
  settings.skip_malformed = on_error == "skip";
  settings.progress_seconds = parse_real_option("progress-seconds", line.value("progress-seconds"), Bound::nonnegative);
  if (line.given("on-error") && settings.kind != InputKind::jsonl && settings.kind != InputKind::csv &&
      settings.kind != InputKind::tsv)
    throw UserError("--on-error applies to --format jsonl, csv and tsv");
  settings.stop_words_choice = line.value("stop-words");
  settings.filter.min_df = parse_document_frequency_bound("--min-df", line.value("min-df"));
  settings.count_columns_filtered = std::any_of(vocabulary_filter_options().begin(), vocabulary_filter_options().end(),
                                                [&](const auto& option) { return line.given(option.first); });
  settings.filter.max_df = parse_document_frequency_bound("--max-df", line.value("max-df"));
  if (!line.value("max-features").empty()) {
    settings.filter.max_features = parse_integer_option("max-features", line.value("max-features"));
    if (*settings.filter.max_features <= 0) throw UserError("--max-features must be positive");
  }
  settings.weighting.norm = parse_row_norm(line.value("norm"));
  settings.weighting.smooth_idf = !line.flag("no-smooth-idf");
  settings.weighting.sublinear_tf = line.flag("sublinear-tf");
  settings.weighting.binary = line.flag("binary");
  settings.weighting.use_idf = !line.flag("no-idf");
  settings.document.analysis = analyzer_options_from(line);
  if (settings.counts && (line.given("no-lowercase") || line.given("strip-accents") || line.given("ngram-range") ||
                          line.given("token-pattern")))
    throw UserError("--no-lowercase, --strip-accents, --ngram-range and --token-pattern apply to text input");
  if (settings.counts && settings.inputs.size() > 2)
    throw UserError("--format uci/mtx takes one counts file and optionally its vocabulary file");
  if (settings.counts && (settings.document.cleaning.any() || !settings.listing.groups.empty()))
    throw UserError("--strip and --groups apply to text input, not to --format uci/mtx counts");
  return settings;
}

struct LocalDocuments {
  explicit LocalDocuments(const VectorizeSettings& settings) : pipeline(settings.document) {}
  text::DocumentPipeline pipeline;
  std::vector<std::string> ids;
  std::vector<int32_t> labels;
  std::vector<std::string> label_names;
  uint64_t input_bytes = 0;
  int64_t skipped_records = 0;  // --on-error skip
  size_t counts_bytes = 0;      // the term counts and the term table, once all is read
};

// Labels of a listing: first-level folders for one-document files when every file has
// one, file ids for multi-document files when there are several files, otherwise none.
std::vector<std::string> label_names_of(const std::vector<io::InputFile>& files, bool one_document_per_file) {
  std::set<std::string> names;
  for (const auto& file : files) {
    if (one_document_per_file && file.group.empty()) return {};
    names.insert(one_document_per_file ? file.group : file.id);
  }
  if (!one_document_per_file && files.size() < 2) return {};
  return {names.begin(), names.end()};
}

int32_t label_of(const std::vector<std::string>& label_names, const std::string& name) {
  const auto found = std::lower_bound(label_names.begin(), label_names.end(), name);
  return static_cast<int32_t>(found - label_names.begin());
}

// --format files: each rank gets a contiguous share of whole files.
// Rank 0's reading as a progress line (progress.hpp). Its share of the input bytes
// stands for the whole: the shares are even by bytes, and no rank waits for another.
class ReadProgress {
 public:
  ReadProgress(MPI_Comm comm, const VectorizeSettings& settings, uint64_t share_bytes)
      : line_(comm_rank(comm) == 0, settings.progress_seconds), share_bytes_(share_bytes) {}

  void update(uint64_t bytes_read, int64_t documents) {
    if (!line_.due()) return;
    const double seconds = line_.seconds_since_start();
    const double rate = static_cast<double>(bytes_read) / std::max(seconds, 1e-9);
    const double share = static_cast<double>(std::max<uint64_t>(share_bytes_, 1));
    char text[256];
    std::snprintf(
        text, sizeof text, "dnmf vectorize: rank 0 read %s of %s (%.0f%%), %lld documents, %s/s, ",
        format_bytes(static_cast<double>(bytes_read)).c_str(), format_bytes(static_cast<double>(share_bytes_)).c_str(),
        100.0 * static_cast<double>(bytes_read) / share, static_cast<long long>(documents), format_bytes(rate).c_str());
    line_.print(text + format_time_left((static_cast<double>(share_bytes_) - static_cast<double>(bytes_read)) / rate));
  }

 private:
  ProgressLine line_;
  uint64_t share_bytes_;
};

void tokenize_files(MPI_Comm comm, const VectorizeSettings& settings, LocalDocuments& local, PhaseTimer& timer) {
  const int ranks = comm_size(comm);
  const auto files = io::list_input_files(comm, settings.inputs, settings.listing);  // on rank 0
  std::vector<std::vector<io::InputFile>> shares;
  if (comm_rank(comm) == 0) {
    const auto starts = io::byte_balanced_starts(files, ranks);
    for (int r = 0; r < ranks; ++r) shares.emplace_back(files.begin() + starts[r], files.begin() + starts[r + 1]);
  }
  const auto my_files = scatter_items(comm, shares);
  local.label_names = broadcast_item(comm, label_names_of(files, true));

  timer.start(LogEvent::tokenize);
  uint64_t share_bytes = 0;
  for (const auto& file : my_files) share_bytes += file.bytes;
  ReadProgress progress(comm, settings, share_bytes);
  run_collectively(comm, [&] {
    std::string raw;
    for (const auto& file : my_files) {
      progress.update(local.input_bytes, local.pipeline.counts().documents());
      io::read_file_bytes(file.path, file.bytes, raw);
      local.input_bytes += raw.size();
      // A compressed file is one document once decompressed (read again, through the
      // decompressor: compressed posts are rare enough not to keep both).
      const auto* head = reinterpret_cast<const unsigned char*>(raw.data());
      if (io::compression_of_bytes(head, std::min<size_t>(raw.size(), 6)) != io::Compression::none) {
        io::read_decompressed(file.path, raw);
        local.pipeline.add(raw, file.path + " (decompressed)", 0);
      } else {
        local.pipeline.add(raw, file.path, 0);
      }
      local.ids.push_back(file.id);
      if (!local.label_names.empty()) local.labels.push_back(label_of(local.label_names, file.group));
    }
  });
}

// What the records of a rank said about themselves (--format jsonl): ids and labels
// from their fields, in document order, when those fields are named.
struct RecordNames {
  std::vector<std::pair<size_t, int64_t>> positions;  // (file, record index on this rank)
  std::vector<std::string> ids, labels;
};

// Ids and labels of record documents: FILE:N, N counting the file's documents over all
// ranks, unless --id-field gave them; labels are --label-field's values (their names,
// sorted, from every rank), else the file ids when there are several files.
void name_records(MPI_Comm comm, const VectorizeSettings& settings, const std::vector<io::InputFile>& files,
                  const std::vector<int64_t>& records_in_file, const RecordNames& names, LocalDocuments& local) {
  const auto records_before = sum_over_lower_ranks(comm, records_in_file);
  const bool labels_from_field = !settings.fields.label.empty();
  if (labels_from_field) {
    std::set<std::string> all(names.labels.begin(), names.labels.end());
    for (const auto& from_rank : gather_items_to_all(comm, std::vector<std::string>(all.begin(), all.end())))
      all.insert(from_rank.begin(), from_rank.end());
    local.label_names.assign(all.begin(), all.end());
  } else {
    local.label_names = label_names_of(files, false);
  }
  for (size_t d = 0; d < names.positions.size(); ++d) {
    const auto& [file, index] = names.positions[d];
    local.ids.push_back(settings.fields.id.empty()
                            ? files[file].id + ":" + std::to_string(records_before[file] + index + 1)
                            : names.ids[d]);
    if (labels_from_field)
      local.labels.push_back(label_of(local.label_names, names.labels[d]));
    else if (!local.label_names.empty())
      local.labels.push_back(label_of(local.label_names, files[file].id));
  }
}

// Reads the records of one file after another into a rank's documents (--format
// lines, records, jsonl, csv, tsv), keeping what name_records needs.
class RecordReader {
 public:
  RecordReader(const VectorizeSettings& settings, LocalDocuments& local, size_t files, ReadProgress& progress)
      : settings_(settings), local_(local), records_in_file_(files, 0), progress_(progress) {
    if (settings.kind == InputKind::jsonl) json_.emplace(settings.fields);
  }

  // This rank's records of file f: those starting in bytes [range_begin, range_end) of a
  // plain text file; all of a compressed file or a table, when range_begin is 0 (the
  // rank whose share holds the file's first byte), since neither splits by bytes.
  void read(size_t f, const io::InputFile& file, uint64_t range_begin, uint64_t range_end) {
    const bool table = settings_.kind == InputKind::csv || settings_.kind == InputKind::tsv;
    const bool compressed = io::compression_of(file.path) != io::Compression::none;
    if ((compressed || table) && range_begin != 0) return;
    // A file read whole counts when done; a range of plain text record by record.
    const uint64_t read_before = local_.input_bytes;
    const bool whole = compressed || table;
    local_.input_bytes += whole ? file.bytes : range_end - range_begin;
    // Offsets in messages about a compressed file count in its decompressed text.
    const std::string source = compressed ? file.path + " (decompressed)" : file.path;
    if (table) {
      io::for_each_table_row(
          file.path, settings_.kind == InputKind::csv ? ',' : '\t', settings_.fields,
          [&](const io::RecordDocument& row, int64_t line) {
            add(f, row.text, source + ": line " + std::to_string(line), row.id, row.label);
          },
          settings_.skip_malformed ? [&](const io::MalformedRecord& problem) { skip(problem); }
                                   : std::function<void(const io::MalformedRecord&)>());
      return;
    }
    auto add_record = [&](std::string_view record, uint64_t first_byte) {
      if (!whole)
        progress_.update(read_before + (first_byte + record.size() - range_begin),
                         local_.pipeline.counts().documents());
      if (!json_) {
        local_.pipeline.add(record, source, first_byte);
        names.positions.emplace_back(f, records_in_file_[f]++);
        return;
      }
      if (io::is_blank_line(record)) return;
      try {
        json_->read(record, source, first_byte, document_);
      } catch (const io::MalformedRecord& problem) {
        if (!settings_.skip_malformed) throw;
        skip(problem);
        return;
      }
      add(f, document_.text, source + ": the text of the JSON line at byte offset " + std::to_string(first_byte),
          document_.id, document_.label);
    };
    if (compressed)
      io::for_each_record_in_stream(file.path, settings_.records, add_record);
    else
      io::for_each_record_in_range(file.path, file.bytes, range_begin, range_end, settings_.records, add_record);
  }

  const std::vector<int64_t>& records_in_file() const { return records_in_file_; }
  RecordNames names;

 private:
  // --on-error skip: the first few problems of each rank go to stderr, the rest are
  // only counted (a corpus may hold millions of them).
  void skip(const io::MalformedRecord& problem) {
    constexpr int64_t shown = 5;
    if (local_.skipped_records < shown)
      std::fprintf(stderr, "dnmf vectorize: skipped %s\n", problem.what());
    else if (local_.skipped_records == shown)
      std::fprintf(stderr, "dnmf vectorize: skipping more malformed records on this rank without listing them\n");
    ++local_.skipped_records;
  }

  // A document from named fields; ids and labels of tables are decoded like the text.
  void add(size_t f, const std::string& text, const std::string& source, const std::string& id,
           const std::string& label) {
    local_.pipeline.add(text, source, 0);
    const bool decode = settings_.kind != InputKind::jsonl;
    auto utf8 = [&](const std::string& raw) {
      return decode ? text::decode_to_utf8(raw, settings_.document.encoding, text::DecodeErrors::replace, source) : raw;
    };
    if (!settings_.fields.id.empty()) names.ids.push_back(utf8(id));
    if (!settings_.fields.label.empty()) names.labels.push_back(utf8(label));
    names.positions.emplace_back(f, records_in_file_[f]++);
  }

  const VectorizeSettings& settings_;
  LocalDocuments& local_;
  std::vector<int64_t> records_in_file_;  // Record numbers need the counts of lower ranks
  std::optional<io::JsonLineReader> json_;
  io::RecordDocument document_;
  ReadProgress& progress_;
};

// --format lines/records/jsonl/csv/tsv: ranks split the concatenated files by bytes.
void tokenize_records(MPI_Comm comm, const VectorizeSettings& settings, LocalDocuments& local, PhaseTimer& timer) {
  const int ranks = comm_size(comm);
  const int rank = comm_rank(comm);
  const auto files = broadcast_item(comm, io::list_input_files(comm, settings.inputs, settings.listing));

  uint64_t total_bytes = 0;
  for (const auto& file : files) total_bytes += file.bytes;
  const auto begin = static_cast<uint64_t>(even_split_start(static_cast<int64_t>(total_bytes), rank, ranks));
  const auto end = static_cast<uint64_t>(even_split_start(static_cast<int64_t>(total_bytes), rank + 1, ranks));

  timer.start(LogEvent::tokenize);
  ReadProgress progress(comm, settings, end - begin);
  RecordReader reader(settings, local, files.size(), progress);
  run_collectively(comm, [&] {
    uint64_t file_offset = 0;
    for (size_t f = 0; f < files.size(); ++f) {
      const uint64_t file_begin = file_offset, file_end = file_offset + files[f].bytes;
      file_offset = file_end;
      if (file_end <= begin || file_begin >= end) continue;
      reader.read(f, files[f], std::max(begin, file_begin) - file_begin, std::min(end, file_end) - file_begin);
    }
  });
  // Ids are made after tokenizing: record numbers need the counts of lower ranks.
  name_records(comm, settings, files, reader.records_in_file(), reader.names, local);
}

void print_summary(MPI_Comm comm, const VectorizeSettings& settings, const io::TfidfFileSlices& slices,
                   const LocalDocuments& local, const PhaseTimer& timer, double total_seconds) {
  int64_t empty_here = 0;
  for (int64_t r = 0; r < slices.matrix.rows(); ++r)
    if (slices.matrix.indptr[r + 1] == slices.matrix.indptr[r]) ++empty_here;
  const int64_t empty = sum_over_ranks(comm, empty_here);
  const int64_t nnz = sum_over_ranks(comm, slices.matrix.nnz());
  const auto peak_memory = gather_to_all(comm, peak_resident_bytes());
  const auto input_share = gather_to_all(comm, static_cast<int64_t>(local.input_bytes));
  const int64_t skipped = sum_over_ranks(comm, local.skipped_records);
  const auto counts_bytes = gather_to_all(comm, static_cast<int64_t>(local.counts_bytes));
  const auto& rows = slices.matrix;
  const auto rows_bytes = gather_to_all(
      comm, static_cast<int64_t>(rows.indptr.size() * sizeof(int64_t) + rows.indices.size() * sizeof(int32_t) +
                                 rows.data.size() * sizeof(double)));
  if (comm_rank(comm) != 0) return;
  const double cells = static_cast<double>(slices.rows) * static_cast<double>(slices.columns);
  std::printf("dnmf vectorize: %lld documents (%lld empty) x %lld terms, %lld nonzeros (density %.4f%%)\n",
              static_cast<long long>(slices.rows), static_cast<long long>(empty),
              static_cast<long long>(slices.columns), static_cast<long long>(nnz),
              cells > 0 ? 100.0 * static_cast<double>(nnz) / cells : 0.0);
  std::printf("  input    %s\n", join_list(settings.inputs, " ").c_str());
  if (settings.fixed_vocabulary)
    std::printf("  columns  the vocabulary and idf of %s (--vocabulary-from)\n",
                settings.fixed_vocabulary->path.c_str());
  if (settings.skip_malformed)
    std::printf("  skipped  %lld malformed record%s (--on-error skip)\n", static_cast<long long>(skipped),
                skipped == 1 ? "" : "s");
  std::printf("  time    ");
  for (const auto& [phase, seconds] : timer.seconds()) std::printf(" %s %.3f s,", phase.c_str(), seconds);
  std::printf(" total %.3f s on %d ranks\n", total_seconds, comm_size(comm));
  std::printf("  memory   peak resident / input bytes read, per rank:");
  for (size_t r = 0; r < peak_memory.size(); ++r)
    std::printf("%s %s / %s", r ? "," : "", format_bytes(static_cast<double>(peak_memory[r])).c_str(),
                format_bytes(static_cast<double>(input_share[r])).c_str());
  if (!settings.counts) {
    std::printf("\n  counts   term counts and term table / CSR rows, per rank:");
    for (size_t r = 0; r < counts_bytes.size(); ++r)
      std::printf("%s %s / %s", r ? "," : "", format_bytes(static_cast<double>(counts_bytes[r])).c_str(),
                  format_bytes(static_cast<double>(rows_bytes[r])).c_str());
  }
  std::printf("\n  wrote    %s\n", settings.output.c_str());
  std::fflush(stdout);
}

std::map<std::string, std::string> parameter_attributes(const VectorizeSettings& settings, const CommandLine& line) {
  std::map<std::string, std::string> attributes;
  for (const auto& [name, value] : line.all_values()) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    attributes[key] = value;
  }
  attributes.erase("output");
  attributes["input_format"] = attributes["format"];
  attributes.erase("format");
  attributes["inputs"] = join_list(settings.inputs, " ");
  attributes["lowercase"] = settings.document.analysis.lowercase ? "true" : "false";
  attributes["token_pattern"] = settings.document.analysis.token_pattern;
  attributes["smooth_idf"] = settings.weighting.smooth_idf ? "true" : "false";
  attributes["use_idf"] = settings.weighting.use_idf ? "true" : "false";
  attributes["dnmf_version"] = DNMF_VERSION;
  if (!settings.fixed_vocabulary) {
    attributes.erase("vocabulary_from");
  } else {  // the vocabulary was chosen by the file's filters
    for (const auto& [option, name] : vocabulary_filter_options()) {
      const auto recorded = settings.fixed_vocabulary->options.find(name);
      if (recorded != settings.fixed_vocabulary->options.end()) attributes[name] = recorded->second;
    }
  }
  return attributes;
}

// Text input: tokenize this rank's documents, agree on the vocabulary, weight the rows.
io::TfidfFileSlices vectorize_text(MPI_Comm comm, const VectorizeSettings& settings, LocalDocuments& local,
                                   PhaseTimer& timer) {
  if (settings.kind == InputKind::files)
    tokenize_files(comm, settings, local, timer);
  else
    tokenize_records(comm, settings, local, timer);
  local.counts_bytes = local.pipeline.counts().bytes() + local.pipeline.analyzer().term_table_bytes();

  timer.start(LogEvent::vocabulary);
  const auto& counts = local.pipeline.counts();
  const int64_t documents = sum_over_ranks(comm, counts.documents());
  // Stop words have term ids but never occur: only occurring terms take part.
  std::vector<std::string_view> terms;
  std::vector<TermStatistics> statistics;
  std::vector<uint32_t> id_of_term;
  for (uint32_t id = 0; id < counts.statistics().size(); ++id) {
    if (counts.statistics()[id].document_frequency == 0) continue;
    terms.push_back(local.pipeline.analyzer().term(id));
    statistics.push_back(counts.statistics()[id]);
    id_of_term.push_back(id);
  }
  io::TfidfFileSlices slices;
  slices.rows = documents;
  std::vector<int64_t> column_of_id(counts.statistics().size(), -1);
  std::vector<double> idf_of_id(counts.statistics().size(), 0.0);
  if (settings.fixed_vocabulary) {
    io::VocabularyColumns fixed;
    FixedColumns found;
    run_collectively(comm, [&] {
      check_vocabulary_filter(settings.filter, documents, join_list(settings.inputs, ", "));
      fixed = io::read_vocabulary_columns(comm, *settings.fixed_vocabulary);
      found = look_up_terms(comm, terms, fixed.first_column, fixed.terms, fixed.idf, settings.fixed_vocabulary->path);
    });
    timer.start(LogEvent::weight);
    for (size_t i = 0; i < id_of_term.size(); ++i) {
      column_of_id[id_of_term[i]] = found.column_of_term[i];
      idf_of_id[id_of_term[i]] = found.idf_of_term[i];
    }
    slices.columns = settings.fixed_vocabulary->columns;
    slices.first_column = fixed.first_column;
    slices.terms = std::move(fixed.terms);
    slices.idf = std::move(fixed.idf);
    slices.without_document_frequency = fixed.document_frequency.empty() && slices.columns > 0;
    slices.document_frequency = std::move(fixed.document_frequency);
  } else {
    GlobalVocabulary vocabulary;
    run_collectively(comm, [&] {
      check_vocabulary_filter(settings.filter, documents, join_list(settings.inputs, ", "));
      vocabulary = merge_text_vocabulary(comm, terms, statistics, documents, settings.filter);
      if (vocabulary.size > INT32_MAX) throw UserError("more than 2^31 - 1 terms; use --max-features");
    });
    timer.start(LogEvent::weight);
    for (size_t i = 0; i < id_of_term.size(); ++i) {
      column_of_id[id_of_term[i]] = vocabulary.column_of_term[i];
      idf_of_id[id_of_term[i]] = idf_weight(vocabulary.frequency_of_term[i], documents, settings.weighting);
    }
    slices.columns = vocabulary.size;
    slices.first_column = vocabulary.owned_first_column;
    slices.terms = std::move(vocabulary.owned_terms);
    slices.document_frequency = std::move(vocabulary.owned_document_frequency);
    for (int64_t df : slices.document_frequency) slices.idf.push_back(idf_weight(df, documents, settings.weighting));
  }
  slices.matrix = local.pipeline.counts().take_weighted_rows(column_of_id, idf_of_id, settings.weighting);
  slices.snippets = std::move(local.pipeline.snippets());
  slices.matrix.first_row = sum_over_lower_ranks(comm, counts.documents());
  return slices;
}

// The vocabulary file of count input: given, paired by UCI's naming, or column numbers.
std::vector<std::string> count_vocabulary(const VectorizeSettings& settings, int64_t columns) {
  const std::string& counts_path = settings.inputs[0];
  std::string vocabulary_path = settings.inputs.size() > 1 ? settings.inputs[1] : "";
  if (vocabulary_path.empty() && settings.kind == InputKind::uci) {
    // UCI pairs docword.NAME.txt[.gz] with vocab.NAME.txt.
    namespace fs = std::filesystem;
    std::string name = fs::path(counts_path).filename().string();
    if (name.size() > 3 && name.substr(name.size() - 3) == ".gz") name.resize(name.size() - 3);
    if (name.rfind("docword", 0) != 0)
      throw UserError(counts_path + ": name the vocabulary file too (dnmf vectorize --format uci DOCWORD VOCAB)");
    vocabulary_path = (fs::path(counts_path).parent_path() / ("vocab" + name.substr(7))).string();
  }
  if (!vocabulary_path.empty()) return io::read_vocabulary_file(vocabulary_path, columns);
  std::vector<std::string> terms;
  for (int64_t column = 1; column <= columns; ++column) terms.push_back(std::to_string(column));
  return terms;
}

// This rank's rows of count input, weighted, with the kept columns' new numbers.
void weight_count_rows(const io::CountMatrix& matrix, const std::vector<int64_t>& new_column,
                       const std::vector<double>& kept_idf, const TfidfWeighting& weighting, CsrRows& rows,
                       std::vector<std::string>& ids) {
  std::vector<TermCount> row;
  size_t next_entry = 0;
  for (int64_t r = matrix.first_row; r < matrix.first_row + matrix.local_rows; ++r) {
    row.clear();
    for (; next_entry < matrix.entries.size() && matrix.entries[next_entry].row == r; ++next_entry) {
      const auto& entry = matrix.entries[next_entry];
      const int64_t column = new_column[entry.column];
      if (column >= 0) row.push_back({column, entry.count, kept_idf[column]});
    }
    append_tfidf_row(rows, row, weighting);
    ids.push_back(std::to_string(r + 1));
  }
}

// Count input (uci, mtx): read the counts, filter the given vocabulary, weight the rows.
io::TfidfFileSlices vectorize_counts(MPI_Comm comm, const VectorizeSettings& settings, LocalDocuments& local,
                                     PhaseTimer& timer) {
  const std::string& counts_path = settings.inputs[0];
  io::CountMatrix matrix;
  timer.start(LogEvent::read);
  run_collectively(comm, [&] {
    matrix = io::read_count_matrix(comm, counts_path,
                                   settings.kind == InputKind::uci ? io::CountFormat::uci : io::CountFormat::mtx);
  });
  local.input_bytes = comm_rank(comm) == 0 ? std::filesystem::file_size(counts_path) : 0;

  timer.start(LogEvent::vocabulary);
  std::vector<std::string> input_terms;
  std::vector<int64_t> new_column, kept_frequency;
  run_collectively(comm, [&] {
    check_vocabulary_filter(settings.filter, matrix.rows, counts_path);
    input_terms = count_vocabulary(settings, matrix.columns);
    std::vector<TermStatistics> statistics(static_cast<size_t>(matrix.columns));
    for (const auto& entry : matrix.entries) {
      statistics[entry.column].document_frequency += 1;
      statistics[entry.column].total_count += entry.count;
    }
    // Count input keeps every column, as scikit-learn's TfidfTransformer does, unless
    // the user asked for a filter: min_df's default of 1 would drop unused columns.
    VocabularyFilter keep_all;
    keep_all.min_df = parse_document_frequency_bound("--min-df", "0");
    new_column = filter_columns(comm, std::move(statistics), matrix.rows,
                                settings.count_columns_filtered ? settings.filter : keep_all, kept_frequency);
  });

  timer.start(LogEvent::weight);
  io::TfidfFileSlices slices;
  slices.rows = matrix.rows;
  slices.columns = static_cast<int64_t>(kept_frequency.size());
  slices.matrix.first_row = matrix.first_row;
  std::vector<double> kept_idf;
  kept_idf.reserve(kept_frequency.size());
  for (int64_t df : kept_frequency) kept_idf.push_back(idf_weight(df, matrix.rows, settings.weighting));
  weight_count_rows(matrix, new_column, kept_idf, settings.weighting, slices.matrix, local.ids);
  // Vocabulary slices: columns split evenly over ranks.
  const int ranks = comm_size(comm), rank = comm_rank(comm);
  slices.first_column = even_split_start(slices.columns, rank, ranks);
  const int64_t last_column = even_split_start(slices.columns, rank + 1, ranks);
  for (size_t input_column = 0; input_column < new_column.size(); ++input_column) {
    const int64_t column = new_column[input_column];
    if (column < slices.first_column || column >= last_column) continue;
    slices.terms.push_back(input_terms[input_column]);
    slices.document_frequency.push_back(kept_frequency[column]);
    slices.idf.push_back(kept_idf[column]);
  }
  return slices;
}

// Steps 1-2 of a run: the settings of a parsed command line, with the vocabulary and
// text options of `fixed_vocabulary` when given (collective).
VectorizeSettings settings_of(MPI_Comm comm, CommandLine& line, std::optional<io::VectorizerRecord> fixed_vocabulary) {
  if (fixed_vocabulary) run_collectively(comm, [&] { adopt_recorded_options(line, *fixed_vocabulary); });
  VectorizeSettings settings;
  run_collectively(
      comm, [&] { settings = settings_from(line); }, kExitUsage);
  settings.fixed_vocabulary = std::move(fixed_vocabulary);
  run_collectively(comm, [&] { settings.document.stop_words = text::load_stop_words(settings.stop_words_choice); });
  return settings;
}

// Step 3: the rows, tokenized text or counts read as they are, with their ids and labels.
io::TfidfFileSlices rows_of(MPI_Comm comm, const VectorizeSettings& settings, LocalDocuments& local,
                            PhaseTimer& timer) {
  timer.start(LogEvent::list);
  io::TfidfFileSlices slices =
      settings.counts ? vectorize_counts(comm, settings, local, timer) : vectorize_text(comm, settings, local, timer);
  slices.document_ids = std::move(local.ids);
  slices.labels = std::move(local.labels);
  slices.label_names = local.label_names;
  return slices;
}

}  // namespace

io::TfidfFileSlices vectorize_with_vocabulary(MPI_Comm comm, CommandLine& line, const std::vector<std::string>& inputs,
                                              const io::VectorizerRecord& record) {
  VectorizeSettings settings = settings_of(comm, line, record);
  settings.inputs = inputs;
  PhaseTimer timer;
  LocalDocuments local(settings);
  return rows_of(comm, settings, local, timer);
}

CorpusReadAgain read_corpus_again(MPI_Comm comm, const io::VectorizerRecord& record,
                                  const std::vector<std::string>& inputs, text::TermsObserver observe) {
  auto line = vectorize_command_line();
  for (const auto& option : vectorize_options()) {
    if (option.name == "output" || option.name == "vocabulary-from") continue;
    std::string attribute = option.name == "format" ? "input_format" : option.name;
    std::replace(attribute.begin(), attribute.end(), '-', '_');
    const auto recorded = record.options.find(attribute);
    // Only what differs from the default counts as given, as the first run saw it.
    if (recorded != record.options.end() && recorded->second != line.default_text(option.name))
      line.set(option.name, recorded->second);
  }
  line.set_positionals(inputs);
  const VectorizeSettings settings = settings_of(comm, line, std::nullopt);
  PhaseTimer timer;
  LocalDocuments local(settings);
  local.pipeline.observe_terms(std::move(observe));
  const auto slices = rows_of(comm, settings, local, timer);
  return {slices.rows, vocabulary_fingerprint(comm, slices.first_column, slices.terms)};
}

int run_vectorize(MPI_Comm comm, int argc, char** argv, int first) {
  const double started = wall_seconds();
  // 1. Options, from the command line and any -options_file, and those of the file
  // --vocabulary-from names.
  auto line = vectorize_command_line();
  if (parse_command_line(comm, line, argc, argv, first) == Parsed::help) return 0;
  std::optional<io::VectorizerRecord> fixed_vocabulary;
  if (!line.value("vocabulary-from").empty())
    run_collectively(comm, [&] { fixed_vocabulary = io::read_vectorizer_record(comm, line.value("vocabulary-from")); });
  const VectorizeSettings settings = settings_of(comm, line, std::move(fixed_vocabulary));
  // 2. Refuse what cannot work before any reading: the output.
  run_collectively(
      comm,
      [&] {
        if (settings.output.empty()) throw UserError("no output file: give -o OUT.h5");
      },
      kExitUsage);
  run_collectively(comm, [&] {
    if (comm_rank(comm) == 0) {
      auto inputs = settings.inputs;
      if (settings.fixed_vocabulary) inputs.push_back(settings.fixed_vocabulary->path);
      io::refuse_output_over_inputs(settings.output, "-o", inputs);
      h5::check_output_writable(settings.output);
    }
  });
  // 3. The rows; 4. everything the file holds beside them.
  PhaseTimer timer;
  LocalDocuments local(settings);
  io::TfidfFileSlices slices = rows_of(comm, settings, local, timer);
  slices.text_attributes = parameter_attributes(settings, line);
  slices.text_attributes["vocabulary_fingerprint"] =
      hex64(vocabulary_fingerprint(comm, slices.first_column, slices.terms));
  slices.integer_attributes["n_documents"] = slices.rows;
  // 5. One file, written collectively; 6. the summary.
  timer.start(LogEvent::write);
  run_collectively(comm, [&] { io::write_tfidf_file(comm, settings.output, slices); });
  timer.stop();
  print_summary(comm, settings, slices, local, timer, wall_seconds() - started);
  return 0;
}

}  // namespace dnmf
