#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include "hook_config.hpp"

using namespace timeguard;

namespace {

Result<HookPolicy> parse(const std::string& text) {
  const YAML::Node root = YAML::Load(text);
  return parse_hook_policy(root["hooks"], "hooks");
}

}  // namespace

TEST_CASE("hook config: defaults when section missing", "[hook_config]") {
  const Result<HookPolicy> policy = parse("other: 1\n");
  REQUIRE(policy.ok());
  CHECK(policy->defaults.action == HookAction::none);
  CHECK(policy->defaults.dry_run);
  CHECK(policy->defaults.verdicts == std::vector<std::string>{"lost_before_renewal", "expired_by_step"});
}

TEST_CASE("hook config: interface overrides single keys", "[hook_config]") {
  const Result<HookPolicy> policy = parse(
      "hooks:\n"
      "  default:\n"
      "    action: hook\n"
      "    preset: dhclient\n"
      "    timeout_s: 45\n"
      "  interfaces:\n"
      "    eth1:\n"
      "      dry_run: false\n"
      "      command: [/usr/local/sbin/renew, \"{interface}\", \"--delta={delta_s}\"]\n"
      "    eth2:\n"
      "      action: none\n");
  REQUIRE(policy.ok());

  const HookSettings& eth0 = policy->settings_for("eth0");
  CHECK(eth0.action == HookAction::hook);
  CHECK(eth0.preset == HookPreset::dhclient);
  CHECK(eth0.timeout_s == 45);
  CHECK(eth0.dry_run);
  REQUIRE(eth0.command.size() == 2);
  CHECK(eth0.command[0] == std::vector<std::string>{"/sbin/dhclient", "-x", "-pf", "{pid_file}",
                                                    "-lf", "{lease_file}", "{interface}"});

  const HookSettings& eth1 = policy->settings_for("eth1");
  CHECK_FALSE(eth1.dry_run);
  CHECK(eth1.timeout_s == 45);
  CHECK(eth1.preset == HookPreset::command);
  REQUIRE(eth1.command.size() == 1);
  CHECK(eth1.command[0] == std::vector<std::string>{"/usr/local/sbin/renew", "{interface}", "--delta={delta_s}"});

  CHECK(policy->settings_for("eth2").action == HookAction::none);
}

TEST_CASE("hook config: every field accepted", "[hook_config]") {
  const Result<HookPolicy> policy = parse(
      "hooks:\n"
      "  default:\n"
      "    action: hook\n"
      "    verdicts: [lifetime_shorter_than_renewal]\n"
      "    dry_run: false\n"
      "    preset: networkd\n"
      "    timeout_s: 3600\n"
      "    cooldown_s: 0\n"
      "    max_runs_per_hour: 60\n"
      "    output_limit_bytes: 0\n");
  REQUIRE(policy.ok());
  const HookSettings& settings = policy->defaults;
  CHECK(settings.verdicts == std::vector<std::string>{"lifetime_shorter_than_renewal"});
  CHECK(settings.command == HookCommand{{"/usr/bin/networkctl", "renew", "{interface}"}});
  CHECK(settings.timeout_s == 3600);
  CHECK(settings.cooldown_s == 0);
  CHECK(settings.max_runs_per_hour == 60);
  CHECK(settings.output_limit_bytes == 0);
  CHECK(settings.triggered_by("lifetime_shorter_than_renewal"));
  CHECK_FALSE(settings.triggered_by("expired_by_step"));
}

TEST_CASE("hook config: presets expand to absolute argv", "[hook_config]") {
  for (HookPreset preset : {HookPreset::dhclient, HookPreset::ifupdown, HookPreset::networkd,
                            HookPreset::networkmanager, HookPreset::dhcpcd}) {
    const HookCommand command = preset_command(preset);
    INFO(to_string(preset));
    REQUIRE_FALSE(command.empty());
    for (const auto& argv : command) CHECK(argv.front().front() == '/');
  }
  CHECK(preset_command(HookPreset::networkmanager) ==
        HookCommand{{"/usr/bin/nmcli", "device", "reapply", "{interface}"}});
  CHECK(preset_command(HookPreset::dhcpcd) == HookCommand{{"/usr/sbin/dhcpcd", "--rebind", "{interface}"}});
  CHECK(preset_command(HookPreset::ifupdown) ==
        HookCommand{{"/sbin/ifdown", "{interface}"}, {"/sbin/ifup", "{interface}"}});
}

TEST_CASE("hook config: rejects bad input with key path and line", "[hook_config]") {
  struct Case {
    std::string yaml;
    std::string reason;
  };
  const std::vector<Case> cases{
      {"hooks: [1, 2]\n", "hooks (line 1): expected a map with keys default, interfaces"},
      {"hooks:\n  defaults: {}\n",
       "hooks.defaults (line 2): unknown key; allowed: default, interfaces"},
      {"hooks:\n  default:\n    actoin: hook\n",
       "hooks.default.actoin (line 3): unknown key; allowed: action, verdicts, dry_run, preset, "
       "command, timeout_s, cooldown_s, max_runs_per_hour, output_limit_bytes"},
      {"hooks:\n  default:\n    action: run\n",
       "hooks.default.action (line 3): invalid action \"run\"; allowed: none, hook"},
      {"hooks:\n  default:\n    action: hook\n",
       "hooks.default (line 3): action hook needs a preset or a command"},
      {"hooks:\n  default:\n    dry_run: yes\n",
       "hooks.default.dry_run (line 3): invalid value \"yes\"; allowed: true, false"},
      {"hooks:\n  default:\n    timeout_s: 0\n",
       "hooks.default.timeout_s (line 3): out of range: 0; allowed: an integer from 1 to 3600"},
      {"hooks:\n  default:\n    timeout_s: 30s\n",
       "hooks.default.timeout_s (line 3): invalid number \"30s\"; allowed: an integer from 1 to 3600"},
      {"hooks:\n  default:\n    timeout_s: -5\n",
       "hooks.default.timeout_s (line 3): invalid number \"-5\"; allowed: an integer from 1 to 3600"},
      {"hooks:\n  default:\n    cooldown_s: 99999999999999999999999\n",
       "hooks.default.cooldown_s (line 3): invalid number \"99999999999999999999999\"; allowed: an "
       "integer from 0 to 86400"},
      {"hooks:\n  default:\n    max_runs_per_hour: 61\n",
       "hooks.default.max_runs_per_hour (line 3): out of range: 61; allowed: an integer from 1 to 60"},
      {"hooks:\n  default:\n    output_limit_bytes: [1]\n",
       "hooks.default.output_limit_bytes (line 3): expected a single value, not a list or map"},
      {"hooks:\n  default:\n    verdicts: expired_by_step\n",
       "hooks.default.verdicts (line 3): expected a list of verdict names"},
      {"hooks:\n  default:\n    verdicts: [ok, expired]\n",
       "hooks.default.verdicts[1] (line 3): unknown verdict \"expired\"; allowed: ok, renews_early, "
       "lost_before_renewal, expired_by_step, no_client, lifetime_shorter_than_renewal"},
      {"hooks:\n  default:\n    preset: udhcpc\n",
       "hooks.default.preset (line 3): unknown preset \"udhcpc\"; allowed: dhclient, ifupdown, "
       "networkd, networkmanager, dhcpcd"},
      {"hooks:\n  default:\n    command: []\n",
       "hooks.default.command (line 3): expected a non-empty argv list, e.g. "
       "[/usr/local/sbin/renew, \"{interface}\"]"},
      {"hooks:\n  default:\n    command: [renew.sh, eth0]\n",
       "hooks.default.command[0] (line 3): program \"renew.sh\" must be an absolute path without "
       "placeholders"},
      {"hooks:\n  default:\n    command: [\"/sbin/{interface}\"]\n",
       "hooks.default.command[0] (line 3): program \"/sbin/{interface}\" must be an absolute path "
       "without placeholders"},
      {"hooks:\n  default:\n    command:\n      - /bin/renew\n      - \"{iface}\"\n",
       "hooks.default.command[1] (line 5): unknown placeholder {iface} in \"{iface}\"; allowed: "
       "{interface}, {address}, {lease_file}, {pid_file}, {delta_s}, {verdict}"},
      {"hooks:\n  default:\n    preset: dhclient\n    command: [/bin/true]\n",
       "hooks.default (line 3): set either preset or command, not both"},
      {"hooks:\n  interfaces:\n    eth0:\n      action: hook\n",
       "hooks.interfaces.eth0 (line 4): action hook needs a preset or a command"},
      {"hooks:\n  interfaces: [eth0]\n",
       "hooks.interfaces (line 2): expected a map from interface name to settings"},
  };

  for (const Case& c : cases) {
    INFO(c.yaml);
    const Result<HookPolicy> policy = parse(c.yaml);
    REQUIRE_FALSE(policy.ok());
    CHECK(policy.error().reason == c.reason);
  }
}
