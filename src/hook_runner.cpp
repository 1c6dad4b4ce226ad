#include "hook_runner.hpp"

#include <csignal>
#include <cstring>
#include <spdlog/spdlog.h>

namespace timeguard {
namespace {

using Clock = HookRunner::Clock;

std::string subject(const HookContext& context) {
  if (context.address.empty()) return escape_for_log(context.interface);
  return escape_for_log(context.interface) + " " + escape_for_log(context.address);
}

std::int64_t elapsed_ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

std::string signal_name(int signal) {
  const char* abbreviation = ::sigabbrev_np(signal);
  return abbreviation == nullptr ? "signal " + std::to_string(signal)
                                 : "SIG" + std::string(abbreviation);
}

std::string describe_exit(const ProcessExit& exit) {
  if (exit.exit_status) return "exited with status " + std::to_string(*exit.exit_status);
  if (exit.signal) return "was killed by " + signal_name(*exit.signal);
  return "was reaped elsewhere, status unknown";
}

void log_output(spdlog::logger& logger, const HookContext& context, pid_t pid,
                std::string_view stream, const BoundedOutput& output) {
  if (output.kept().empty() && output.dropped_bytes() == 0) return;
  std::string dropped;
  if (output.dropped_bytes() > 0) {
    dropped = ", " + std::to_string(output.dropped_bytes()) +
              " bytes dropped beyond output_limit_bytes=" + std::to_string(output.limit_bytes());
  }
  logger.info("{}: hook pid={} {} ({} bytes kept{}): \"{}\"", subject(context), pid, stream,
              output.kept().size(), dropped, escape_for_log(output.kept()));
}

}  // namespace

struct HookRunner::ActiveRun {
  HookSettings settings;
  HookRunReport report;
  std::vector<std::vector<std::string>> steps;
  std::vector<CheckedExecutable> programs;
  std::size_t next_step = 0;
  std::optional<HookProcess> process;
  Clock::time_point started;
  Clock::time_point step_started;
  Clock::time_point deadline;
  std::optional<Clock::time_point> term_sent;
  bool kill_sent = false;
  bool done = false;
};

std::string_view to_string(TriggerResult result) {
  switch (result) {
    case TriggerResult::not_configured: return "not configured";
    case TriggerResult::verdict_not_selected: return "verdict not selected";
    case TriggerResult::dry_run: return "dry run";
    case TriggerResult::started: return "started";
    case TriggerResult::already_running: return "already running";
    case TriggerResult::cooling_down: return "cooling down";
    case TriggerResult::hourly_cap_reached: return "hourly cap reached";
    case TriggerResult::rejected: return "rejected";
  }
  return "rejected";
}

HookRunner::HookRunner(HookPolicy policy, RecheckFunction recheck, HookRunnerOptions options)
    : policy_(std::move(policy)),
      recheck_(std::move(recheck)),
      options_(std::move(options)),
      logger_(options_.logger ? options_.logger : spdlog::default_logger()) {}

HookRunner::HookRunner(HookRunner&&) noexcept = default;
HookRunner& HookRunner::operator=(HookRunner&&) noexcept = default;
HookRunner::~HookRunner() = default;

HookRateLimiter& HookRunner::limiter_for(const std::string& interface,
                                         const HookSettings& settings) {
  auto found = limiters_.find(interface);
  if (found == limiters_.end()) {
    found = limiters_
                .emplace(interface, HookRateLimiter(std::chrono::seconds(settings.cooldown_s),
                                                    settings.max_runs_per_hour))
                .first;
  }
  return found->second;
}

TriggerOutcome HookRunner::check_limits(const HookContext& context, const HookSettings& settings,
                                        Clock::time_point now) {
  if (runs_.count(context.interface) != 0) {
    logger_->info("{}: hook not started for verdict {}: a hook is still running on this interface",
                  subject(context), context.verdict);
    return {TriggerResult::already_running, "a hook is still running"};
  }

  const HookRateLimiter& limiter = limiter_for(context.interface, settings);
  const HookRateLimiter::Decision decision = limiter.check(now);
  if (decision == HookRateLimiter::Decision::allowed) return {TriggerResult::started, ""};

  const auto wait = std::chrono::ceil<std::chrono::seconds>(limiter.next_allowed(now) - now);
  const std::string detail = std::string(to_string(decision)) + ", next run allowed in " +
                             std::to_string(wait.count()) + " s";
  logger_->info("{}: hook not started for verdict {}: {} (cooldown_s={}, max_runs_per_hour={})",
                subject(context), context.verdict, detail, settings.cooldown_s,
                settings.max_runs_per_hour);
  const TriggerResult result = decision == HookRateLimiter::Decision::cooling_down
                                   ? TriggerResult::cooling_down
                                   : TriggerResult::hourly_cap_reached;
  return {result, detail};
}

Result<std::vector<std::vector<std::string>>> HookRunner::expand_steps(
    const HookSettings& settings, const HookContext& context) const {
  std::vector<std::vector<std::string>> steps;
  for (const std::vector<std::string>& step_template : settings.command) {
    Result<std::vector<std::string>> argv = expand_argv(step_template, context);
    if (!argv) return argv.error();
    steps.push_back(std::move(*argv));
  }
  return steps;
}

Result<std::vector<CheckedExecutable>> HookRunner::check_files(
    const std::vector<std::vector<std::string>>& steps) const {
  if (options_.config_path.empty()) return fail("the config file path is unknown, so its owner and mode cannot be checked");
  Status config = check_config_file(options_.config_path);
  if (!config) return config.error();

  std::vector<CheckedExecutable> programs;
  for (const std::vector<std::string>& argv : steps) {
    Result<CheckedExecutable> program = open_checked_executable(argv.front());
    if (!program) return program.error();
    programs.push_back(std::move(*program));
  }
  return programs;
}

TriggerOutcome HookRunner::trigger(const HookContext& context, Clock::time_point now) {
  const HookSettings& settings = policy_.settings_for(context.interface);
  if (settings.action != HookAction::hook) return {TriggerResult::not_configured, ""};
  if (!settings.triggered_by(context.verdict)) return {TriggerResult::verdict_not_selected, ""};

  TriggerOutcome limits = check_limits(context, settings, now);
  if (limits.result != TriggerResult::started) return limits;

  Result<std::vector<std::vector<std::string>>> steps = expand_steps(settings, context);
  Result<std::vector<CheckedExecutable>> programs =
      steps ? check_files(*steps) : Result<std::vector<CheckedExecutable>>(steps.error());
  if (!programs) {
    logger_->error("{}: refusing hooks: {}", subject(context), programs.error().reason);
    return {TriggerResult::rejected, programs.error().reason};
  }
  limiter_for(context.interface, settings).record_start(now);

  if (settings.dry_run) {
    std::string shown;
    for (const std::vector<std::string>& argv : *steps) {
      shown += shown.empty() ? "" : " && ";
      shown += format_argv(argv);
    }
    logger_->info("{}: would run hook for verdict {} (dry_run: true): {}", subject(context),
                  escape_for_log(context.verdict), shown);
    return {TriggerResult::dry_run, shown};
  }

  auto run = std::make_unique<ActiveRun>();
  run->settings = settings;
  run->report.context = context;
  run->steps = std::move(*steps);
  run->programs = std::move(*programs);
  run->started = now;
  run->deadline = now + std::chrono::seconds(settings.timeout_s);
  if (!start_step(*run, now)) {
    finish_run(*run, now);
    return {TriggerResult::rejected, run->report.error};
  }
  runs_.emplace(context.interface, std::move(run));
  return {TriggerResult::started, ""};
}

bool HookRunner::start_step(ActiveRun& run, Clock::time_point now) {
  const std::size_t index = run.next_step++;
  const std::vector<std::string>& argv = run.steps[index];
  Result<HookProcess> process =
      HookProcess::spawn(run.programs[index], argv, run.settings.output_limit_bytes);
  if (!process) {
    run.report.error = process.error().reason;
    logger_->error("{}: hook step {}/{} failed to start: {}: {}", subject(run.report.context),
                   index + 1, run.steps.size(), process.error().reason, format_argv(argv));
    return false;
  }

  run.step_started = now;
  run.process.emplace(std::move(*process));
  logger_->info("{}: hook step {}/{} started for verdict {}, pid={}: {}",
                subject(run.report.context), index + 1, run.steps.size(),
                escape_for_log(run.report.context.verdict), run.process->pid(), format_argv(argv));
  return true;
}

std::vector<int> HookRunner::poll_fds() const {
  std::vector<int> fds;
  for (const auto& [interface, run] : runs_) {
    if (!run->process) continue;
    for (int fd : run->process->poll_fds()) fds.push_back(fd);
  }
  return fds;
}

std::optional<Clock::time_point> HookRunner::next_deadline() const {
  std::optional<Clock::time_point> earliest;
  for (const auto& [interface, run] : runs_) {
    Clock::time_point due = run->deadline;
    if (run->term_sent) due = *run->term_sent + options_.kill_grace;
    if (run->kill_sent) continue;  // only the exit is left to wait for; the pidfd reports it
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

void HookRunner::process(Clock::time_point now) {
  for (auto& [interface, run] : runs_) process_run(*run, now);
  std::erase_if(runs_, [](const auto& entry) { return entry.second->done; });
}

void HookRunner::process_run(ActiveRun& run, Clock::time_point now) {
  if (!run.process) return;
  HookProcess& process = *run.process;
  process.read_output();

  if (std::optional<ProcessExit> exit = process.try_reap()) {
    process.read_output();
    finish_step(run, *exit, now);
    return;
  }

  const HookContext& context = run.report.context;
  if (!run.term_sent && now >= run.deadline) {
    logger_->warn("{}: hook pid={} timed out after {} s (timeout_s); sending SIGTERM to its "
                  "process group", subject(context), process.pid(), run.settings.timeout_s);
    process.signal_group(SIGTERM);
    run.term_sent = now;
    run.report.timed_out = true;
  } else if (run.term_sent && !run.kill_sent && now >= *run.term_sent + options_.kill_grace) {
    logger_->warn("{}: hook pid={} still running {} ms after SIGTERM; sending SIGKILL to its "
                  "process group", subject(context), process.pid(), options_.kill_grace.count());
    process.signal_group(SIGKILL);
    run.kill_sent = true;
  }
}

void HookRunner::finish_step(ActiveRun& run, const ProcessExit& exit, Clock::time_point now) {
  HookProcess& process = *run.process;
  HookStepReport step;
  step.argv = run.steps[run.next_step - 1];
  step.pid = process.pid();
  step.exit = exit;
  step.duration = std::chrono::milliseconds(elapsed_ms(run.step_started, now));
  step.stdout_output = process.stdout_output();
  step.stderr_output = process.stderr_output();
  run.process.reset();

  const HookContext& context = run.report.context;
  const bool step_ok = exit.exit_status && *exit.exit_status == 0;
  const auto level = step_ok ? spdlog::level::info : spdlog::level::warn;
  logger_->log(level, "{}: hook step {}/{} pid={} {} after {} ms: {}", subject(context),
               run.next_step, run.steps.size(), step.pid, describe_exit(exit),
               step.duration.count(), format_argv(step.argv));
  log_output(*logger_, context, step.pid, "stdout", step.stdout_output);
  log_output(*logger_, context, step.pid, "stderr", step.stderr_output);
  run.report.steps.push_back(std::move(step));

  const bool more_steps = run.next_step < run.steps.size();
  if (step_ok && more_steps && !run.report.timed_out && start_step(run, now)) return;
  finish_run(run, now);
}

void HookRunner::finish_run(ActiveRun& run, Clock::time_point now) {
  HookRunReport& report = run.report;
  report.duration = std::chrono::milliseconds(elapsed_ms(run.started, now));
  report.succeeded = report.error.empty() && report.steps.size() == run.steps.size();
  for (const HookStepReport& step : report.steps) {
    report.succeeded = report.succeeded && step.exit.exit_status && *step.exit.exit_status == 0;
  }
  run.done = true;

  logger_->log(report.succeeded ? spdlog::level::info : spdlog::level::warn,
               "{}: hook run for verdict {} {} after {} ms ({} of {} steps ran{})",
               subject(report.context), escape_for_log(report.context.verdict),
               report.succeeded ? "succeeded" : "failed", report.duration.count(),
               report.steps.size(), run.steps.size(), report.timed_out ? ", timed out" : "");
  if (recheck_) {
    report.recheck = recheck_(report.context);
    log_recheck(report);
  }
  reports_.push_back(std::move(report));
}

void HookRunner::log_recheck(const HookRunReport& report) {
  const RecheckOutcome& outcome = *report.recheck;
  const std::string lifetime = outcome.valid_lft_s
                                   ? std::to_string(*outcome.valid_lft_s) + " s"
                                   : std::string("forever or address absent");
  if (outcome.danger_gone) {
    logger_->info("{}: lease refresh worked, valid_lft back to {}", subject(report.context),
                  lifetime);
  } else {
    logger_->error("{}: lease refresh did not remove the danger, valid_lft {}; the address can "
                   "still be lost, renew the lease by hand", subject(report.context), lifetime);
  }
}

std::vector<HookRunReport> HookRunner::take_reports() {
  return std::exchange(reports_, {});
}

}  // namespace timeguard
