#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace timeguard {

// Output of one hook stream (stdout or stderr), kept up to a byte limit. Bytes beyond it are
// counted and dropped, so a chatty hook cannot grow the plugin's memory.
class BoundedOutput {
 public:
  explicit BoundedOutput(std::size_t limit_bytes = 0) : limit_bytes_(limit_bytes) {}

  void append(std::string_view bytes);

  const std::string& kept() const { return kept_; }
  std::uint64_t dropped_bytes() const { return dropped_bytes_; }
  std::size_t limit_bytes() const { return limit_bytes_; }

 private:
  std::size_t limit_bytes_;
  std::string kept_;
  std::uint64_t dropped_bytes_ = 0;
};

// Escapes bytes for one log line: printable ASCII stays, `\n`, `\t`, `\\`, `"` and other bytes
// become C escapes (\xNN), so a hook's output or a hostile argument cannot forge log lines.
std::string escape_for_log(std::string_view bytes);

// Shows an argv as a log reader would type it: each element in double quotes, escaped.
std::string format_argv(const std::vector<std::string>& argv);

}  // namespace timeguard
