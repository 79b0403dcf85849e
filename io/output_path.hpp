#pragma once
// Where dnmf may write: never over what it reads. Paths are compared as the file system
// resolves them (symlinks, "..", relative to the working folder), also for an output
// that does not exist yet. And what a single-file input must be: a regular file (a
// folder would read as empty, /dev/zero as endless, a FIFO would block the open).
#include <string>
#include <vector>

namespace dnmf::io {

// UserError naming `output` (the value of `option`) when it is one of `inputs` or lies
// inside one of them that is a folder. Empty inputs are ignored.
void refuse_output_over_inputs(const std::string& output, const std::string& option,
                               const std::vector<std::string>& inputs);

// UserError when `output` is the folder `folder` (the value of `folder_option`) or lies
// inside it.
void refuse_output_in_folder(const std::string& output, const std::string& folder, const std::string& folder_option);

// UserError "PATH: ROLE: no such file" or "... not a regular file (a folder)" unless
// `path` is (or links to) a regular file. `role` names the option or argument (may be
// empty: "PATH: no such file").
void require_regular_file(const std::string& path, const std::string& role);

}  // namespace dnmf::io
