#include "reporter.hpp"

#include <cstdlib>
#include <spdlog/spdlog.h>

#include "process_context.hpp"
#include "time_change_format.hpp"
#include "time_change_json.hpp"

namespace timeguard {

Reporter::Reporter(const PluginConfig& config) : config_(config) {}

Status Reporter::open_outputs() { return json_.open(config_.json_file); }

void Reporter::reconfigure(const PluginConfig& config) {
  const bool json_moved = config.json_file != config_.json_file;
  config_ = config;
  spdlog::default_logger()->set_level(config.log_level);

  // The same path is reopened as well, so that SIGHUP after log rotation starts a new file.
  Status reopened = json_moved ? json_.open(config.json_file) : json_.reopen();
  if (!reopened) spdlog::error("{}; JSON events are not written until the next reload", reopened.error().reason);
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

void Reporter::write_json(const TimeChange& change) {
  Status written = json_.write_line(to_json_line(change));
  if (written) return;
  // One message per 1000 failures: a full disk would otherwise flood syslog.
  if (counts_.json_errors++ % 1000 == 0) {
    spdlog::error("{} (failure {} of this kind)", written.error().reason, counts_.json_errors);
  }
}

void Reporter::report(TimeChange change) {
  add_process_context(change.process);
  switch (change.kind) {
    case ChangeKind::step: ++counts_.steps; break;
    case ChangeKind::adjust: ++counts_.adjustments; break;
    case ChangeKind::read: ++counts_.reads; break;
    case ChangeKind::denied: ++counts_.denied; break;
  }
  log_change(change);
  write_json(change);
}

void Reporter::log_summary() const {
  spdlog::info("reported {} steps, {} NTP adjustments, {} denied attempts, {} read-only calls",
               counts_.steps, counts_.adjustments, counts_.denied, counts_.reads);
}

}  // namespace timeguard
