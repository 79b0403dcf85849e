#include "io/text_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io/h5.hpp"
#include "src/base/errors.hpp"
#include "src/base/remove_on_signal.hpp"

namespace dnmf::io {

void write_text_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = h5::temporary_path_for(path, static_cast<uint64_t>(getpid()));
  const RemoveOnSignal remove_if_killed(temporary);
  const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) throw UserError(path + ": cannot write the output (" + std::strerror(errno) + ")");
  size_t written = 0;
  int error = 0;
  while (written < text.size()) {
    const ssize_t wrote = ::write(descriptor, text.data() + written, text.size() - written);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      error = wrote < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<size_t>(wrote);
  }
  if (error == 0 && ::fsync(descriptor) != 0) error = errno;
  if (::close(descriptor) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    throw UserError(path + ": cannot write the output (" + std::strerror(error) + ")");
  }
}

}  // namespace dnmf::io
