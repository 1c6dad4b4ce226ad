#include "yaml_section.hpp"

#include <charconv>

namespace timeguard {
namespace {

std::string join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

int line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

}  // namespace

YamlSection::YamlSection(YAML::Node node, std::string path, std::string file)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)) {}

std::string YamlSection::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string YamlSection::where(std::string_view key) const {
  const YAML::Node child = node_.IsMap() ? node_[std::string(key)] : YAML::Node();
  const int line = child.IsDefined() ? line_of(child) : line_of(node_);
  return file_ + ":" + std::to_string(line) + ": " + key_path(key);
}

bool YamlSection::has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined() && !node_[std::string(key)].IsNull();
}

YamlSection YamlSection::section(std::string_view key) const {
  YAML::Node child = has(key) ? node_[std::string(key)] : YAML::Node(YAML::NodeType::Map);
  return YamlSection(child, key_path(key), file_);
}

Status YamlSection::check_keys(std::initializer_list<std::string_view> allowed) const {
  if (!node_.IsDefined() || node_.IsNull()) return ok_status();
  if (!node_.IsMap()) {
    return fail(file_ + ":" + std::to_string(line_of(node_)) + ": " + (path_.empty() ? "document" : path_) +
                ": expected a mapping of keys to values");
  }
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    bool known = false;
    for (std::string_view name : allowed) known = known || name == key;
    if (!known) {
      return fail(file_ + ":" + std::to_string(line_of(entry.first)) + ": " + key_path(key) +
                  ": unknown key; allowed here: " + join(allowed));
    }
  }
  return ok_status();
}

Result<YAML::Node> YamlSection::scalar(std::string_view key) const {
  const YAML::Node value = node_[std::string(key)];
  if (!value.IsScalar()) return fail(where(key) + ": expected a single value, not a list or mapping");
  return value;
}

Result<bool> YamlSection::get_bool(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  Result<YAML::Node> value = scalar(key);
  if (!value) return value.error();
  bool out = false;
  if (!YAML::convert<bool>::decode(*value, out)) {
    return fail(where(key) + ": invalid value '" + value->Scalar() + "'; expected true or false");
  }
  return out;
}

Result<std::int64_t> YamlSection::get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                          std::int64_t max) const {
  if (!has(key)) return fallback;
  Result<YAML::Node> value = scalar(key);
  if (!value) return value.error();
  const std::string& text = value->Scalar();
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  const std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return fail(where(key) + ": invalid value '" + text + "'; expected a whole number" + range);
  }
  if (out < min || out > max) {
    return fail(where(key) + ": value " + text + " is out of range; expected" + range);
  }
  return out;
}

Result<std::string> YamlSection::get_string(std::string_view key, std::string fallback) const {
  if (!has(key)) return fallback;
  Result<YAML::Node> value = scalar(key);
  if (!value) return value.error();
  return value->Scalar();
}

Result<std::string> YamlSection::get_choice(std::string_view key, std::string fallback,
                                            std::initializer_list<std::string_view> allowed) const {
  Result<std::string> value = get_string(key, std::move(fallback));
  if (!value) return value;
  for (std::string_view name : allowed) {
    if (name == *value) return value;
  }
  return fail(where(key) + ": invalid value '" + *value + "'; expected one of " + join(allowed));
}

Result<std::vector<std::string>> YamlSection::get_string_list(std::string_view key,
                                                              std::vector<std::string> fallback) const {
  if (!has(key)) return fallback;
  const YAML::Node value = node_[std::string(key)];
  if (!value.IsSequence()) return fail(where(key) + ": expected a list, e.g. [a, b]");
  std::vector<std::string> out;
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) {
      return fail(file_ + ":" + std::to_string(line_of(item)) + ": " + key_path(key) +
                  ": list items must be single values");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<YAML::Node> load_yaml_file(const std::string& file) {
  try {
    return YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return fail(file + ": cannot open the configuration file; check the path and permissions");
  } catch (const YAML::ParserException& error) {
    return fail(file + ":" + std::to_string(error.mark.line + 1) + ":" + std::to_string(error.mark.column + 1) +
                ": invalid YAML: " + error.msg);
  }
}

}  // namespace timeguard
