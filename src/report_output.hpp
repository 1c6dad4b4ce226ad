#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "interface_report.hpp"

namespace timeguard {

// Formats Unix seconds as "2024-05-01 12:00:45 UTC".
std::string format_utc(std::int64_t unix_s);

// Converts one evaluated row to a JSON object. Keys: interface, address, family ("ipv4" or
// "ipv6"), prefix_length, dynamic, client, client_clock, client_alive, client_pid, lease_file,
// lease_problem, renew, rebind, expire (Unix s), valid_lft_s, preferred_lft_s, verdict,
// reason, seconds_to_loss, seconds_to_renewal, step_delta_ns, now. Absent values are null:
// "never" for renew/rebind/expire and the seconds_to_* fields, "forever" for the lifetimes.
nlohmann::json row_to_json(const ReportRow& row);

// Converts evaluated rows to a JSON array, one object per row.
nlohmann::json rows_to_json(const std::vector<ReportRow>& rows);

// Formats evaluated rows for a terminal: one block per address with the client, the lease
// schedule (UTC, and real seconds until the client acts after the step), the kernel
// lifetimes and the verdict.
std::string format_rows_text(const std::vector<ReportRow>& rows);

}  // namespace timeguard
