#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "time_change.hpp"

namespace timeguard {

// Builds one JSON object per event: type (step, adjust, read, denied), time (audit stamp as
// ISO 8601 UTC with milliseconds), serial, node, delta_ns (integer for steps, else null),
// adjustments ([{op, old, new, old_human, new_human}], old and new in kernel units), syscall,
// arch, success, pid, ppid, uid, auid, ses (null when unset), uid_name, auid_name, tty, comm,
// exe, proctitle, key, parent_exe, parent_cmdline, systemd_unit.
// NOTE: strings are the bytes from the records and /proc and may be invalid UTF-8, which
// nlohmann::json::dump() rejects by throwing. Dump with error_handler_t::replace, as
// to_json_line does.
nlohmann::json to_json(const TimeChange& change);

// Serializes to_json(change) on one line, with invalid UTF-8 replaced by U+FFFD.
std::string to_json_line(const TimeChange& change);

// Formats an audit stamp as ISO 8601 UTC with milliseconds: 2026-12-04T19:42:50.123Z.
std::string format_audit_time(std::int64_t sec, std::uint32_t msec);

}  // namespace timeguard
