#pragma once

#include <optional>
#include <string>

#include <spdlog/common.h>

#include "interface_report.hpp"
#include "time_change.hpp"

namespace timeguard {

// The cause of an evaluation of the addresses.
enum class VerdictTrigger {
  audit_step,   // a TIME_INJOFFSET record: the step and its process are known
  clock_jump,   // the plugin saw the wall clock jump but no audit record explains it
  standing,     // the periodic check or an address change reported by the kernel
};

std::string_view to_string(VerdictTrigger trigger);

// Syslog level for a verdict: critical when the address will be lost because of a step,
// warning for a standing danger, info for an early renewal, debug for ok.
spdlog::level::level_enum verdict_level(Verdict verdict);

// One syslog line for one address, subject first, then the verdict in words with both numbers,
// then what caused the evaluation, e.g.
//   eth0 10.0.0.5: the kernel removes this address in 178 s but dhclient will not renew for
//   3778 s; wall clock stepped back 3600.000 s by date[4242]
// `step` is the attributed step for audit_step. `jump_delta_ns` is the size for clock_jump.
std::string format_verdict_message(const ReportRow& row, VerdictTrigger trigger, const TimeChange* step,
                                   std::optional<std::int64_t> jump_delta_ns);

}  // namespace timeguard
