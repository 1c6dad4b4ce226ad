#include "hook_config.hpp"

#include <charconv>
#include <yaml-cpp/yaml.h>

#include "hook_placeholders.hpp"

namespace timeguard {
namespace {

constexpr std::string_view settings_keys =
    "action, verdicts, dry_run, preset, command, timeout_s, cooldown_s, max_runs_per_hour, "
    "output_limit_bytes";

// "hooks.default.timeout_s (line 7)": where an operator finds the value in the file.
std::string where(const YAML::Node& node, std::string_view key_path) {
  std::string text(key_path);
  if (node.Mark().line >= 0) text += " (line " + std::to_string(node.Mark().line + 1) + ")";
  return text;
}

Error invalid(const YAML::Node& node, std::string_view key_path, std::string_view problem) {
  return fail(where(node, key_path) + ": " + std::string(problem));
}

Result<std::string> parse_scalar(const YAML::Node& node, std::string_view key_path) {
  if (!node.IsScalar()) return invalid(node, key_path, "expected a single value, not a list or map");
  return node.Scalar();
}

Result<bool> parse_bool(const YAML::Node& node, std::string_view key_path) {
  Result<std::string> text = parse_scalar(node, key_path);
  if (!text) return text.error();
  if (*text == "true") return true;
  if (*text == "false") return false;
  return invalid(node, key_path, "invalid value \"" + *text + "\"; allowed: true, false");
}

Result<std::uint32_t> parse_count(const YAML::Node& node, std::string_view key_path,
                                  std::uint32_t min, std::uint32_t max) {
  Result<std::string> text = parse_scalar(node, key_path);
  if (!text) return text.error();

  const std::string range = "allowed: an integer from " + std::to_string(min) + " to " +
                            std::to_string(max);
  std::uint64_t value = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || text->empty()) {
    return invalid(node, key_path, "invalid number \"" + *text + "\"; " + range);
  }
  if (value < min || value > max) {
    return invalid(node, key_path, "out of range: " + *text + "; " + range);
  }
  return static_cast<std::uint32_t>(value);
}

Result<HookAction> parse_action(const YAML::Node& node, std::string_view key_path) {
  Result<std::string> text = parse_scalar(node, key_path);
  if (!text) return text.error();
  if (*text == "none") return HookAction::none;
  if (*text == "hook") return HookAction::hook;
  return invalid(node, key_path, "invalid action \"" + *text + "\"; allowed: none, hook");
}

Result<HookPreset> parse_preset(const YAML::Node& node, std::string_view key_path) {
  Result<std::string> text = parse_scalar(node, key_path);
  if (!text) return text.error();
  for (HookPreset preset : {HookPreset::dhclient, HookPreset::ifupdown, HookPreset::networkd,
                            HookPreset::networkmanager, HookPreset::dhcpcd}) {
    if (*text == to_string(preset)) return preset;
  }
  return invalid(node, key_path, "unknown preset \"" + *text +
                                     "\"; allowed: dhclient, ifupdown, networkd, "
                                     "networkmanager, dhcpcd");
}

Result<std::vector<std::string>> parse_verdicts(const YAML::Node& node, std::string_view key_path) {
  if (!node.IsSequence()) return invalid(node, key_path, "expected a list of verdict names");

  std::string allowed;
  for (std::string_view name : known_verdict_names()) {
    allowed += allowed.empty() ? "" : ", ";
    allowed += name;
  }

  std::vector<std::string> verdicts;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = std::string(key_path) + "[" + std::to_string(i) + "]";
    Result<std::string> name = parse_scalar(node[i], item_path);
    if (!name) return name.error();
    bool known = false;
    for (std::string_view candidate : known_verdict_names()) known = known || candidate == *name;
    if (!known) {
      return invalid(node[i], item_path, "unknown verdict \"" + *name + "\"; allowed: " + allowed);
    }
    verdicts.push_back(*name);
  }
  return verdicts;
}

Result<std::vector<std::string>> parse_command(const YAML::Node& node, std::string_view key_path) {
  if (!node.IsSequence() || node.size() == 0) {
    return invalid(node, key_path, "expected a non-empty argv list, e.g. [/usr/local/sbin/renew, \"{interface}\"]");
  }

  std::vector<std::string> argv;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = std::string(key_path) + "[" + std::to_string(i) + "]";
    Result<std::string> element = parse_scalar(node[i], item_path);
    if (!element) return element.error();
    Status syntax = check_placeholders(*element);
    if (!syntax) return invalid(node[i], item_path, syntax.error().reason);
    argv.push_back(*element);
  }

  // The program is never looked up in PATH and never chosen by a placeholder, so the file
  // that the safety checks inspect is the file that runs.
  const std::string& program = argv.front();
  if (program.empty() || program.front() != '/' || program.find('{') != std::string::npos) {
    return invalid(node[0], std::string(key_path) + "[0]",
                   "program \"" + program + "\" must be an absolute path without placeholders");
  }
  return argv;
}

// Applies the keys present in `node` on top of `settings`.
Status apply_key(const std::string& key, const YAML::Node& value, const std::string& path,
                 HookSettings& settings) {
  auto assign = [](auto parsed, auto& field) -> Status {
    if (!parsed) return parsed.error();
    field = std::move(*parsed);
    return ok_status();
  };

  if (key == "action") return assign(parse_action(value, path), settings.action);
  if (key == "verdicts") return assign(parse_verdicts(value, path), settings.verdicts);
  if (key == "dry_run") return assign(parse_bool(value, path), settings.dry_run);
  if (key == "timeout_s") return assign(parse_count(value, path, 1, 3600), settings.timeout_s);
  if (key == "cooldown_s") return assign(parse_count(value, path, 0, 86400), settings.cooldown_s);
  if (key == "max_runs_per_hour") {
    return assign(parse_count(value, path, 1, 60), settings.max_runs_per_hour);
  }
  if (key == "output_limit_bytes") {
    return assign(parse_count(value, path, 0, 1 << 20), settings.output_limit_bytes);
  }
  if (key == "preset") {
    Result<HookPreset> preset = parse_preset(value, path);
    if (!preset) return preset.error();
    settings.preset = *preset;
    settings.command = preset_command(*preset);
    return ok_status();
  }
  if (key == "command") {
    Result<std::vector<std::string>> argv = parse_command(value, path);
    if (!argv) return argv.error();
    settings.preset = HookPreset::command;
    settings.command = {*argv};
    return ok_status();
  }
  return invalid(value, path, "unknown key; allowed: " + std::string(settings_keys));
}

Result<HookSettings> parse_settings(const YAML::Node& node, std::string_view key_path,
                                    HookSettings settings) {
  if (!node || node.IsNull()) return settings;
  if (!node.IsMap()) return invalid(node, key_path, "expected a map of hook settings");
  if (node["preset"] && node["command"]) {
    return invalid(node, key_path, "set either preset or command, not both");
  }

  for (const auto& entry : node) {
    Result<std::string> key = parse_scalar(entry.first, key_path);
    if (!key) return key.error();
    Status applied = apply_key(*key, entry.second, std::string(key_path) + "." + *key, settings);
    if (!applied) return applied.error();
  }

  if (settings.action == HookAction::hook && settings.command.empty()) {
    return invalid(node, key_path, "action hook needs a preset or a command");
  }
  return settings;
}

Result<HookPolicy> parse_policy_map(const YAML::Node& node, std::string_view key_path) {
  HookPolicy policy;
  if (!node || node.IsNull()) return policy;
  if (!node.IsMap()) return invalid(node, key_path, "expected a map with keys default, interfaces");

  const std::string base(key_path);
  for (const auto& entry : node) {
    Result<std::string> key = parse_scalar(entry.first, key_path);
    if (!key) return key.error();
    if (*key != "default" && *key != "interfaces") {
      return invalid(entry.first, base + "." + *key, "unknown key; allowed: default, interfaces");
    }
  }

  Result<HookSettings> defaults = parse_settings(node["default"], base + ".default", policy.defaults);
  if (!defaults) return defaults.error();
  policy.defaults = *defaults;

  const YAML::Node interfaces = node["interfaces"];
  if (!interfaces || interfaces.IsNull()) return policy;
  if (!interfaces.IsMap()) {
    return invalid(interfaces, base + ".interfaces", "expected a map from interface name to settings");
  }
  for (const auto& entry : interfaces) {
    Result<std::string> name = parse_scalar(entry.first, base + ".interfaces");
    if (!name) return name.error();
    const std::string path = base + ".interfaces." + *name;
    Result<HookSettings> settings = parse_settings(entry.second, path, policy.defaults);
    if (!settings) return settings.error();
    policy.interfaces.emplace(*name, *settings);
  }
  return policy;
}

}  // namespace

std::string_view to_string(HookAction action) {
  return action == HookAction::hook ? "hook" : "none";
}

std::string_view to_string(HookPreset preset) {
  switch (preset) {
    case HookPreset::command: return "command";
    case HookPreset::dhclient: return "dhclient";
    case HookPreset::ifupdown: return "ifupdown";
    case HookPreset::networkd: return "networkd";
    case HookPreset::networkmanager: return "networkmanager";
    case HookPreset::dhcpcd: return "dhcpcd";
  }
  return "command";
}

const std::vector<std::string_view>& known_verdict_names() {
  static const std::vector<std::string_view> names{
      "ok", "renews_early", "lost_before_renewal", "expired_by_step", "no_client",
      "lifetime_shorter_than_renewal"};
  return names;
}

HookCommand preset_command(HookPreset preset) {
  switch (preset) {
    case HookPreset::command:
      return {};
    case HookPreset::dhclient:
      // ISC dhclient 4.4 has no "renew now" request. A second `dhclient IFACE` neither stops
      // the running one (only -r and -x read the pid file) nor refreshes valid_lft, because its
      // REBOOT reason makes Debian's dhclient-script run `ip addr add`, which fails with
      // "Address already assigned" (seen with isc-dhcp-client 4.4.3-P1 in the namespace lab).
      // `-x` sends SIGTERM to the pid in the pid file and runs the STOP reason, which removes
      // the address; the new client then requests the same address (INIT-REBOOT) and adds it
      // with the full lease time. The address is absent for about 1 s.
      // NOTE: the new client gets only -pf and -lf, so a running client's -cf, -sf or -4/-6
      // options are not carried over, and -x signals whatever pid the pid file holds.
      return {{"/sbin/dhclient", "-x", "-pf", "{pid_file}", "-lf", "{lease_file}", "{interface}"},
              {"/sbin/dhclient", "-1", "-pf", "{pid_file}", "-lf", "{lease_file}", "{interface}"}};
    case HookPreset::ifupdown:
      return {{"/sbin/ifdown", "{interface}"}, {"/sbin/ifup", "{interface}"}};
    case HookPreset::networkd:
      return {{"/usr/bin/networkctl", "renew", "{interface}"}};
    case HookPreset::networkmanager:
      return {{"/usr/bin/nmcli", "device", "reapply", "{interface}"}};
    case HookPreset::dhcpcd:
      return {{"/usr/sbin/dhcpcd", "--rebind", "{interface}"}};
  }
  return {};
}

bool HookSettings::triggered_by(std::string_view verdict) const {
  for (const std::string& name : verdicts) {
    if (name == verdict) return true;
  }
  return false;
}

const HookSettings& HookPolicy::settings_for(std::string_view interface) const {
  const auto found = interfaces.find(interface);
  return found == interfaces.end() ? defaults : found->second;
}

Result<HookPolicy> parse_hook_policy(const YAML::Node& node, std::string_view key_path) {
  // yaml-cpp throws on malformed access, and its exceptions stop here.
  try {
    return parse_policy_map(node, key_path);
  } catch (const YAML::Exception& error) {
    return fail(std::string(key_path) + ": invalid YAML: " + error.what());
  }
}

}  // namespace timeguard
