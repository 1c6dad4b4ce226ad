// Test-only driver: runs the hooks of one config file once for one interface, the way the
// plugin's event loop would, and re-checks the address with the kernel afterwards. The lab
// test runs it inside a network namespace; it is not installed.
//
// Usage: hook_test_driver CONFIG INTERFACE ADDRESS LEASE_FILE PID_FILE VERDICT DELTA_S MIN_VALID_LFT_S
// Exit status: 0 when the run succeeded and valid_lft is at least MIN_VALID_LFT_S, else 1.

#include <charconv>
#include <cstdio>
#include <poll.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <yaml-cpp/yaml.h>

#include "address_table.hpp"
#include "hook_config.hpp"
#include "hook_runner.hpp"

using namespace timeguard;

namespace {

std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The re-check the plugin would do: the address's remaining valid lifetime from the kernel.
RecheckOutcome recheck_address(const HookContext& context, std::uint32_t min_valid_lft_s) {
  Result<std::vector<KernelAddress>> addresses = read_kernel_addresses();
  if (!addresses) {
    spdlog::error("{}: re-check failed: {}", context.interface, addresses.error().reason);
    return {};
  }
  for (const KernelAddress& address : *addresses) {
    if (address.interface != context.interface || address.address != context.address) continue;
    const bool long_enough = !address.valid_lft_s || *address.valid_lft_s >= min_valid_lft_s;
    return RecheckOutcome{long_enough, address.valid_lft_s};
  }
  return {};
}

void drive(HookRunner& runner) {
  using Clock = HookRunner::Clock;
  while (runner.busy()) {
    std::vector<pollfd> fds;
    for (int fd : runner.poll_fds()) fds.push_back(pollfd{fd, POLLIN, 0});
    int timeout_ms = 1000;
    if (const auto deadline = runner.next_deadline()) {
      const auto until = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>(until.count(), 0, 1000));
    }
    ::poll(fds.data(), fds.size(), timeout_ms);
    runner.process(Clock::now());
  }
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("hook_test_driver"));
  if (argc != 9) {
    std::fprintf(stderr, "usage: %s CONFIG INTERFACE ADDRESS LEASE_FILE PID_FILE VERDICT DELTA_S "
                         "MIN_VALID_LFT_S\n", argv[0]);
    return 2;
  }
  const std::string config_path = argv[1];
  const std::optional<std::int64_t> delta_s = parse_integer(argv[7]);
  const std::optional<std::int64_t> min_valid_lft_s = parse_integer(argv[8]);
  if (!delta_s || !min_valid_lft_s || *min_valid_lft_s < 0) {
    std::fprintf(stderr, "invalid DELTA_S or MIN_VALID_LFT_S\n");
    return 2;
  }

  YAML::Node root;
  try {
    root = YAML::LoadFile(config_path);
  } catch (const YAML::Exception& error) {
    std::fprintf(stderr, "%s: %s\n", config_path.c_str(), error.what());
    return 2;
  }
  Result<HookPolicy> policy = parse_hook_policy(root["hooks"], "hooks");
  if (!policy) {
    std::fprintf(stderr, "%s: %s\n", config_path.c_str(), policy.error().reason.c_str());
    return 2;
  }

  const HookContext context{argv[2], argv[3], argv[4], argv[5], *delta_s, argv[6]};
  const auto min_lft = static_cast<std::uint32_t>(*min_valid_lft_s);
  HookRunnerOptions options;
  options.config_path = config_path;
  HookRunner runner(*policy, [min_lft](const HookContext& c) { return recheck_address(c, min_lft); },
                    options);

  const TriggerOutcome outcome = runner.trigger(context, HookRunner::Clock::now());
  std::printf("trigger=%s\n", std::string(to_string(outcome.result)).c_str());
  drive(runner);

  for (const HookRunReport& report : runner.take_reports()) {
    const bool refreshed = report.recheck && report.recheck->danger_gone;
    std::printf("succeeded=%d refreshed=%d\n", report.succeeded ? 1 : 0, refreshed ? 1 : 0);
    return report.succeeded && refreshed ? 0 : 1;
  }
  return outcome.result == TriggerResult::dry_run ? 0 : 1;
}
