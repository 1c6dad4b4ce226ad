#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <poll.h>
#include <vector>

#include "clock_jump_watcher.hpp"
#include "json_line_sink.hpp"
#include "jump_correlator.hpp"
#include "network_watch.hpp"
#include "plugin_config.hpp"
#include "time_change.hpp"

namespace timeguard {

// Counts of what was reported, for the summary logged at shutdown.
struct ReportCounts {
  std::uint64_t steps = 0;
  std::uint64_t adjustments = 0;
  std::uint64_t reads = 0;
  std::uint64_t denied = 0;
  std::uint64_t unexplained_jumps = 0;
};

// Reports classified clock changes. It adds the process context from /proc and logs one line
// per step or denied attempt (adjustments at debug, reads only counted). It writes every event
// to the JSON stream, holds steps against the leases and reports wall-clock jumps that no audit
// record explains. It runs on the reporter thread, so slow /proc reads never stall the intake.
class Reporter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Reporter(const PluginConfig& config);

  // Opens the JSON stream, the clock jump watcher and the network watch.
  Status start();
  void reconfigure(const PluginConfig& config);
  void report(TimeChange change);
  void log_summary() const;

  // Event-loop plumbing: descriptors to poll, the latest time to wake, and the handler.
  void append_poll_fds(std::vector<pollfd>& fds) const;
  std::optional<Clock::time_point> next_deadline() const;
  void handle_poll(const std::vector<pollfd>& fds);

 private:
  void log_change(const TimeChange& change);
  void open_jump_watcher();
  void report_unexplained_jump(const ClockJump& jump);

  PluginConfig config_;
  JsonLineSink json_;
  NetworkWatch network_;
  std::optional<ClockJumpWatcher> jump_watcher_;
  JumpCorrelator correlator_;
  ReportCounts counts_;
};

}  // namespace timeguard
