#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "result.hpp"

namespace timeguard {

// A YAML mapping with its dotted key path and source file, so every error can name the file,
// the line, the key and what is allowed:
//   /etc/timeguard/timeguard.yaml:7: log.facility: invalid value 'daemn'; expected one of ...
class YamlSection {
 public:
  YamlSection(YAML::Node node, std::string path, std::string file);

  // Fails when the mapping has a key outside `allowed`, or is not a mapping at all.
  Status check_keys(std::initializer_list<std::string_view> allowed) const;

  bool has(std::string_view key) const;
  YamlSection section(std::string_view key) const;  // empty mapping when absent

  Result<bool> get_bool(std::string_view key, bool fallback) const;
  Result<std::int64_t> get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) const;
  Result<std::string> get_string(std::string_view key, std::string fallback) const;
  Result<std::string> get_choice(std::string_view key, std::string fallback,
                                 std::initializer_list<std::string_view> allowed) const;
  Result<std::vector<std::string>> get_string_list(std::string_view key,
                                                   std::vector<std::string> fallback) const;

  // "FILE:LINE: path.key" for a key of this section (the section's own line when absent).
  std::string where(std::string_view key) const;

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

 private:
  std::string key_path(std::string_view key) const;
  Result<YAML::Node> scalar(std::string_view key) const;

  YAML::Node node_;
  std::string path_;
  std::string file_;
};

// Parses a YAML document; a syntax error names the file, line and column.
Result<YAML::Node> load_yaml_file(const std::string& file);

}  // namespace timeguard
