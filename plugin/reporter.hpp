#pragma once

#include <cstdint>

#include "json_line_sink.hpp"
#include "plugin_config.hpp"
#include "time_change.hpp"

namespace timeguard {

// Counts of what was reported, for the summary logged at shutdown.
struct ReportCounts {
  std::uint64_t steps = 0;
  std::uint64_t adjustments = 0;
  std::uint64_t reads = 0;
  std::uint64_t denied = 0;
  std::uint64_t json_errors = 0;
};

// Reports classified clock changes: adds the process context from /proc, logs one line per
// step or denied attempt (adjustments at debug, reads only counted) and writes every event to
// the JSON stream. Runs on the reporter thread, so slow /proc reads never stall the intake.
class Reporter {
 public:
  explicit Reporter(const PluginConfig& config);

  Status open_outputs();
  void reconfigure(const PluginConfig& config);
  void report(TimeChange change);
  void log_summary() const;

  const PluginConfig& config() const { return config_; }
  JsonLineSink& json() { return json_; }

 private:
  void log_change(const TimeChange& change);
  void write_json(const TimeChange& change);

  PluginConfig config_;
  JsonLineSink json_;
  ReportCounts counts_;
};

}  // namespace timeguard
