#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace YAML {
class Node;
}

namespace timeguard {

// The response to a verdict that puts an interface's address in danger.
enum class HookAction { none, hook };

// A ready-made command for one DHCP client, or `command` for an operator-supplied argv.
enum class HookPreset { command, dhclient, ifupdown, networkd, networkmanager, dhcpcd };

std::string_view to_string(HookAction action);
std::string_view to_string(HookPreset preset);

// One argv per step. A run executes the steps in order and stops at the first step that does
// not exit with status 0. Elements may contain placeholders (see hook_placeholders.hpp).
using HookCommand = std::vector<std::vector<std::string>>;

// The hook settings that apply to one interface.
struct HookSettings {
  HookAction action = HookAction::none;
  std::vector<std::string> verdicts{"lost_before_renewal", "expired_by_step"};
  bool dry_run = true;                      // log "would run ..." and start nothing
  HookPreset preset = HookPreset::command;
  HookCommand command;                      // the preset's steps, or the operator's argv
  std::uint32_t timeout_s = 60;             // whole run, all steps; then SIGTERM, SIGKILL
  std::uint32_t cooldown_s = 300;           // from the start of one run to the next
  std::uint32_t max_runs_per_hour = 4;      // starts within any 3600 s window
  std::uint32_t output_limit_bytes = 4096;  // kept per stream (stdout, stderr) per step

  bool triggered_by(std::string_view verdict) const;
};

// The `hooks:` section: defaults plus per-interface overrides of single keys.
struct HookPolicy {
  HookSettings defaults;
  std::map<std::string, HookSettings, std::less<>> interfaces;

  const HookSettings& settings_for(std::string_view interface) const;
};

// Names a verdict may have in a `verdicts:` list.
const std::vector<std::string_view>& known_verdict_names();

// Returns the steps of a preset; `command` has none.
HookCommand preset_command(HookPreset preset);

// Parses the `hooks:` section. `key_path` names `node` in error messages (e.g. "hooks"). Rejects
// unknown keys, wrong types, out-of-range numbers, relative command paths and unknown
// placeholders. Each error names the key path, the line (1-based) and what is allowed.
// A null or missing node yields the defaults (action none).
Result<HookPolicy> parse_hook_policy(const YAML::Node& node, std::string_view key_path);

}  // namespace timeguard
