#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <spdlog/common.h>

#include "dhcp_lease.hpp"
#include "event_assembler.hpp"
#include "hook_config.hpp"
#include "result.hpp"
#include "yaml_section.hpp"

namespace timeguard {

// Settings of audisp-timeguard, read from timeguard.yaml. Defaults here match the shipped
// config/timeguard.yaml, which documents every key.
struct PluginConfig {
  std::string source_file;  // where the settings were read from; empty for built-in defaults

  // log:
  std::string syslog_ident = "audisp-timeguard";
  int syslog_facility = 3 << 3;  // LOG_DAEMON
  spdlog::level::level_enum log_level = spdlog::level::info;
  std::int64_t step_warning_ns = 1'000'000'000;  // steps of at least this size log as warnings

  // output:
  std::string json_file;  // JSON-lines event stream; empty for none, "-" for stdout

  // assembly:
  AssemblerLimits assembly;

  // network:
  bool network_enabled = true;
  std::chrono::seconds network_check_interval{30};
  std::map<std::string, ClientClock> client_clock_overrides;  // interface -> clock

  // clock_jump:
  bool clock_jump_enabled = true;
  std::int64_t clock_jump_threshold_ns = 10'000'000;  // smaller jumps of realtime vs boottime are ignored

  // hooks: lease-refresh commands per interface; action none everywhere by default.
  HookPolicy hooks;
};

// Reads and validates a configuration file. The error names the file, line, key and the
// allowed values; the caller keeps its previous configuration on failure.
Result<PluginConfig> load_plugin_config(const std::string& file);

// Validates an already parsed document; `file` is only used in messages.
Result<PluginConfig> parse_plugin_config(const YAML::Node& document, const std::string& file);

}  // namespace timeguard
