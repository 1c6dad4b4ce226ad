#include "process_context.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>

namespace timeguard {
namespace {

constexpr std::size_t kMaxProcFileBytes = 16 * 1024;

// Reads at most max_bytes of a small file with plain read(2) calls, or returns nullopt when it
// cannot be opened or read. O_NONBLOCK keeps an unexpected FIFO at the path from stalling the open.
std::optional<std::string> read_small_file(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    return std::nullopt;
  }
  std::string content(max_bytes, '\0');
  std::size_t used = 0;
  while (used < max_bytes) {
    ssize_t got = ::read(fd, content.data() + used, max_bytes - used);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      if (got < 0) {
        ::close(fd);
        return std::nullopt;
      }
      break;
    }
    used += static_cast<std::size_t>(got);
  }
  ::close(fd);
  content.resize(used);
  return content;
}

std::string read_link(const std::string& path) {
  char target[PATH_MAX];
  ssize_t length = ::readlink(path.c_str(), target, sizeof target);
  if (length <= 0) {
    return {};
  }
  return std::string(target, static_cast<std::size_t>(length));
}

std::string strip_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

// Turns /proc/PID/cmdline (arguments separated and ended by NUL) into one line.
std::string cmdline_as_line(std::string cmdline) {
  while (!cmdline.empty() && cmdline.back() == '\0') {
    cmdline.pop_back();
  }
  for (char& c : cmdline) {
    c = c == '\0' ? ' ' : c;
  }
  return cmdline;
}

std::string unit_from_path(std::string_view path) {
  std::string_view unit;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view component = path.substr(0, slash);
    if (component.ends_with(".service") || component.ends_with(".scope")) {
      unit = component;
    }
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return std::string(unit);
}

std::string proc_path(const std::string& proc_root, pid_t pid, const char* file) {
  return proc_root + "/" + std::to_string(pid) + "/" + file;
}

std::string unit_of(const std::string& proc_root, pid_t pid) {
  auto cgroup = read_small_file(proc_path(proc_root, pid, "cgroup"), kMaxProcFileBytes);
  return cgroup ? systemd_unit_from_cgroup(*cgroup) : "";
}

void add_parent(ProcessInfo& process, const std::string& proc_root) {
  if (process.ppid <= 0) {
    return;
  }
  process.parent_exe = read_link(proc_path(proc_root, process.ppid, "exe"));
  auto cmdline = read_small_file(proc_path(proc_root, process.ppid, "cmdline"), kMaxProcFileBytes);
  process.parent_cmdline = cmdline ? cmdline_as_line(std::move(*cmdline)) : "";
  if (process.systemd_unit.empty()) {
    process.systemd_unit = unit_of(proc_root, process.ppid);
  }
}

}  // namespace

std::string systemd_unit_from_cgroup(std::string_view cgroup_file) {
  std::string v1_unit;
  while (!cgroup_file.empty()) {
    std::size_t newline = cgroup_file.find('\n');
    std::string_view line = cgroup_file.substr(0, newline);
    cgroup_file = newline == std::string_view::npos ? std::string_view()
                                                    : cgroup_file.substr(newline + 1);

    // hierarchy-ID:controller-list:cgroup-path; the path itself may contain ':'.
    std::size_t first = line.find(':');
    std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) {
      continue;
    }
    std::string_view id = line.substr(0, first);
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string_view path = line.substr(second + 1);
    if (id == "0" && controllers.empty()) {
      std::string unit = unit_from_path(path);
      if (!unit.empty()) {
        return unit;
      }
    } else if (controllers == "name=systemd") {
      v1_unit = unit_from_path(path);
    }
  }
  return v1_unit;
}

std::optional<pid_t> parent_pid_from_stat(std::string_view stat_file) {
  // "4242 (my (odd) name) S 4200 ...": comm ends at the last ')'.
  std::size_t comm_end = stat_file.rfind(')');
  if (comm_end == std::string_view::npos || stat_file.size() < comm_end + 5) {
    return std::nullopt;
  }
  std::string_view rest = stat_file.substr(comm_end + 2);  // "S 4200 ..."
  if (rest.size() < 3 || rest[1] != ' ') {
    return std::nullopt;
  }
  rest.remove_prefix(2);

  pid_t ppid = 0;
  const char* end = rest.data() + rest.size();
  auto [ptr, ec] = std::from_chars(rest.data(), end, ppid);
  if (ec != std::errc{} || ptr == rest.data() || (ptr != end && *ptr != ' ')) {
    return std::nullopt;
  }
  return ppid;
}

void add_process_context(ProcessInfo& process, const std::string& proc_root) {
  if (process.pid <= 0) {
    return;
  }
  auto comm = read_small_file(proc_path(proc_root, process.pid, "comm"), 64);
  if (!comm) {
    add_parent(process, proc_root);  // the process has exited; its parent may still run
    return;
  }
  if (strip_newline(std::move(*comm)) != process.comm) {
    return;
  }

  process.systemd_unit = unit_of(proc_root, process.pid);
  auto stat = read_small_file(proc_path(proc_root, process.pid, "stat"), kMaxProcFileBytes);
  auto current_ppid = stat ? parent_pid_from_stat(*stat) : std::nullopt;
  if (current_ppid && *current_ppid == process.ppid) {
    add_parent(process, proc_root);
  }
}

}  // namespace timeguard
