#include "io/corpus_files.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "src/base/collective.hpp"
#include "src/base/comm.hpp"
#include "src/base/row_partition.hpp"

namespace dnmf::io {
namespace fs = std::filesystem;
namespace {

std::string system_reason() { return std::strerror(errno); }

bool excluded(const std::string& name, const ListingOptions& options) {
  for (const auto& pattern : options.exclude_patterns)
    if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

// The last component of a path, ignoring trailing slashes.
std::string base_name(const std::string& path) {
  fs::path cleaned = fs::path(path).lexically_normal();
  if (cleaned.filename().empty()) cleaned = cleaned.parent_path();
  const std::string name = cleaned.filename().string();
  return name.empty() ? path : name;
}

// The name documents of input `index` are known by: its base name, or, when another
// input has the same base name (de/computer and it/computer), its path as given, so that
// every document id is unique and says where the document came from.
std::string input_name(const std::vector<std::string>& inputs, uint32_t index) {
  std::string name = base_name(inputs[index]);
  for (uint32_t other = 0; other < inputs.size(); ++other)
    if (other != index && base_name(inputs[other]) == name) {
      fs::path cleaned = fs::path(inputs[index]).lexically_normal();
      if (cleaned.filename().empty()) cleaned = cleaned.parent_path();
      return cleaned.generic_string();
    }
  return name;
}

}  // namespace

namespace {

// One unit of the parallel walk: a file input, or one first-level entry of a folder input.
struct WalkItem {
  uint32_t input = 0;
  std::string first_level;  // empty for a file input
  bool is_directory = false;
  void pack(ByteWriter& writer) const {
    writer.put<uint32_t>(input);
    writer.put_string(first_level);
    writer.put<char>(is_directory ? 1 : 0);
  }
  static WalkItem unpack(ByteReader& reader) {
    WalkItem item;
    item.input = reader.get<uint32_t>();
    item.first_level = reader.get_string();
    item.is_directory = reader.get<char>() != 0;
    return item;
  }
};

std::string input_list(const std::vector<std::string>& inputs) {
  std::string where;
  for (const auto& input : inputs) where += (where.empty() ? "" : ", ") + input;
  return where;
}

// Rank 0: checks the inputs and lists their first-level entries.
std::vector<WalkItem> first_level_items(const std::vector<std::string>& inputs, const ListingOptions& options) {
  if (inputs.empty()) throw UserError("no input given (see --help)");
  std::vector<WalkItem> items;
  std::set<std::string> groups_seen;
  for (uint32_t index = 0; index < inputs.size(); ++index) {
    const auto& input = inputs[index];
    std::error_code error;
    const auto status = fs::status(input, error);
    if (error || !fs::exists(status)) throw UserError(input + ": no such file or directory");
    if (fs::is_regular_file(status)) {
      if (!options.groups.empty()) throw UserError(input + ": --groups needs folder inputs, this is a file");
      items.push_back({index, "", false});
      continue;
    }
    if (!fs::is_directory(status)) throw UserError(input + ": neither a regular file nor a directory");
    fs::directory_iterator entries(input, error);
    if (error) throw UserError(input + ": cannot read directory (" + error.message() + ")");
    for (const auto& entry : entries) {
      std::error_code entry_error;
      const std::string name = entry.path().filename().string();
      if (entry.is_directory(entry_error)) {
        if (!options.groups.empty() &&
            std::find(options.groups.begin(), options.groups.end(), name) == options.groups.end())
          continue;
        groups_seen.insert(name);
        items.push_back({index, name, true});
      } else if (entry.is_regular_file(entry_error) && options.groups.empty()) {
        items.push_back({index, name, false});
      }
    }
  }
  for (const auto& group : options.groups)
    if (groups_seen.count(group) == 0) throw UserError("--groups: no folder '" + group + "' in " + input_list(inputs));
  return items;
}

// Any rank: the files of one walk item.
void walk(const WalkItem& item, const std::vector<std::string>& inputs, const ListingOptions& options,
          std::vector<InputFile>& files) {
  const std::string& input = inputs[item.input];
  std::error_code error;
  if (item.first_level.empty()) {
    files.push_back(
        {input, input_name(inputs, item.input), "", static_cast<uint64_t>(fs::file_size(input, error)), item.input});
    if (error) throw UserError(input + ": cannot read (" + error.message() + ")");
    return;
  }
  const std::string prefix = input_name(inputs, item.input) + "/";
  const fs::path top = fs::path(input) / item.first_level;
  if (!item.is_directory) {
    if (excluded(item.first_level, options)) return;
    files.push_back(
        {top.string(), prefix + item.first_level, "", static_cast<uint64_t>(fs::file_size(top, error)), item.input});
    if (error) throw UserError(top.string() + ": cannot read (" + error.message() + ")");
    return;
  }
  fs::recursive_directory_iterator walker(top, fs::directory_options::none, error);
  if (error) throw UserError(top.string() + ": cannot read directory (" + error.message() + ")");
  for (auto entry = fs::begin(walker); entry != fs::end(walker); entry.increment(error)) {
    if (error) throw UserError(top.string() + ": cannot read directory (" + error.message() + ")");
    std::error_code entry_error;
    if (!entry->is_regular_file(entry_error)) continue;
    if (excluded(entry->path().filename().string(), options)) continue;
    const std::string relative = entry->path().lexically_relative(input).generic_string();
    files.push_back({entry->path().string(), prefix + relative, item.first_level,
                     static_cast<uint64_t>(entry->file_size(entry_error)), item.input});
  }
  if (error) throw UserError(top.string() + ": cannot read directory (" + error.message() + ")");
}

}  // namespace

std::vector<InputFile> list_input_files(MPI_Comm comm, const std::vector<std::string>& inputs,
                                        const ListingOptions& options) {
  const int rank = comm_rank(comm), ranks = comm_size(comm);
  const std::vector<WalkItem> items = decide_on_root(comm, [&] { return first_level_items(inputs, options); });

  // Folders are dealt round-robin: stat-ing millions of files is the slow part.
  std::vector<InputFile> mine;
  run_collectively(comm, [&] {
    for (size_t i = static_cast<size_t>(rank); i < items.size(); i += static_cast<size_t>(ranks))
      walk(items[i], inputs, options, mine);
  });
  const auto gathered = gather_items(comm, mine);

  std::vector<InputFile> files;
  run_collectively(comm, [&] {
    if (rank != 0) return;
    for (const auto& part : gathered) files.insert(files.end(), part.begin(), part.end());
    std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) {
      return a.input != b.input ? a.input < b.input : a.id < b.id;
    });
    std::vector<size_t> per_input(inputs.size(), 0);
    for (const auto& file : files) ++per_input[file.input];
    for (size_t index = 0; index < inputs.size(); ++index)
      if (per_input[index] == 0 && options.groups.empty())
        throw UserError(inputs[index] + ": no documents found (empty folder)");
    if (files.empty()) throw UserError(input_list(inputs) + ": no documents found");
  });
  return files;
}

void InputFile::pack(ByteWriter& writer) const {
  writer.put_string(path);
  writer.put_string(id);
  writer.put_string(group);
  writer.put<uint64_t>(bytes);
  writer.put<uint32_t>(input);
}

InputFile InputFile::unpack(ByteReader& reader) {
  InputFile file;
  file.path = reader.get_string();
  file.id = reader.get_string();
  file.group = reader.get_string();
  file.bytes = reader.get<uint64_t>();
  file.input = reader.get<uint32_t>();
  return file;
}

std::vector<size_t> byte_balanced_starts(const std::vector<InputFile>& files, int parts) {
  uint64_t total = 0;
  for (const auto& file : files) total += file.bytes;
  std::vector<size_t> starts(static_cast<size_t>(parts) + 1, files.size());
  starts[0] = 0;
  // Share j starts at the first file whose preceding bytes reach j/parts of the total.
  uint64_t before = 0;
  size_t file = 0;
  for (int part = 1; part < parts; ++part) {
    const auto target = static_cast<uint64_t>(even_split_start(static_cast<int64_t>(total), part, parts));
    while (file < files.size() && before + files[file].bytes / 2 < target) before += files[file++].bytes;
    starts[part] = std::max(file, starts[part - 1]);
  }
  return starts;
}

uint64_t read_file_range_into(const std::string& path, uint64_t offset, uint64_t size, std::string& bytes, size_t at) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) {
    const bool gone = errno == ENOENT;
    throw UserError(path + ": cannot open (" + system_reason() +
                    (gone ? "; removed after the inputs were listed?)" : ")"));
  }
  bytes.resize(at + size);
  uint64_t done = 0;
  while (done < size) {
    const uint64_t wanted = size - done;
    const ssize_t got = ::pread(descriptor, bytes.data() + at + done, wanted, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      const std::string reason = system_reason();
      ::close(descriptor);
      throw UserError(path + ": cannot read (" + reason + ")");
    }
    done += static_cast<uint64_t>(got);
    // A regular file reads short only at its end: no need for a call that returns 0.
    if (static_cast<uint64_t>(got) < wanted) break;
  }
  ::close(descriptor);
  bytes.resize(at + done);
  return done;
}

std::string read_file_range(const std::string& path, uint64_t offset, uint64_t size) {
  std::string bytes;
  read_file_range_into(path, offset, size, bytes, 0);
  return bytes;
}

void read_file_bytes(const std::string& path, uint64_t expected_size, std::string& bytes) {
  // A file still being written could be read forever: dnmf reads what it held when it
  // was listed, and one byte more only to say so.
  const uint64_t size = read_file_range_into(path, 0, expected_size + 1, bytes, 0);
  if (size <= expected_size) return;
  bytes.resize(expected_size);
  print_warning(path + ": grew while dnmf read it; read the " + std::to_string(expected_size) +
                " bytes it held when the inputs were listed");
}

std::string read_file_bytes(const std::string& path, uint64_t expected_size) {
  std::string bytes;
  read_file_bytes(path, expected_size, bytes);
  return bytes;
}

}  // namespace dnmf::io
