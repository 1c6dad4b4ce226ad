#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.hpp"

// Small parsing helpers shared by the lease file readers. All take untrusted text and return a
// Result whose reason names the offending value.
namespace timeguard {

// Parses a whole decimal number and rejects signs, spaces, trailing characters and overflow.
Result<std::uint64_t> parse_unsigned(std::string_view text);

// Parses a systemd time span into whole seconds: a bare number is seconds ("3600"), otherwise a
// sequence of number+unit pairs ("1h 30min", "2d 3h", "45s", "500ms") as systemd's
// format_timespan() writes them. Sub-second parts are truncated. "infinity" is rejected here, so
// callers that accept it check for it first.
Result<std::uint64_t> parse_timespan_seconds(std::string_view text);

// Returns true when `text` is a valid dotted-quad IPv4 or textual IPv6 address for `family`.
bool is_ip_address(std::string_view text, int family);

// Splits KEY=VALUE lines as systemd writes its lease and state files, skipping blank lines and
// lines starting with '#'. Rejects any other line without '=' and reports its 1-based number.
Result<std::vector<std::pair<std::string, std::string>>> split_key_values(std::string_view text);

// Latest instant a lease file may name, 9999-12-31 23:59:59 UTC in Unix seconds. Readers reject
// later values, so adding a 32-bit lifetime to any accepted instant cannot overflow.
inline constexpr std::int64_t kMaxLeaseInstant = 253402300799;

// Removes leading and trailing spaces, tabs, CR and LF.
std::string_view trim(std::string_view text);

// Converts a UTC calendar date and time of day to Unix seconds. No range checks: callers pass
// fields they have already checked (month 1-12, day 1-31, hour 0-23, minute 0-59, second 0-60).
std::int64_t utc_to_unix_seconds(int year, unsigned month, unsigned day, unsigned hour,
                                 unsigned minute, unsigned second);

}  // namespace timeguard
