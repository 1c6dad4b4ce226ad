#pragma once

#include <string>

#include "result.hpp"
#include "unique_fd.hpp"

namespace timeguard {

// An executable opened for fexecve after its checks passed, so that the file that was checked
// is the file that runs even if the path is replaced in between.
struct CheckedExecutable {
  UniqueFd fd;              // O_RDONLY | O_CLOEXEC
  std::string path;         // as configured
  bool is_script = false;   // starts with "#!": the interpreter reopens it via /dev/fd/N
};

// Rules for a file that makes timeguard (running as root) run commands: the file and every
// directory above it must be owned by root, and none may be writable by group or others,
// except a root-owned directory with the sticky bit (like /tmp), because there no other user
// can rename or delete root's files. Each error names the file, the reason and the fix, e.g.
// "/etc/timeguard/hook.sh is group-writable (mode 0775); run chmod g-w /etc/timeguard/hook.sh".
Status check_config_file(const std::string& path);
Result<CheckedExecutable> open_checked_executable(const std::string& path);

}  // namespace timeguard
