#include <catch2/catch.hpp>

#include <string>
#include <syslog.h>

#include "plugin_config.hpp"

using timeguard::parse_plugin_config;

namespace {

timeguard::Result<timeguard::PluginConfig> parse(const std::string& text) {
  return parse_plugin_config(YAML::Load(text), "test.yaml");
}

}  // namespace

TEST_CASE("plugin config: shipped file parses", "[config]") {
  auto config = timeguard::load_plugin_config(std::string(TIMEGUARD_SOURCE_DIR) + "/config/timeguard.yaml");
  INFO((config.ok() ? "" : config.error().reason));
  REQUIRE(config.ok());
  CHECK(config->syslog_ident == "audisp-timeguard");
  CHECK(config->syslog_facility == LOG_DAEMON);
  CHECK(config->step_warning_ns == 1'000'000'000);
  CHECK(config->json_file == "/var/log/timeguard/events.jsonl");
  CHECK(config->assembly.max_in_flight == 4096);
  CHECK(config->network_check_interval == std::chrono::seconds(30));
}

TEST_CASE("plugin config: empty document gives defaults", "[config]") {
  auto config = parse("");
  REQUIRE(config.ok());
  CHECK(config->json_file.empty());
  CHECK(config->log_level == spdlog::level::info);
  CHECK(config->clock_jump_threshold_ns == 10'000'000);
}

TEST_CASE("plugin config: accepts set values", "[config]") {
  auto config = parse(
      "log: {facility: local3, level: warning, step_warning_ms: 250}\n"
      "output: {json_file: '-'}\n"
      "assembly: {max_event_age_ms: 500, max_events_in_flight: 10}\n"
      "network: {enabled: false, check_interval_s: 5, client_clock: {eth0: boottime, ens5: realtime}}\n"
      "clock_jump: {enabled: no, threshold_ms: 20}\n");
  REQUIRE(config.ok());
  CHECK(config->syslog_facility == LOG_LOCAL3);
  CHECK(config->log_level == spdlog::level::warn);
  CHECK(config->step_warning_ns == 250'000'000);
  CHECK(config->json_file == "-");
  CHECK(config->assembly.max_age == std::chrono::milliseconds(500));
  CHECK(config->assembly.max_in_flight == 10);
  CHECK_FALSE(config->network_enabled);
  CHECK(config->network_check_interval == std::chrono::seconds(5));
  CHECK(config->client_clock_overrides.at("eth0") == timeguard::ClientClock::boottime);
  CHECK(config->client_clock_overrides.at("ens5") == timeguard::ClientClock::realtime);
  CHECK_FALSE(config->clock_jump_enabled);
  CHECK(config->clock_jump_threshold_ns == 20'000'000);
}

TEST_CASE("plugin config: rejects bad values naming key and line", "[config]") {
  struct Case {
    std::string text;
    std::string reason;
  };
  const Case cases[] = {
      {"logs: {}\n", "test.yaml:1: logs: unknown key; allowed here: log, output, assembly, network, clock_jump, hooks"},
      {"log:\n  facilty: daemon\n", "test.yaml:2: log.facilty: unknown key; allowed here: ident, facility, level, step_warning_ms"},
      {"log:\n  facility: daemn\n",
       "test.yaml:2: log.facility: invalid value 'daemn'; expected one of daemon, user, auth, authpriv, local0, "
       "local1, local2, local3, local4, local5, local6, local7"},
      {"log: {level: verbose}\n", "test.yaml:1: log.level: invalid value 'verbose'; expected one of debug, info, warning, error"},
      {"log: {ident: ''}\n", "test.yaml:1: log.ident: must not be empty"},
      {"log:\n  step_warning_ms: -1\n", "test.yaml:2: log.step_warning_ms: value -1 is out of range; expected from 0 to 86400000"},
      {"log:\n  step_warning_ms: 1s\n", "test.yaml:2: log.step_warning_ms: invalid value '1s'; expected a whole number from 0 to 86400000"},
      {"output: {json_file: events.jsonl}\n",
       "test.yaml:1: output.json_file: 'events.jsonl' is not an absolute path; use an absolute path, \"-\" for stdout, or \"\" for none"},
      {"assembly:\n  max_events_in_flight: 0\n",
       "test.yaml:2: assembly.max_events_in_flight: value 0 is out of range; expected from 1 to 10000000"},
      {"network:\n  enabled: maybe\n", "test.yaml:2: network.enabled: invalid value 'maybe'; expected true or false"},
      {"network:\n  client_clock:\n    eth0: tai\n",
       "test.yaml:3: network.client_clock.eth0: invalid clock 'tai'; expected realtime, boottime or monotonic"},
      {"network:\n  check_interval_s: [1, 2]\n",
       "test.yaml:2: network.check_interval_s: expected a single value, not a list or mapping"},
      {"log: [1]\n", "test.yaml:1: log: expected a mapping of keys to values"},
      {"clock_jump:\n  threshold_ms: 3600001\n",
       "test.yaml:2: clock_jump.threshold_ms: value 3600001 is out of range; expected from 0 to 3600000"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto config = parse(c.text);
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().reason == c.reason);
  }
}

TEST_CASE("plugin config: missing file and bad YAML", "[config]") {
  auto missing = timeguard::load_plugin_config("/nonexistent/timeguard.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().reason ==
        "/nonexistent/timeguard.yaml: cannot open the configuration file; check the path and permissions");

  const std::string path = "/tmp/timeguard-config-test-" + std::to_string(getpid()) + ".yaml";
  FILE* file = std::fopen(path.c_str(), "w");
  REQUIRE(file != nullptr);
  std::fputs("log:\n  level: [info\n", file);
  std::fclose(file);
  auto broken = timeguard::load_plugin_config(path);
  std::remove(path.c_str());
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().reason.rfind(path + ":", 0) == 0);
  CHECK(broken.error().reason.find("invalid YAML") != std::string::npos);
}

TEST_CASE("plugin config: hooks section is validated", "[config]") {
  auto good = parse("hooks:\n  default:\n    action: hook\n    preset: dhclient\n");
  REQUIRE(good.ok());
  CHECK(good->hooks.defaults.action == timeguard::HookAction::hook);
  CHECK(good->hooks.defaults.dry_run);

  auto bad = parse("hooks:\n  default:\n    action: run\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().reason == "test.yaml: hooks.default.action (line 3): invalid action \"run\"; allowed: none, hook");
}
