#include "io/corpus_files.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "src/collective.hpp"
#include "src/comm.hpp"
#include "src/row_partition.hpp"

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

}  // namespace

std::vector<InputFile> list_input_files(const std::vector<std::string>& inputs, const ListingOptions& options) {
  if (inputs.empty()) throw UserError("no input given (see --help)");
  std::vector<InputFile> files;
  std::set<std::string> groups_seen;
  for (const auto& input : inputs) {
    std::error_code error;
    const auto status = fs::status(input, error);
    if (error || !fs::exists(status)) throw UserError(input + ": no such file or directory");
    if (fs::is_regular_file(status)) {
      const std::string name = base_name(input);
      if (!options.groups.empty()) throw UserError(input + ": --groups needs folder inputs, this is a file");
      files.push_back({input, name, "", static_cast<uint64_t>(fs::file_size(input, error))});
      continue;
    }
    if (!fs::is_directory(status)) throw UserError(input + ": neither a regular file nor a directory");

    std::vector<InputFile> found;
    fs::recursive_directory_iterator walker(input, fs::directory_options::none, error);
    if (error) throw UserError(input + ": cannot read directory (" + error.message() + ")");
    for (auto entry = fs::begin(walker); entry != fs::end(walker); entry.increment(error)) {
      if (error) throw UserError(input + ": cannot read directory (" + error.message() + ")");
      std::error_code entry_error;
      if (!entry->is_regular_file(entry_error)) continue;
      const fs::path relative = entry->path().lexically_relative(input);
      const std::string relative_text = relative.generic_string();
      if (excluded(entry->path().filename().string(), options)) continue;
      std::string group;
      if (auto first = relative.begin(); std::next(first) != relative.end()) group = first->string();
      if (!options.groups.empty()) {
        if (std::find(options.groups.begin(), options.groups.end(), group) == options.groups.end()) continue;
        groups_seen.insert(group);
      }
      found.push_back({entry->path().string(), base_name(input) + "/" + relative_text, group,
                       static_cast<uint64_t>(entry->file_size(entry_error))});
    }
    if (error) throw UserError(input + ": cannot read directory (" + error.message() + ")");
    std::sort(found.begin(), found.end(), [](const InputFile& a, const InputFile& b) { return a.id < b.id; });
    if (found.empty() && options.groups.empty()) throw UserError(input + ": no documents found (empty folder)");
    files.insert(files.end(), found.begin(), found.end());
  }
  for (const auto& group : options.groups)
    if (groups_seen.count(group) == 0) {
      std::string where;
      for (const auto& input : inputs) where += (where.empty() ? "" : ", ") + input;
      throw UserError("--groups: no folder '" + group + "' in " + where);
    }
  if (files.empty()) throw UserError(inputs.front() + ": no documents found");
  return files;
}

std::string pack_input_files(const std::vector<InputFile>& files, size_t begin, size_t end) {
  ByteWriter writer;
  for (size_t i = begin; i < end; ++i) {
    writer.put_string(files[i].path);
    writer.put_string(files[i].id);
    writer.put_string(files[i].group);
    writer.put<uint64_t>(files[i].bytes);
  }
  return std::move(writer.bytes());
}

std::vector<InputFile> unpack_input_files(const std::string& bytes) {
  std::vector<InputFile> files;
  ByteReader reader(bytes);
  while (!reader.done()) {
    InputFile file;
    file.path = reader.get_string();
    file.id = reader.get_string();
    file.group = reader.get_string();
    file.bytes = reader.get<uint64_t>();
    files.push_back(std::move(file));
  }
  return files;
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

std::string read_file_range(const std::string& path, uint64_t offset, uint64_t size) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw UserError(path + ": cannot open (" + system_reason() + ")");
  std::string bytes(size, '\0');
  uint64_t done = 0;
  while (done < size) {
    const ssize_t got = ::pread(descriptor, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      const std::string reason = system_reason();
      ::close(descriptor);
      throw UserError(path + ": cannot read (" + reason + ")");
    }
    if (got == 0) break;
    done += static_cast<uint64_t>(got);
  }
  ::close(descriptor);
  bytes.resize(done);
  return bytes;
}

std::string read_file_bytes(const std::string& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (error) throw UserError(path + ": cannot read (" + error.message() + ")");
  return read_file_range(path, 0, size);
}

}  // namespace dnmf::io
