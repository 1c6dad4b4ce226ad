#include "hook_output.hpp"

#include <algorithm>
#include <cstdio>

namespace timeguard {

void BoundedOutput::append(std::string_view bytes) {
  const std::size_t room = limit_bytes_ - std::min(limit_bytes_, kept_.size());
  const std::size_t taken = std::min(room, bytes.size());
  kept_.append(bytes.data(), taken);
  dropped_bytes_ += bytes.size() - taken;
}

std::string escape_for_log(std::string_view bytes) {
  std::string text;
  text.reserve(bytes.size());
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      text += "\\n";
    } else if (c == '\t') {
      text += "\\t";
    } else if (c == '\\' || c == '"') {
      text += '\\';
      text += c;
    } else if (byte >= 0x20 && byte < 0x7f) {
      text += c;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      text += escaped;
    }
  }
  return text;
}

std::string format_argv(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& element : argv) {
    if (!text.empty()) text += ' ';
    text += '"' + escape_for_log(element) + '"';
  }
  return text;
}

}  // namespace timeguard
