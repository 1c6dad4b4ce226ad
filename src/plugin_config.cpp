#include "plugin_config.hpp"

#include <syslog.h>

namespace timeguard {
namespace {

Result<int> facility_from_name(const std::string& name) {
  static const std::map<std::string, int> kFacilities = {
      {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV},
      {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
      {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
  };
  auto it = kFacilities.find(name);
  if (it == kFacilities.end()) return fail(name);
  return it->second;
}

Status read_log(const YamlSection& log, PluginConfig& config) {
  if (Status keys = log.check_keys({"ident", "facility", "level", "step_warning_ms"}); !keys) return keys;

  Result<std::string> ident = log.get_string("ident", config.syslog_ident);
  if (!ident) return ident.error();
  if (ident->empty()) return fail(log.where("ident") + ": must not be empty");
  config.syslog_ident = *ident;

  Result<std::string> facility = log.get_choice(
      "facility", "daemon",
      {"daemon", "user", "auth", "authpriv", "local0", "local1", "local2", "local3", "local4", "local5",
       "local6", "local7"});
  if (!facility) return facility.error();
  config.syslog_facility = *facility_from_name(*facility);

  Result<std::string> level = log.get_choice("level", "info", {"debug", "info", "warning", "error"});
  if (!level) return level.error();
  config.log_level = spdlog::level::from_str(*level == "warning" ? "warn" : *level);

  Result<std::int64_t> warning_ms = log.get_int("step_warning_ms", 1000, 0, 86'400'000);
  if (!warning_ms) return warning_ms.error();
  config.step_warning_ns = *warning_ms * 1'000'000;
  return ok_status();
}

Status read_output(const YamlSection& output, PluginConfig& config) {
  if (Status keys = output.check_keys({"json_file"}); !keys) return keys;
  Result<std::string> json_file = output.get_string("json_file", "");
  if (!json_file) return json_file.error();
  if (!json_file->empty() && *json_file != "-" && json_file->front() != '/') {
    return fail(output.where("json_file") + ": '" + *json_file +
                "' is not an absolute path; use an absolute path, \"-\" for stdout, or \"\" for none");
  }
  config.json_file = *json_file;
  return ok_status();
}

Status read_assembly(const YamlSection& assembly, PluginConfig& config) {
  if (Status keys = assembly.check_keys({"max_event_age_ms", "max_events_in_flight"}); !keys) return keys;
  Result<std::int64_t> age = assembly.get_int("max_event_age_ms", 2000, 10, 600'000);
  if (!age) return age.error();
  Result<std::int64_t> cap = assembly.get_int("max_events_in_flight", 4096, 1, 10'000'000);
  if (!cap) return cap.error();
  config.assembly.max_age = std::chrono::milliseconds(*age);
  config.assembly.max_in_flight = static_cast<std::size_t>(*cap);
  return ok_status();
}

Status read_client_clocks(const YamlSection& clocks, PluginConfig& config) {
  if (!clocks.node().IsDefined() || clocks.node().IsNull()) return ok_status();
  if (!clocks.node().IsMap()) return fail(clocks.where("") + ": expected a mapping of interface to clock");
  for (const auto& entry : clocks.node()) {
    const std::string interface = entry.first.as<std::string>();
    const std::string name = entry.second.IsScalar() ? entry.second.Scalar() : "";
    std::optional<ClientClock> clock = parse_client_clock(name);
    if (!clock) {
      return fail(clocks.where(interface) + ": invalid clock '" + name +
                  "'; expected realtime, boottime or monotonic");
    }
    config.client_clock_overrides[interface] = *clock;
  }
  return ok_status();
}

Status read_network(const YamlSection& network, PluginConfig& config) {
  if (Status keys = network.check_keys({"enabled", "check_interval_s", "client_clock"}); !keys) return keys;
  Result<bool> enabled = network.get_bool("enabled", true);
  if (!enabled) return enabled.error();
  Result<std::int64_t> interval = network.get_int("check_interval_s", 30, 1, 86'400);
  if (!interval) return interval.error();
  config.network_enabled = *enabled;
  config.network_check_interval = std::chrono::seconds(*interval);
  return read_client_clocks(network.section("client_clock"), config);
}

Status read_clock_jump(const YamlSection& jump, PluginConfig& config) {
  if (Status keys = jump.check_keys({"enabled", "threshold_ms"}); !keys) return keys;
  Result<bool> enabled = jump.get_bool("enabled", true);
  if (!enabled) return enabled.error();
  Result<std::int64_t> threshold = jump.get_int("threshold_ms", 10, 0, 3'600'000);
  if (!threshold) return threshold.error();
  config.clock_jump_enabled = *enabled;
  config.clock_jump_threshold_ns = *threshold * 1'000'000;
  return ok_status();
}

}  // namespace

Result<PluginConfig> parse_plugin_config(const YAML::Node& document, const std::string& file) {
  PluginConfig config;
  config.source_file = file;
  const YamlSection root(document, "", file);
  if (Status keys = root.check_keys({"log", "output", "assembly", "network", "clock_jump", "hooks"}); !keys) {
    return keys.error();
  }
  if (Status s = read_log(root.section("log"), config); !s) return s.error();
  if (Status s = read_output(root.section("output"), config); !s) return s.error();
  if (Status s = read_assembly(root.section("assembly"), config); !s) return s.error();
  if (Status s = read_network(root.section("network"), config); !s) return s.error();
  if (Status s = read_clock_jump(root.section("clock_jump"), config); !s) return s.error();
  if (root.has("hooks")) {
    Result<HookPolicy> hooks = parse_hook_policy(document["hooks"], "hooks");
    if (!hooks) return fail(file + ": " + hooks.error().reason);
    config.hooks = *hooks;
  }
  return config;
}

Result<PluginConfig> load_plugin_config(const std::string& file) {
  Result<YAML::Node> document = load_yaml_file(file);
  if (!document) return document.error();
  return parse_plugin_config(*document, file);
}

}  // namespace timeguard
