#include "network_watch.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "hook_file_safety.hpp"
#include "json_output.hpp"
#include "live_event.hpp"
#include "report_output.hpp"
#include "time_change_json.hpp"

namespace timeguard {
namespace {

std::int64_t wall_now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string row_key(const ReportRow& row) { return row.interface + " " + row.address; }

bool is_danger(Verdict verdict) {
  return verdict == Verdict::lost_before_renewal || verdict == Verdict::expired_by_step ||
         verdict == Verdict::no_client || verdict == Verdict::lifetime_shorter_than_renewal;
}

bool hooks_configured(const HookPolicy& policy) {
  if (policy.defaults.action == HookAction::hook) return true;
  for (const auto& [name, settings] : policy.interfaces) {
    if (settings.action == HookAction::hook) return true;
  }
  return false;
}

// Checks at load time what the hook runner checks again before every run, so that an unsafe
// or missing file is reported when the operator configures it, not when the address is at risk.
void log_hook_setup_problems(const PluginConfig& config) {
  if (Status safe = check_config_file(config.source_file); !safe) {
    spdlog::error("lease-refresh hooks will be rejected: {}", safe.error().reason);
  }
  std::vector<const HookSettings*> all{&config.hooks.defaults};
  for (const auto& [name, settings] : config.hooks.interfaces) all.push_back(&settings);
  for (const HookSettings* settings : all) {
    if (settings->action != HookAction::hook) continue;
    for (const std::vector<std::string>& step : settings->command) {
      if (step.empty()) continue;
      Result<CheckedExecutable> program = open_checked_executable(step.front());
      if (!program) spdlog::error("lease-refresh hooks will be rejected: {}", program.error().reason);
    }
  }
}

ClockOverrides overrides_of(const PluginConfig& config) {
  return ClockOverrides(config.client_clock_overrides.begin(), config.client_clock_overrides.end());
}

nlohmann::json hook_report_json(const HookRunReport& report) {
  nlohmann::json out = {{"type", "hook_run"},
                        {"time", format_audit_time(wall_now_s(), 0)},
                        {"interface", report.context.interface},
                        {"address", report.context.address},
                        {"verdict", report.context.verdict},
                        {"succeeded", report.succeeded},
                        {"timed_out", report.timed_out},
                        {"duration_ms", report.duration.count()},
                        {"error", report.error}};
  out["steps"] = nlohmann::json::array();
  for (const HookStepReport& step : report.steps) {
    out["steps"].push_back({{"argv", step.argv},
                            {"pid", step.pid},
                            {"exit_status", step.exit.exit_status ? nlohmann::json(*step.exit.exit_status) : nullptr},
                            {"signal", step.exit.signal ? nlohmann::json(*step.exit.signal) : nullptr},
                            {"duration_ms", step.duration.count()}});
  }
  if (report.recheck) {
    out["recheck"] = {{"danger_gone", report.recheck->danger_gone},
                      {"valid_lft_s", report.recheck->valid_lft_s ? nlohmann::json(*report.recheck->valid_lft_s)
                                                                  : nullptr}};
  }
  return out;
}

}  // namespace

NetworkWatch::NetworkWatch(const PluginConfig& config, JsonLineSink& json) : config_(config), json_(json) {}

NetworkWatch::~NetworkWatch() {
  if (timer_fd_ >= 0) close(timer_fd_);
}

void NetworkWatch::open_timer() {
  if (timer_fd_ < 0) timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) {
    spdlog::error("cannot create the network check timer: {}; only steps and address changes are checked",
                  std::strerror(errno));
    return;
  }
  itimerspec every{};
  every.it_interval.tv_sec = config_.network_check_interval.count();
  every.it_value.tv_sec = config_.network_check_interval.count();
  timerfd_settime(timer_fd_, 0, &every, nullptr);
}

void NetworkWatch::start() {
  if (!config_.network_enabled) return;
  Result<AddressMonitor> monitor = AddressMonitor::open();
  if (monitor) {
    monitor_.emplace(std::move(*monitor));
  } else {
    spdlog::error("cannot follow kernel address changes: {}; addresses are read on each check instead",
                  monitor.error().reason);
  }
  open_timer();
  if (hooks_configured(config_.hooks)) {
    log_hook_setup_problems(config_);
    start_hook_runner();
  }
  standing_check();
}

void NetworkWatch::start_hook_runner() {
  HookRunnerOptions options;
  options.config_path = config_.source_file;
  hooks_.emplace(config_.hooks, [this](const HookContext& context) { return recheck(context); }, options);
}

void NetworkWatch::reconfigure(const PluginConfig& config) {
  const bool was_enabled = config_.network_enabled;
  config_ = config;
  if (!config_.network_enabled) {
    monitor_.reset();
    if (timer_fd_ >= 0) close(timer_fd_);
    timer_fd_ = -1;
    return;
  }
  if (!was_enabled) {
    start();
    return;
  }
  open_timer();
  if (hooks_configured(config_.hooks)) log_hook_setup_problems(config_);
  // A running hook keeps the runner and policy it started with until the next reload.
  if (hooks_ && hooks_->busy()) return;
  if (hooks_configured(config_.hooks)) {
    start_hook_runner();
  } else {
    hooks_.reset();
  }
}

void NetworkWatch::append_poll_fds(std::vector<pollfd>& fds) const {
  if (monitor_) fds.push_back({monitor_->fd(), POLLIN, 0});
  if (timer_fd_ >= 0) fds.push_back({timer_fd_, POLLIN, 0});
  if (hooks_) {
    for (const int fd : hooks_->poll_fds()) fds.push_back({fd, POLLIN, 0});
  }
}

std::optional<NetworkWatch::Clock::time_point> NetworkWatch::next_deadline() const {
  return hooks_ ? hooks_->next_deadline() : std::nullopt;
}

void NetworkWatch::handle_poll(const std::vector<pollfd>& fds) {
  bool check = false;
  for (const pollfd& entry : fds) {
    if (!(entry.revents & (POLLIN | POLLERR | POLLHUP))) continue;
    if (monitor_ && entry.fd == monitor_->fd()) {
      Result<std::vector<AddressChange>> changes = monitor_->process();
      if (!changes) spdlog::error("reading kernel address changes failed: {}", changes.error().reason);
      check = check || !changes || !changes->empty();
    } else if (entry.fd == timer_fd_) {
      std::uint64_t expirations = 0;
      [[maybe_unused]] ssize_t got = read(timer_fd_, &expirations, sizeof expirations);
      check = true;
    }
  }
  if (hooks_) {
    hooks_->process(Clock::now());
    log_hook_reports();
  }
  if (check) standing_check();
}

NetworkWatch::Snapshot NetworkWatch::join_addresses(const std::vector<KernelAddress>& addresses) const {
  Snapshot snapshot;
  snapshot.clients = discover_clients(addresses, DiscoveryRoots{});
  snapshot.report = InterfaceReport::join(addresses, snapshot.clients, overrides_of(config_));
  return snapshot;
}

Result<NetworkWatch::Snapshot> NetworkWatch::take_snapshot() {
  std::vector<KernelAddress> addresses;
  if (monitor_) {
    addresses = monitor_->addresses();
  } else {
    Result<std::vector<KernelAddress>> read = read_kernel_addresses();
    if (!read) return read.error();
    addresses = std::move(*read);
  }
  Snapshot snapshot = join_addresses(addresses);
  last_clients_ = snapshot.clients;
  return snapshot;
}

void NetworkWatch::on_audit_step(const TimeChange& step) {
  if (!config_.network_enabled || !step.delta_ns) return;
  // A step read from a saved log would be judged against leases that did not exist then.
  if (!is_live_event(step, wall_now_s())) {
    const std::int64_t distance = std::llabs(wall_now_s() - (step.time_sec + round_to_seconds(*step.delta_ns)));
    spdlog::info("step in audit event {} is not held against current leases: it happened {} s away from now, "
                 "so it comes from a saved log or a delayed stream",
                 step.serial, distance);
    return;
  }
  evaluate(*step.delta_ns, VerdictTrigger::audit_step, &step);
}

void NetworkWatch::on_unexplained_jump(std::int64_t delta_ns) {
  if (!config_.network_enabled) return;
  evaluate(delta_ns, VerdictTrigger::clock_jump, nullptr);
}

void NetworkWatch::evaluate(std::int64_t delta_ns, VerdictTrigger trigger, const TimeChange* step) {
  Result<Snapshot> snapshot = take_snapshot();
  if (!snapshot) {
    spdlog::error("cannot hold the step against the leases: {}", snapshot.error().reason);
    return;
  }
  // The wall clock has already moved: the reading before the step is now minus the step.
  const std::int64_t before_s = wall_now_s() - round_to_seconds(delta_ns);
  const std::optional<std::int64_t> jump = trigger == VerdictTrigger::clock_jump
                                               ? std::optional<std::int64_t>(delta_ns)
                                               : std::nullopt;
  for (const ReportRow& row : snapshot->report.evaluate_step(delta_ns, before_s)) {
    publish_row(row, trigger, step, jump);
    if (is_danger(row.result.verdict)) maybe_run_hook(row, delta_ns);
  }
}

// Logs each address when it appears or its client or lease file changes, so that the log shows
// what the plugin holds steps against. Each announcement also goes to the JSON stream.
void NetworkWatch::announce_watched(const std::vector<ReportRow>& rows) {
  std::map<std::string, std::string> now_watched;
  for (const ReportRow& row : rows) {
    const std::string key = row_key(row);
    const std::string client = fmt::format("{}{}{}", to_string(row.client),
                                           row.client_pid ? fmt::format(" pid {}", *row.client_pid) : "",
                                           row.client_alive ? "" : " (not running)");
    const std::string state = client + " " + row.lease_file;
    now_watched[key] = state;
    if (auto previous = watched_.find(key); previous != watched_.end() && previous->second == state) continue;

    const std::string lifetime = row.valid_lft_s ? fmt::format("{} s", *row.valid_lft_s) : std::string("forever");
    const char* kind = row.dynamic ? "dynamic" : "permanent";
    if (row.client == DhcpClient::none) {
      spdlog::info("watching {}: {} address, no DHCP client, valid_lft {}", key, kind, lifetime);
    } else {
      spdlog::info("watching {}: {} address, client {}, {} clock, lease file {}, valid_lft {}", key, kind, client,
                   to_string(row.client_clock), row.lease_file.empty() ? "none" : row.lease_file, lifetime);
    }
    nlohmann::json object = row_to_json(row);
    object["type"] = "watch";
    object["time"] = format_audit_time(wall_now_s(), 0);
    emit_json(json_, object);
  }
  watched_ = std::move(now_watched);
}

void NetworkWatch::standing_check() {
  if (!config_.network_enabled) return;
  Result<Snapshot> snapshot = take_snapshot();
  if (!snapshot) {
    spdlog::error("standing check of the leases failed: {}", snapshot.error().reason);
    return;
  }
  std::vector<ReportRow> rows = snapshot->report.evaluate_step(0, wall_now_s());
  announce_watched(rows);
  std::map<std::string, Verdict> found;
  for (const ReportRow& row : standing_dangers(std::move(rows))) {
    const std::string key = row_key(row);
    found[key] = row.result.verdict;
    auto previous = standing_.find(key);
    if (previous == standing_.end() || previous->second != row.result.verdict) standing_limiter_.reset(key);
    std::uint64_t suppressed = 0;
    if (!standing_limiter_.allow(key, Clock::now(), suppressed)) continue;
    publish_row(row, VerdictTrigger::standing, nullptr, std::nullopt);
    maybe_run_hook(row, 0);
  }
  for (const auto& [key, verdict] : standing_) {
    if (found.count(key) != 0) continue;
    spdlog::info("{}: no longer at risk ({} cleared)", key, to_string(verdict));
    standing_limiter_.reset(key);
  }
  standing_ = std::move(found);
}

void NetworkWatch::publish_row(const ReportRow& row, VerdictTrigger trigger, const TimeChange* step,
                               std::optional<std::int64_t> jump_delta_ns) {
  nlohmann::json object = row_to_json(row);
  object["type"] = "verdict";
  object["trigger"] = to_string(trigger);
  object["serial"] = step != nullptr ? nlohmann::json(step->serial) : nlohmann::json(nullptr);
  object["time"] = format_audit_time(wall_now_s(), 0);
  emit_json(json_, object);

  const spdlog::level::level_enum level = verdict_level(row.result.verdict);
  std::uint64_t suppressed = 0;
  const std::string key = row_key(row) + " " + std::string(to_string(row.result.verdict));
  if (trigger != VerdictTrigger::standing && !step_limiter_.allow(key, Clock::now(), suppressed)) return;
  std::string message = format_verdict_message(row, trigger, step, jump_delta_ns);
  if (suppressed > 0) message += fmt::format(" ({} similar messages suppressed)", suppressed);
  spdlog::log(level, "{}", message);
}

void NetworkWatch::maybe_run_hook(const ReportRow& row, std::int64_t delta_ns) {
  if (!hooks_) return;
  HookContext context;
  context.interface = row.interface;
  context.address = row.address;
  context.lease_file = row.lease_file;
  auto client = last_clients_.find(row.interface);
  if (client != last_clients_.end()) {
    context.pid_file = client->second.pid_file;
    if (client->second.alive && client->second.pid) context.client_pid = std::to_string(*client->second.pid);
  }
  context.delta_s = round_to_seconds(delta_ns);
  context.verdict = std::string(to_string(row.result.verdict));
  const TriggerOutcome outcome = hooks_->trigger(context, Clock::now());
  spdlog::debug("{} {}: hook {}{}{}", row.interface, row.address, to_string(outcome.result),
                outcome.detail.empty() ? "" : ": ", outcome.detail);
}

RecheckOutcome NetworkWatch::recheck(const HookContext& context) {
  RecheckOutcome outcome;
  // Read afresh: the monitor may not have processed the hook's address changes yet.
  Result<std::vector<KernelAddress>> addresses = read_kernel_addresses();
  if (!addresses) {
    spdlog::error("{} {}: cannot re-check the address after the hook: {}", context.interface, context.address,
                  addresses.error().reason);
    return outcome;
  }
  for (const KernelAddress& address : *addresses) {
    if (address.interface == context.interface && address.address == context.address) {
      outcome.valid_lft_s = address.valid_lft_s;
      outcome.danger_gone = true;
    }
  }
  if (!outcome.danger_gone) return outcome;  // the address is gone

  const Snapshot snapshot = join_addresses(*addresses);
  for (const ReportRow& row : snapshot.report.standing_check(wall_now_s())) {
    if (row.interface == context.interface && row.address == context.address) outcome.danger_gone = false;
  }
  return outcome;
}

void NetworkWatch::log_hook_reports() {
  for (const HookRunReport& report : hooks_->take_reports()) emit_json(json_, hook_report_json(report));
}

}  // namespace timeguard
