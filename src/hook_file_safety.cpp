#include "hook_file_safety.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

namespace timeguard {
namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Applies the ownership and mode rules to one file or directory.
Status check_owner_and_mode(const struct stat& st, const std::string& path) {
  if (st.st_uid != 0) {
    return fail(path + " is owned by uid " + std::to_string(st.st_uid) + ", not root; run chown root " +
                path);
  }

  const bool sticky_directory = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0;
  if (sticky_directory) return ok_status();

  const bool group_writable = (st.st_mode & S_IWGRP) != 0;
  const bool world_writable = (st.st_mode & S_IWOTH) != 0;
  const std::string mode = " (mode " + octal_mode(st.st_mode) + ")";
  if (group_writable && world_writable) {
    return fail(path + " is group- and world-writable" + mode + "; run chmod go-w " + path);
  }
  if (group_writable) return fail(path + " is group-writable" + mode + "; run chmod g-w " + path);
  if (world_writable) return fail(path + " is world-writable" + mode + "; run chmod o-w " + path);
  return ok_status();
}

// The path the kernel resolved for `fd`, so the directory checks cover the real location
// and not a symlink that points there.
Result<std::string> resolved_path(int fd, const std::string& path) {
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  char target[PATH_MAX];
  const ssize_t length = ::readlink(link.c_str(), target, sizeof target - 1);
  if (length <= 0) {
    return fail("cannot resolve " + path + " through " + link + ": " + std::strerror(errno));
  }
  return std::string(target, static_cast<std::size_t>(length));
}

Status check_directories_above(const std::string& resolved) {
  std::string directory = resolved;
  while (true) {
    const std::size_t slash = directory.rfind('/');
    if (slash == std::string::npos) return ok_status();
    directory.resize(slash == 0 ? 1 : slash);

    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0) {
      return fail("cannot stat directory " + directory + ": " + std::strerror(errno));
    }
    Status status = check_owner_and_mode(st, directory);
    if (!status) return status;
    if (directory == "/") return ok_status();
  }
}

// Opens `path`, checks the opened file with fstat and the directories above it.
Result<UniqueFd> open_and_check(const std::string& path, struct stat& st) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail("cannot open " + path + ": " + std::strerror(errno));
  if (::fstat(fd.get(), &st) != 0) return fail("cannot stat " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fail(path + " is not a regular file");

  Status file_status = check_owner_and_mode(st, path);
  if (!file_status) return file_status.error();

  Result<std::string> resolved = resolved_path(fd.get(), path);
  if (!resolved) return resolved.error();
  Status directory_status = check_directories_above(*resolved);
  if (!directory_status) return directory_status.error();
  return fd;
}

}  // namespace

Status check_config_file(const std::string& path) {
  struct stat st {};
  Result<UniqueFd> fd = open_and_check(path, st);
  if (!fd) return fd.error();
  return ok_status();
}

Result<CheckedExecutable> open_checked_executable(const std::string& path) {
  if (path.empty() || path.front() != '/') return fail("hook program " + path + " is not an absolute path");

  struct stat st {};
  Result<UniqueFd> fd = open_and_check(path, st);
  if (!fd) return fd.error();
  if ((st.st_mode & S_IXUSR) == 0) {
    return fail(path + " is not executable (mode " + octal_mode(st.st_mode) + "); run chmod u+x " + path);
  }

  char magic[2] = {0, 0};
  const bool is_script = ::pread(fd->get(), magic, sizeof magic, 0) == 2 && magic[0] == '#' &&
                         magic[1] == '!';
  return CheckedExecutable{std::move(*fd), path, is_script};
}

}  // namespace timeguard
