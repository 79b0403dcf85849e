#include "io/output_path.hpp"

#include <filesystem>
#include <system_error>

#include "src/base/errors.hpp"

namespace dnmf::io {
namespace {

namespace fs = std::filesystem;

fs::path resolved(const std::string& path) {
  std::error_code error;
  fs::path real = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? fs::absolute(path).lexically_normal() : real;
}

// `path` is `folder` or lies below it.
bool within(const fs::path& path, const fs::path& folder) {
  auto inside = path.begin();
  for (auto part = folder.begin(); part != folder.end(); ++part, ++inside) {
    if (part->empty()) continue;  // a trailing separator
    if (inside == path.end() || *inside != *part) return false;
  }
  return true;
}

}  // namespace

void refuse_output_over_inputs(const std::string& output, const std::string& option,
                               const std::vector<std::string>& inputs) {
  const fs::path written = resolved(output);
  for (const auto& input : inputs) {
    if (input.empty()) continue;
    const fs::path read = resolved(input);
    std::error_code error;
    if (written == read)
      throw UserError(output + ": " + option + " would overwrite the input " + input + "; choose another output");
    if (fs::is_directory(read, error) && within(written, read))
      throw UserError(output + ": " + option + " lies inside the input folder " + input +
                      " (a later run would read it as input); choose another output");
  }
}

void refuse_output_in_folder(const std::string& output, const std::string& folder, const std::string& folder_option) {
  if (folder.empty()) return;
  if (within(resolved(output), resolved(folder)))
    throw UserError(output + ": the output is inside the " + folder_option + " folder " + folder +
                    ", whose files dnmf replaces and removes; choose another output");
}

void require_regular_file(const std::string& path, const std::string& role) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::regular) return;
  const std::string where = path + ": " + (role.empty() ? "" : role + ": ");
  if (status.type() == fs::file_type::not_found || status.type() == fs::file_type::none)
    throw UserError(where + "no such file");
  throw UserError(where + "not a regular file (" +
                  (status.type() == fs::file_type::directory ? "a folder" : "a device, FIFO or socket") + ")");
}

}  // namespace dnmf::io
