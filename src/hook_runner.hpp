#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hook_config.hpp"
#include "hook_output.hpp"
#include "hook_placeholders.hpp"
#include "hook_process.hpp"
#include "hook_rate_limiter.hpp"

namespace spdlog {
class logger;
}

namespace timeguard {

// Result of the interface re-check after a hook finished.
struct RecheckOutcome {
  bool danger_gone = false;
  std::optional<std::uint32_t> valid_lft_s;  // nullopt: address absent or lifetime forever
};

// Looks at the interface again after a hook; supplied by the caller, runs on its thread.
using RecheckFunction = std::function<RecheckOutcome(const HookContext&)>;

struct HookRunnerOptions {
  std::string config_path;  // checked with check_config_file before every run; empty = reject every run
  std::chrono::milliseconds kill_grace{5000};  // from SIGTERM to SIGKILL after a timeout
  std::shared_ptr<spdlog::logger> logger;      // nullptr: spdlog's default logger
};

enum class TriggerResult {
  not_configured,       // action none for this interface
  verdict_not_selected, // the verdict is not in the interface's `verdicts` list
  dry_run,              // logged "would run ..."; counts against the rate limit
  started,
  already_running,      // one hook per interface at a time
  cooling_down,
  hourly_cap_reached,
  rejected,             // unsafe file, missing program or placeholder without value
};

std::string_view to_string(TriggerResult result);

struct TriggerOutcome {
  TriggerResult result = TriggerResult::not_configured;
  std::string detail;  // the rejection reason, or the formatted argv of a dry run
};

// One step (one argv) of a finished run.
struct HookStepReport {
  std::vector<std::string> argv;
  pid_t pid = -1;
  ProcessExit exit;
  std::chrono::milliseconds duration{0};
  BoundedOutput stdout_output;
  BoundedOutput stderr_output;
};

struct HookRunReport {
  HookContext context;
  std::vector<HookStepReport> steps;
  bool timed_out = false;
  bool succeeded = false;  // every step exited with status 0
  std::string error;       // a step that could not be started
  std::chrono::milliseconds duration{0};
  std::optional<RecheckOutcome> recheck;
};

// Runs lease-refresh hooks without blocking the caller. It is driven from the caller's event
// loop on one thread: poll poll_fds() for POLLIN with a timeout until next_deadline(), then
// call process() with the current steady_clock time. Every wait is measured on steady_clock
// (CLOCK_MONOTONIC), so a wall-clock step does not shorten or extend a timeout or a cooldown.
//
// Safety, checked on every trigger before anything is started: the config file and each
// program must pass check_config_file / open_checked_executable, and the program that runs is
// the descriptor that was checked (fexecve). Dry runs go through the same checks and start
// nothing. Rejections are logged at error level with the file and the fix.
class HookRunner {
 public:
  using Clock = std::chrono::steady_clock;

  HookRunner(HookPolicy policy, RecheckFunction recheck, HookRunnerOptions options);
  HookRunner(HookRunner&&) noexcept;
  HookRunner& operator=(HookRunner&&) noexcept;
  ~HookRunner();  // a hook still running is killed with SIGKILL and reaped

  // Decides whether the verdict in `context` starts a hook on context.interface and, when it
  // does, starts the first step (spawn waits only for execve of the child).
  TriggerOutcome trigger(const HookContext& context, Clock::time_point now);

  // Descriptors to poll for POLLIN while hooks run.
  std::vector<int> poll_fds() const;

  // When process() must be called at the latest; nullopt when no hook runs.
  std::optional<Clock::time_point> next_deadline() const;

  // Reads output, reaps finished steps, starts the next step, enforces timeouts, and on the
  // end of a run logs it and calls the re-check function.
  void process(Clock::time_point now);

  bool busy() const { return !runs_.empty(); }

  // Reports of the runs finished since the last call, oldest first.
  std::vector<HookRunReport> take_reports();

 private:
  struct ActiveRun;

  HookRateLimiter& limiter_for(const std::string& interface, const HookSettings& settings);
  TriggerOutcome check_limits(const HookContext& context, const HookSettings& settings,
                              Clock::time_point now);
  Result<std::vector<std::vector<std::string>>> expand_steps(const HookSettings& settings,
                                                             const HookContext& context) const;
  Result<std::vector<CheckedExecutable>> check_files(
      const std::vector<std::vector<std::string>>& steps) const;
  bool start_step(ActiveRun& run, Clock::time_point now);
  void process_run(ActiveRun& run, Clock::time_point now);
  void finish_step(ActiveRun& run, const ProcessExit& exit, Clock::time_point now);
  void finish_run(ActiveRun& run, Clock::time_point now);
  void log_recheck(const HookRunReport& report);

  HookPolicy policy_;
  RecheckFunction recheck_;
  HookRunnerOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  std::map<std::string, HookRateLimiter> limiters_;
  std::map<std::string, std::unique_ptr<ActiveRun>> runs_;  // by interface
  std::vector<HookRunReport> reports_;
};

}  // namespace timeguard
