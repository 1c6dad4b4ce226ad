#include <catch2/catch.hpp>
#include <csignal>
#include <unistd.h>

#include "hook_runner.hpp"
#include "hook_test_support.hpp"
#include "skip.hpp"

using namespace timeguard;
using namespace timeguard::test;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = HookRunner::Clock;

namespace {

const Clock::time_point t0{seconds(500000)};

HookPolicy policy_for_eth0(HookSettings settings) {
  HookPolicy policy;
  policy.interfaces.emplace("eth0", std::move(settings));
  return policy;
}

// A runner whose config file is a safe file in `dir`.
HookRunner make_runner(const TempDir& dir, HookSettings settings, LogCapture& log,
                       RecheckFunction recheck = {}) {
  const std::string config = write_file(dir.file("timeguard.yaml"), "hooks: {}\n", 0600);
  HookRunnerOptions options;
  options.config_path = config;
  options.kill_grace = milliseconds(300);
  options.logger = log.logger;
  return HookRunner(policy_for_eth0(std::move(settings)), std::move(recheck), std::move(options));
}

std::vector<std::string> split_nul(const std::string& bytes) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : bytes) {
    if (c == '\0') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return parts;
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

// Counts the processes in process group `pgid` that are not zombies, from /proc/PID/stat.
int live_group_members(pid_t pgid) {
  int live = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat_file(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat_file, line)) continue;
    // Fields after the command name, which is in parentheses and may contain spaces:
    // state ppid pgrp ...
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 1));
    char state = 0;
    long ppid = 0;
    long group = 0;
    if (!(fields >> state >> ppid >> group)) continue;
    if (group == pgid && state != 'Z') ++live;
  }
  return live;
}

}  // namespace

TEST_CASE("hook runner: dry run only logs", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  const std::string marker = dir.file("created-by-hook");
  HookSettings settings = run_settings({"/usr/bin/touch", "{lease_file}"});
  settings.dry_run = true;
  HookRunner runner = make_runner(dir, settings, log);

  HookContext context = eth0_context();
  context.lease_file = marker;
  const TriggerOutcome outcome = runner.trigger(context, Clock::now());

  CHECK(outcome.result == TriggerResult::dry_run);
  CHECK(outcome.detail == "\"/usr/bin/touch\" \"" + marker + "\"");
  CHECK_FALSE(runner.busy());
  CHECK(runner.poll_fds().empty());
  drive(runner, milliseconds(200));
  CHECK_FALSE(file_exists(marker));
  CHECK(log.text().find("eth0 10.0.0.5: would run hook for verdict expired_by_step (dry_run: true): "
                        "\"/usr/bin/touch\" \"" + marker + "\"") != std::string::npos);
}

TEST_CASE("hook runner: cooldown suppresses second trigger", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookSettings settings = run_settings({"/bin/true"});
  settings.dry_run = true;
  settings.cooldown_s = 300;
  HookRunner runner = make_runner(dir, settings, log);

  CHECK(runner.trigger(eth0_context(), t0).result == TriggerResult::dry_run);
  const TriggerOutcome second = runner.trigger(eth0_context(), t0 + seconds(60));
  CHECK(second.result == TriggerResult::cooling_down);
  CHECK(second.detail == "cooling down, next run allowed in 240 s");
  CHECK(runner.trigger(eth0_context(), t0 + seconds(300)).result == TriggerResult::dry_run);
}

TEST_CASE("hook runner: hourly cap", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookSettings settings = run_settings({"/bin/true"});
  settings.dry_run = true;
  settings.max_runs_per_hour = 2;
  HookRunner runner = make_runner(dir, settings, log);

  CHECK(runner.trigger(eth0_context(), t0).result == TriggerResult::dry_run);
  CHECK(runner.trigger(eth0_context(), t0 + seconds(1)).result == TriggerResult::dry_run);
  const TriggerOutcome capped = runner.trigger(eth0_context(), t0 + seconds(2));
  CHECK(capped.result == TriggerResult::hourly_cap_reached);
  CHECK(capped.detail == "hourly cap reached, next run allowed in 3598 s");
  CHECK(runner.trigger(eth0_context(), t0 + seconds(3600)).result == TriggerResult::dry_run);
}

TEST_CASE("hook runner: verdict and action filters", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookRunner runner = make_runner(dir, run_settings({"/bin/true"}), log);

  HookContext other_verdict = eth0_context();
  other_verdict.verdict = "renews_early";
  CHECK(runner.trigger(other_verdict, t0).result == TriggerResult::verdict_not_selected);

  HookContext other_interface = eth0_context();
  other_interface.interface = "eth1";
  CHECK(runner.trigger(other_interface, t0).result == TriggerResult::not_configured);
}

TEST_CASE("hook runner: hanging hook killed at timeout", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookSettings settings = run_settings({"/bin/sleep", "1000"});
  settings.timeout_s = 1;
  HookRunner runner = make_runner(dir, settings, log);

  const Clock::time_point started = Clock::now();
  REQUIRE(runner.trigger(eth0_context(), started).result == TriggerResult::started);
  CHECK(runner.trigger(eth0_context(), started).result == TriggerResult::already_running);
  drive(runner, seconds(10));
  const auto waited = Clock::now() - started;

  REQUIRE_FALSE(runner.busy());
  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  const HookRunReport& report = reports.front();
  CHECK(report.timed_out);
  CHECK_FALSE(report.succeeded);
  REQUIRE(report.steps.size() == 1);
  CHECK(report.steps[0].exit.signal == SIGTERM);
  CHECK_FALSE(report.steps[0].exit.exit_status.has_value());
  CHECK(process_gone(report.steps[0].pid));
  CHECK(live_group_members(report.steps[0].pid) == 0);
  CHECK(waited >= seconds(1));
  CHECK(waited < seconds(3));
  CHECK(log.text().find("timed out after 1 s (timeout_s); sending SIGTERM") != std::string::npos);
}

TEST_CASE("hook runner: SIGKILL when SIGTERM is ignored", "[hook_runner]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("hook scripts must be root-owned");
  TempDir dir;
  LogCapture log;
  const std::string hook = write_file(dir.file("stubborn.sh"),
                                      "#!/bin/sh\ntrap '' TERM\n/bin/sleep 1000\n", 0755);
  HookSettings settings = run_settings({hook});
  settings.timeout_s = 1;
  HookRunner runner = make_runner(dir, settings, log);

  REQUIRE(runner.trigger(eth0_context(), Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));

  REQUIRE_FALSE(runner.busy());
  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].steps.size() == 1);
  CHECK(reports[0].steps[0].exit.signal == SIGKILL);
  CHECK(process_gone(reports[0].steps[0].pid));
  // The sleep child was in the same process group, so the group signal ended it too. Its
  // zombie is reaped by init, which may take a while, so only running members count.
  CHECK(live_group_members(reports[0].steps[0].pid) == 0);
  CHECK(log.text().find("still running 300 ms after SIGTERM; sending SIGKILL") != std::string::npos);
}

TEST_CASE("hook runner: hostile placeholders reach argv verbatim", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  const std::string canary = dir.file("canary");
  HookSettings settings = run_settings({"/usr/bin/printf", "%s\\0", "{interface}", "{address}",
                                        "{lease_file}", "{pid_file}", "{delta_s}", "{verdict}"});
  HookRunner runner = make_runner(dir, settings, log);

  HookContext context = eth0_context();
  context.address = "10.0.0.5; touch " + canary + " $(touch " + canary + ") `touch " + canary + "`";
  context.lease_file = "a b\n'c\" | touch " + canary + " &";
  context.pid_file = "${IFS}*?~\r\x1b[2J";
  REQUIRE(runner.trigger(context, Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));

  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].succeeded);
  const std::vector<std::string> received = split_nul(reports[0].steps[0].stdout_output.kept());
  CHECK(received == std::vector<std::string>{"eth0", context.address, context.lease_file,
                                              context.pid_file, "-3600", context.verdict});
  CHECK_FALSE(file_exists(canary));
  CHECK(log.text().find("\\x1b[2J") != std::string::npos);
}

TEST_CASE("hook runner: fixed environment and closed fds", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookRunner runner = make_runner(dir, run_settings({"/usr/bin/env"}), log);
  REQUIRE(runner.trigger(eth0_context(), Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));
  std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].steps[0].stdout_output.kept() == "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLANG=C\n");

  HookRunner lister = make_runner(dir, run_settings({"/bin/ls", "/proc/self/fd"}), log);
  REQUIRE(lister.trigger(eth0_context(), Clock::now()).result == TriggerResult::started);
  drive(lister, seconds(10));
  reports = lister.take_reports();
  REQUIRE(reports.size() == 1);
  // 0-2 are the standard streams and 3 is the directory ls itself opened.
  CHECK(reports[0].steps[0].stdout_output.kept() == "0\n1\n2\n3\n");
}

TEST_CASE("hook runner: output bound enforced", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookSettings settings = run_settings({"/usr/bin/head", "-c", "200000", "/dev/zero"});
  settings.output_limit_bytes = 1000;
  HookRunner runner = make_runner(dir, settings, log);

  REQUIRE(runner.trigger(eth0_context(), Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));
  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].succeeded);
  const BoundedOutput& output = reports[0].steps[0].stdout_output;
  CHECK(output.kept().size() == 1000);
  CHECK(output.dropped_bytes() == 199000);
  CHECK(log.text().find("stdout (1000 bytes kept, 199000 bytes dropped beyond "
                        "output_limit_bytes=1000)") != std::string::npos);
}

TEST_CASE("hook runner: rejects unsafe hook and config", "[hook_runner]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("needs root to chown files to nobody");
  struct Case {
    std::string name;
    bool unsafe_config;  // false: the hook program is the unsafe file
    mode_t mode;
    uid_t owner;
    std::string problem;
  };
  const std::vector<Case> cases{
      {"group-writable hook", false, 0775, 0, " is group-writable (mode 0775); run chmod g-w "},
      {"world-writable hook", false, 0757, 0, " is world-writable (mode 0757); run chmod o-w "},
      {"hook owned by nobody", false, 0755, 65534, " is owned by uid 65534, not root; run chown root "},
      {"group-writable config", true, 0664, 0, " is group-writable (mode 0664); run chmod g-w "},
      {"world-writable config", true, 0646, 0, " is world-writable (mode 0646); run chmod o-w "},
      {"config owned by nobody", true, 0644, 65534, " is owned by uid 65534, not root; run chown root "},
  };

  for (const Case& c : cases) {
    INFO(c.name);
    TempDir dir;
    LogCapture log;
    const std::string marker = dir.file("created-by-hook");
    const std::string hook = write_file(dir.file("hook.sh"), "#!/bin/sh\n/usr/bin/touch \"$1\"\n", 0755);
    for (bool dry_run : {false, true}) {
      HookSettings settings = run_settings({hook, "{lease_file}"});
      settings.dry_run = dry_run;
      HookRunner runner = make_runner(dir, settings, log);
      const std::string unsafe = c.unsafe_config ? dir.file("timeguard.yaml") : hook;
      REQUIRE(::chmod(unsafe.c_str(), c.mode) == 0);
      REQUIRE(::chown(unsafe.c_str(), c.owner, 0) == 0);

      HookContext context = eth0_context();
      context.lease_file = marker;
      const TriggerOutcome outcome = runner.trigger(context, Clock::now());
      CHECK(outcome.result == TriggerResult::rejected);
      CHECK(outcome.detail == unsafe + c.problem + unsafe);
      drive(runner, milliseconds(200));
      CHECK_FALSE(file_exists(marker));
      CHECK(log.text().find("eth0 10.0.0.5: refusing hooks: " + unsafe + c.problem + unsafe) !=
            std::string::npos);

      // Restore, so that the same files run once they are safe again.
      REQUIRE(::chmod(unsafe.c_str(), 0755) == 0);
      REQUIRE(::chown(unsafe.c_str(), 0, 0) == 0);
    }
  }
}

TEST_CASE("hook runner: safe script runs", "[hook_runner]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("hook scripts must be root-owned");
  TempDir dir;
  LogCapture log;
  const std::string marker = dir.file("created-by-hook");
  const std::string hook = write_file(dir.file("hook.sh"), "#!/bin/sh\n/usr/bin/touch \"$1\"\n", 0755);
  HookRunner runner = make_runner(dir, run_settings({hook, "{lease_file}"}), log);

  HookContext context = eth0_context();
  context.lease_file = marker;
  REQUIRE(runner.trigger(context, Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));
  CHECK(file_exists(marker));
  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].succeeded);
}

TEST_CASE("hook runner: steps stop at first failure", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookSettings settings = run_settings({"/bin/false"});
  settings.command.push_back({"/usr/bin/touch", dir.file("second-step")});
  HookRunner runner = make_runner(dir, settings, log);

  REQUIRE(runner.trigger(eth0_context(), Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));
  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK_FALSE(reports[0].succeeded);
  REQUIRE(reports[0].steps.size() == 1);
  CHECK(reports[0].steps[0].exit.exit_status == 1);
  CHECK_FALSE(file_exists(dir.file("second-step")));
  CHECK(log.text().find("hook step 1/2 pid=") != std::string::npos);
  CHECK(log.text().find("exited with status 1 after") != std::string::npos);
}

TEST_CASE("hook runner: recheck result logged", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookSettings settings = run_settings({"/bin/true"});
  settings.command.push_back({"/bin/true"});
  int calls = 0;
  std::string rechecked_interface;
  RecheckFunction recheck = [&](const HookContext& context) {
    ++calls;
    rechecked_interface = context.interface;
    return RecheckOutcome{true, 118};
  };
  HookRunner runner = make_runner(dir, settings, log, recheck);

  REQUIRE(runner.trigger(eth0_context(), Clock::now()).result == TriggerResult::started);
  drive(runner, seconds(10));
  const std::vector<HookRunReport> reports = runner.take_reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].succeeded);
  CHECK(reports[0].steps.size() == 2);
  CHECK(calls == 1);
  CHECK(rechecked_interface == "eth0");
  REQUIRE(reports[0].recheck.has_value());
  CHECK(reports[0].recheck->valid_lft_s == 118u);
  CHECK(log.text().find("eth0 10.0.0.5: lease refresh worked, valid_lft back to 118 s") != std::string::npos);
}

TEST_CASE("hook runner: placeholder without value rejected", "[hook_runner]") {
  TempDir dir;
  LogCapture log;
  HookRunner runner = make_runner(dir, run_settings({"/bin/true", "{pid_file}"}), log);
  HookContext context = eth0_context();
  context.pid_file.clear();

  const TriggerOutcome outcome = runner.trigger(context, Clock::now());
  CHECK(outcome.result == TriggerResult::rejected);
  CHECK(outcome.detail == "placeholder {pid_file} has no value for interface eth0");
  CHECK_FALSE(runner.busy());
}

TEST_CASE("hook runner: missing config path rejected", "[hook_runner]") {
  LogCapture log;
  HookRunnerOptions options;
  options.logger = log.logger;
  HookRunner runner(policy_for_eth0(run_settings({"/bin/true"})), {}, options);

  const TriggerOutcome outcome = runner.trigger(eth0_context(), Clock::now());
  CHECK(outcome.result == TriggerResult::rejected);
  CHECK(outcome.detail == "the config file path is unknown, so its owner and mode cannot be checked");
}
