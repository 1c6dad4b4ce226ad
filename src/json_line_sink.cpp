#include "json_line_sink.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace timeguard {

JsonLineSink::~JsonLineSink() { close_fd(); }

void JsonLineSink::close_fd() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  owns_fd_ = false;
}

Status JsonLineSink::open(const std::string& path) {
  close_fd();
  path_ = path;
  if (path.empty()) return ok_status();
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    return ok_status();
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return fail("cannot open JSON output " + path + ": " + std::strerror(errno) +
                "; create its directory or change output.json_file");
  }
  fd_ = fd;
  owns_fd_ = true;
  return ok_status();
}

Status JsonLineSink::reopen() { return open(path_); }

Status JsonLineSink::write_object(const nlohmann::json& object) {
  return write_line(object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Status JsonLineSink::check_writable(const std::string& path) {
  if (path.empty() || path == "-") return ok_status();
  JsonLineSink probe;
  return probe.open(path);
}

Status JsonLineSink::write_line(std::string_view line) {
  if (fd_ < 0) return ok_status();
  std::string buffer;
  buffer.reserve(line.size() + 1);
  buffer.append(line);
  buffer.push_back('\n');

  std::string_view rest = buffer;
  while (!rest.empty()) {
    const ssize_t written = ::write(fd_, rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      ++failures_;
      return fail("cannot write JSON output " + path_ + ": " + std::strerror(errno));
    }
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  return ok_status();
}

}  // namespace timeguard
