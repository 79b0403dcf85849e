#pragma once
// Small text outputs (dnmf evaluate -o, select-k's table): written by one process under a
// temporary name and renamed over the target only when complete and on disk, so the
// target is either the old file or the whole new one.
#include <string>

namespace dnmf::io {

// UserError naming `path` and the system's reason when it cannot be written whole.
void write_text_file_atomically(const std::string& path, const std::string& text);

}  // namespace dnmf::io
