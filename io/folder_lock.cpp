#include "io/folder_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>

#include "src/base/errors.hpp"

namespace dnmf::io {
namespace {

std::string this_run() {
  char host[256] = "";
  ::gethostname(host, sizeof host - 1);
  char started[64] = "";
  const std::time_t now = std::time(nullptr);
  std::strftime(started, sizeof started, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  return "PID " + std::to_string(::getpid()) + " on " + host + ", started " + started;
}

// What the holder wrote; a holder that has not written yet is named by the kernel's PID.
std::string holder(int descriptor, const struct flock& lock) {
  std::string text(512, '\0');
  const ssize_t got = ::pread(descriptor, text.data(), text.size(), 0);
  text.resize(got > 0 ? static_cast<size_t>(got) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  if (!text.empty()) return text;
  return lock.l_pid > 0 ? "PID " + std::to_string(lock.l_pid) : std::string("another process");
}

struct flock whole_file_lock() {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  return lock;
}

}  // namespace

FolderLock::FolderLock(const std::string& folder) {
  const std::string path = (std::filesystem::path(folder) / kFileName).string();
  descriptor_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (descriptor_ < 0)
    throw UserError(folder + ": cannot open the lock file " + kFileName + " (" + std::strerror(errno) + ")");
  struct flock lock = whole_file_lock();
  if (::fcntl(descriptor_, F_SETLK, &lock) != 0) {
    const int error = errno;
    std::string message;
    if (error == EACCES || error == EAGAIN) {
      struct flock probe = whole_file_lock();
      ::fcntl(descriptor_, F_GETLK, &probe);
      message = folder + ": another dnmf run uses this --checkpoint folder (" + holder(descriptor_, probe) +
                "); wait for it to end, or give this run a folder of its own";
    } else {
      message = folder + ": the file system cannot lock the --checkpoint folder (" + std::strerror(error) +
                "), so two runs sharing it could not be kept apart; use a folder on a file system with locks " +
                "(a node-local disk, or Lustre mounted with -o flock), or, if you keep runs apart yourself, " +
                "add --no-checkpoint-lock";
    }
    ::close(descriptor_);
    descriptor_ = -1;
    throw UserError(message);
  }
  // Name the holder for whoever comes next; the lock, not the text, is what keeps runs apart.
  const std::string text = this_run() + "\n";
  if (::ftruncate(descriptor_, 0) != 0) return;  // a lock without a name still keeps runs apart
  [[maybe_unused]] const ssize_t written = ::pwrite(descriptor_, text.data(), text.size(), 0);
}

FolderLock::~FolderLock() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

}  // namespace dnmf::io
