#pragma once
// An advisory lock on a folder, held for as long as the object lives: two runs that
// share a --checkpoint folder would delete each other's snapshots. The lock is a POSIX
// record lock on FOLDER/.dnmf-lock, so it ends with the process however that ends
// (crash, SIGKILL, node failure on file systems whose lock manager notices); the file
// names the holder (host, PID, start time) for the message the next run prints.
#include <string>

namespace dnmf::io {

class FolderLock {
 public:
  // Throws UserError naming the folder and the run that holds it, or saying that the
  // file system cannot lock and what to do then.
  explicit FolderLock(const std::string& folder);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  static constexpr const char* kFileName = ".dnmf-lock";

 private:
  int descriptor_ = -1;
};

}  // namespace dnmf::io
