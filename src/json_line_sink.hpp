#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "result.hpp"

namespace timeguard {

// Appends one JSON object per line to a file, or to stdout for "-". Each line goes out in one
// write(2) on an O_APPEND descriptor, so readers never see half a line from this writer.
class JsonLineSink {
 public:
  JsonLineSink() = default;
  ~JsonLineSink();
  JsonLineSink(const JsonLineSink&) = delete;
  JsonLineSink& operator=(const JsonLineSink&) = delete;

  // Opens `path` (empty disables the sink). Creates the file with mode 0640.
  Status open(const std::string& path);

  // Checks that `path` can be opened for appending, creating it if needed, and closes it again.
  // A reload uses it to reject a configuration before it replaces the running one.
  static Status check_writable(const std::string& path);

  // Closes and opens the same path again, for log rotation on SIGHUP.
  Status reopen();

  bool enabled() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  // Writes `line` plus a newline; the error names the path and errno text.
  Status write_line(std::string_view line);

  // Writes `object` on one line. Strings from audit records and /proc may be invalid UTF-8,
  // which nlohmann::json::dump() rejects by throwing, so such bytes become U+FFFD.
  Status write_object(const nlohmann::json& object);

  // Writes that failed since the sink was created, for rate-limited error logs.
  std::uint64_t failures() const { return failures_; }

 private:
  void close_fd();

  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::uint64_t failures_ = 0;
};

}  // namespace timeguard
