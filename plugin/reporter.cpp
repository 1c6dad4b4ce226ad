#include "reporter.hpp"

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "json_output.hpp"
#include "live_event.hpp"
#include "process_context.hpp"
#include "time_change_format.hpp"
#include "time_change_json.hpp"

namespace timeguard {
namespace {

// A jump waits this long beyond the assembler's event age for the audit step that explains
// it, because an event without EOE is only completed when that age runs out.
constexpr std::chrono::milliseconds kJumpWaitMargin{1500};

}  // namespace

Reporter::Reporter(const PluginConfig& config)
    : config_(config),
      network_(config_, json_),
      correlator_(config.assembly.max_age + kJumpWaitMargin, config.clock_jump_threshold_ns) {}

Status Reporter::start() {
  if (Status opened = json_.open(config_.json_file); !opened) return opened;
  if (config_.clock_jump_enabled) open_jump_watcher();
  network_.start();
  return ok_status();
}

void Reporter::open_jump_watcher() {
  ClockJumpWatcher::Options options;
  options.threshold_ns = config_.clock_jump_threshold_ns;
  Result<ClockJumpWatcher> watcher = ClockJumpWatcher::open(options);
  if (!watcher) {
    spdlog::error("cannot watch for unaudited clock jumps: {}; only audited steps are reported",
                  watcher.error().reason);
    return;
  }
  jump_watcher_.emplace(std::move(*watcher));
}

void Reporter::reconfigure(const PluginConfig& config) {
  const bool json_moved = config.json_file != config_.json_file;
  const bool jump_changed = config.clock_jump_enabled != config_.clock_jump_enabled ||
                            config.clock_jump_threshold_ns != config_.clock_jump_threshold_ns;
  config_ = config;
  spdlog::default_logger()->set_level(config.log_level);

  // The same path is reopened as well, so that SIGHUP after log rotation starts a new file.
  Status reopened = json_moved ? json_.open(config.json_file) : json_.reopen();
  if (!reopened) spdlog::error("{}; JSON events are not written until the next reload", reopened.error().reason);

  if (jump_changed) {
    jump_watcher_.reset();
    if (config_.clock_jump_enabled) open_jump_watcher();
  }
  correlator_ = JumpCorrelator(config.assembly.max_age + kJumpWaitMargin, config.clock_jump_threshold_ns);
  network_.reconfigure(config);
}

void Reporter::log_change(const TimeChange& change) {
  const std::string line = format_time_change(change);
  switch (change.kind) {
    case ChangeKind::step: {
      const std::int64_t size = std::llabs(change.delta_ns.value_or(0));
      if (size >= config_.step_warning_ns) {
        spdlog::warn("{}", line);
      } else {
        spdlog::info("{}", line);
      }
      break;
    }
    case ChangeKind::denied:
      spdlog::warn("{}", line);
      break;
    case ChangeKind::adjust:
      spdlog::debug("{}", line);
      break;
    case ChangeKind::read:
      break;
  }
}

void Reporter::report(TimeChange change) {
  // The parent and unit come from this host's /proc, which describes an old event's processes
  // no better than a guess: a pid from a saved log may belong to anything now.
  if (is_live_event(change, static_cast<std::int64_t>(std::time(nullptr)))) add_process_context(change.process);
  switch (change.kind) {
    case ChangeKind::step: ++counts_.steps; break;
    case ChangeKind::adjust: ++counts_.adjustments; break;
    case ChangeKind::read: ++counts_.reads; break;
    case ChangeKind::denied: ++counts_.denied; break;
  }
  log_change(change);
  emit_json(json_, to_json(change));

  if (change.kind == ChangeKind::step && change.delta_ns) {
    correlator_.add_audit_step(*change.delta_ns, Clock::now());
    network_.on_audit_step(change);
  }
}

void Reporter::report_unexplained_jump(const ClockJump& jump) {
  ++counts_.unexplained_jumps;
  spdlog::warn("wall clock jumped {} with no audit record naming a process; check that the timeguard rules are "
               "loaded (auditctl -l -k timeguard)",
               format_step_size(jump.delta_ns));
  const nlohmann::json object = {
      {"type", "clock_jump"},
      {"time", format_audit_time(jump.realtime_after_ns / 1'000'000'000,
                                 static_cast<std::uint32_t>(jump.realtime_after_ns % 1'000'000'000 / 1'000'000))},
      {"delta_ns", jump.delta_ns},
      {"attributed", false}};
  emit_json(json_, object);
  network_.on_unexplained_jump(jump.delta_ns);
}

void Reporter::append_poll_fds(std::vector<pollfd>& fds) const {
  if (jump_watcher_) fds.push_back({jump_watcher_->fd(), POLLIN, 0});
  network_.append_poll_fds(fds);
}

std::optional<Reporter::Clock::time_point> Reporter::next_deadline() const {
  std::optional<Clock::time_point> network = network_.next_deadline();
  std::optional<Clock::time_point> jumps = correlator_.next_deadline();
  if (network && jumps) return std::min(*network, *jumps);
  return network ? network : jumps;
}

void Reporter::handle_poll(const std::vector<pollfd>& fds) {
  for (const pollfd& entry : fds) {
    if (jump_watcher_ && entry.fd == jump_watcher_->fd() && (entry.revents & POLLIN)) {
      if (std::optional<ClockJump> jump = jump_watcher_->on_readable()) correlator_.add_jump(*jump, Clock::now());
    }
  }
  network_.handle_poll(fds);
  for (const ClockJump& jump : correlator_.take_unexplained(Clock::now())) report_unexplained_jump(jump);
}

void Reporter::log_summary() const {
  spdlog::info("reported {} steps, {} NTP adjustments, {} denied attempts, {} read-only calls, {} unaudited "
               "clock jumps",
               counts_.steps, counts_.adjustments, counts_.denied, counts_.reads, counts_.unexplained_jumps);
}

}  // namespace timeguard
