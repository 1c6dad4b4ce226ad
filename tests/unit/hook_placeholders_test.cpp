#include <catch2/catch.hpp>

#include "hook_placeholders.hpp"

using namespace timeguard;

namespace {

HookContext sample_context() {
  HookContext context;
  context.interface = "eth0";
  context.address = "10.0.0.5";
  context.lease_file = "/var/lib/dhcp/dhclient.eth0.leases";
  context.pid_file = "/run/dhclient.eth0.pid";
  context.delta_s = -3600;
  context.verdict = "expired_by_step";
  return context;
}

}  // namespace

TEST_CASE("hook placeholders: expansion table", "[hook_placeholders]") {
  struct Case {
    std::string element;
    std::string expanded;
  };
  const std::vector<Case> cases{
      {"plain", "plain"},
      {"", ""},
      {"{interface}", "eth0"},
      {"-lf={lease_file}", "-lf=/var/lib/dhcp/dhclient.eth0.leases"},
      {"{address}/{interface}", "10.0.0.5/eth0"},
      {"{delta_s}", "-3600"},
      {"{verdict}", "expired_by_step"},
      {"{pid_file}", "/run/dhclient.eth0.pid"},
      {"{{interface}}", "{interface}"},
      {"a}}b{{c", "a}b{c"},
  };
  for (const Case& c : cases) {
    INFO(c.element);
    const auto argv = expand_argv({c.element}, sample_context());
    REQUIRE(argv.ok());
    REQUIRE(argv->size() == 1);
    CHECK(argv->front() == c.expanded);
  }
}

TEST_CASE("hook placeholders: syntax errors", "[hook_placeholders]") {
  struct Case {
    std::string element;
    std::string reason;
  };
  const std::vector<Case> cases{
      {"{iface}", "unknown placeholder {iface} in \"{iface}\"; allowed: {interface}, {address}, "
                  "{lease_file}, {pid_file}, {delta_s}, {verdict}"},
      {"{}", "unknown placeholder {} in \"{}\"; allowed: {interface}, {address}, {lease_file}, "
             "{pid_file}, {delta_s}, {verdict}"},
      {"x{interface", "unterminated '{' in \"x{interface\"; write '{{' for a literal brace"},
      {"a}b", "unmatched '}' in \"a}b\"; write '}}' for a literal brace"},
  };
  for (const Case& c : cases) {
    INFO(c.element);
    const Status checked = check_placeholders(c.element);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().reason == c.reason);
    const auto expanded = expand_argv({c.element}, sample_context());
    REQUIRE_FALSE(expanded.ok());
    CHECK(expanded.error().reason == c.reason);
  }
}

TEST_CASE("hook placeholders: hostile values stay one argument", "[hook_placeholders]") {
  HookContext context = sample_context();
  context.address = "10.0.0.5; rm -rf / $(reboot) `id` \"'\n|&>x";
  context.interface = "eth0 --evil";

  const auto argv = expand_argv({"/bin/x", "{address}", "if={interface}", "{interface}"}, context);
  REQUIRE(argv.ok());
  REQUIRE(argv->size() == 4);
  CHECK((*argv)[1] == "10.0.0.5; rm -rf / $(reboot) `id` \"'\n|&>x");
  CHECK((*argv)[2] == "if=eth0 --evil");
  CHECK((*argv)[3] == "eth0 --evil");
}

TEST_CASE("hook placeholders: values that cannot be used", "[hook_placeholders]") {
  HookContext context = sample_context();
  context.pid_file.clear();
  auto argv = expand_argv({"/sbin/dhclient", "-pf", "{pid_file}"}, context);
  REQUIRE_FALSE(argv.ok());
  CHECK(argv.error().reason == "placeholder {pid_file} has no value for interface eth0");

  context = sample_context();
  context.lease_file = std::string("/x\0y", 4);
  argv = expand_argv({"{lease_file}"}, context);
  REQUIRE_FALSE(argv.ok());
  CHECK(argv.error().reason == "placeholder {lease_file} contains a NUL byte");
}
