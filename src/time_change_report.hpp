#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit_intake.hpp"
#include "result.hpp"
#include "time_change.hpp"

namespace timeguard {

// Adjustments and read-only calls of one executable; chronyd and ntpd make thousands, so they
// are counted rather than listed.
struct ProcessCounts {
  std::uint64_t adjustments = 0;
  std::uint64_t reads = 0;
};

// The wall-clock changes found in a set of saved audit logs.
struct TimeChangeReport {
  std::vector<std::string> files;
  IntakeStats intake;
  std::uint64_t unclassified_events = 0;
  std::vector<std::string> problems;           // first few malformed lines and classification errors
  std::vector<TimeChange> steps;               // in file order
  std::vector<TimeChange> denied;
  std::map<std::string, ProcessCounts> by_exe;  // exe path, or comm when the exe is unknown
};

// Reads audit logs as auditd writes them (raw or enriched; "-" for stdin) and classifies every
// clock event. Fails only when a file cannot be read; bad lines are counted in the report.
Result<TimeChangeReport> read_audit_logs(const std::vector<std::string>& paths);

// Adds one classified change to the report.
void add_to_report(TimeChangeReport& report, TimeChange change);

std::string render_report_text(const TimeChangeReport& report);
nlohmann::json render_report_json(const TimeChangeReport& report);

}  // namespace timeguard
