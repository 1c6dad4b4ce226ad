#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <poll.h>
#include <string>
#include <vector>

#include "address_table.hpp"
#include "hook_runner.hpp"
#include "interface_report.hpp"
#include "json_line_sink.hpp"
#include "plugin_config.hpp"
#include "repeat_limiter.hpp"
#include "time_change.hpp"
#include "verdict_message.hpp"

namespace timeguard {

// Holds clock steps against every address's DHCP lease and kernel lifetimes, watches for
// standing dangers (a dead client, a lifetime shorter than the renewal) on a timer and on
// kernel address changes, and runs lease-refresh hooks. Lives on the reporter thread: every
// member is touched from that thread only.
class NetworkWatch {
 public:
  using Clock = std::chrono::steady_clock;

  NetworkWatch(const PluginConfig& config, JsonLineSink& json);
  ~NetworkWatch();
  NetworkWatch(const NetworkWatch&) = delete;
  NetworkWatch& operator=(const NetworkWatch&) = delete;

  // Subscribes to address changes and arms the periodic check; runs a first standing check.
  void start();
  void reconfigure(const PluginConfig& config);

  // Adds the descriptors to poll (netlink, check timer, running hooks).
  void append_poll_fds(std::vector<pollfd>& fds) const;
  // When the loop must call handle_poll at the latest, for hook timeouts.
  std::optional<Clock::time_point> next_deadline() const;
  // Handles whichever of its descriptors are ready, and hook deadlines.
  void handle_poll(const std::vector<pollfd>& fds);

  // Evaluates every address against an attributed step from the audit stream.
  void on_audit_step(const TimeChange& step);
  // Evaluates every address against a jump of the wall clock that no audit record explains.
  void on_unexplained_jump(std::int64_t delta_ns);

 private:
  struct Snapshot {
    InterfaceReport report;
    std::map<std::string, ClientState> clients;
  };

  Snapshot join_addresses(const std::vector<KernelAddress>& addresses) const;
  Result<Snapshot> take_snapshot();
  void evaluate(std::int64_t delta_ns, VerdictTrigger trigger, const TimeChange* step);
  void standing_check();
  void publish_row(const ReportRow& row, VerdictTrigger trigger, const TimeChange* step,
                   std::optional<std::int64_t> jump_delta_ns);
  void maybe_run_hook(const ReportRow& row, std::int64_t delta_ns);
  RecheckOutcome recheck(const HookContext& context);
  void announce_watched(const std::vector<ReportRow>& rows);
  void open_timer();
  void start_hook_runner();
  void log_hook_reports();

  PluginConfig config_;
  JsonLineSink& json_;
  std::optional<AddressMonitor> monitor_;
  int timer_fd_ = -1;
  std::optional<HookRunner> hooks_;
  std::map<std::string, ClientState> last_clients_;
  std::map<std::string, Verdict> standing_;  // "interface address" -> danger found by the standing check
  std::map<std::string, std::string> watched_;  // "interface address" -> client, liveness and lease file
  RepeatLimiter step_limiter_{std::chrono::seconds(10)};
  RepeatLimiter standing_limiter_{std::chrono::seconds(600)};
};

}  // namespace timeguard
