#pragma once

#include <cstdint>
#include <string_view>

#include "dhcp_lease.hpp"
#include "result.hpp"

namespace timeguard {

// Parses a systemd-networkd DHCPv4 lease, /run/systemd/netif/leases/IFINDEX. Two forms exist:
//
//   # This is private data. Do not parse.        (KEY=VALUE form, older systemd)
//   ADDRESS=192.0.2.10
//   T1=1800                                      (seconds, or a time span such as "30min")
//   T2=3150
//   LIFETIME=3600
//
//   {"Address":[192,0,2,10],"AddressString":"192.0.2.10","T1":"30min","T2":"52min 30s",
//    "Lifetime":"1h","Timestamp_realtime":"Fri 2026-12-04 18:00:00.000000 UTC", ...}
//                                                (JSON form, written by sd_json_variant_dump)
//
// The file stores durations only, so the instants are counted from the acquisition time: the
// JSON Timestamp_realtime when present, otherwise `mtime_unix_s` (networkd rewrites the file on
// every bind). Missing T1/T2 default to 0.5 and 0.875 of the lifetime (RFC 2131 section 4.4.5).
// A missing lifetime leaves the schedule unknown, and "infinity" or 0xffffffff means never.
Result<LeaseFileContents> parse_networkd_lease(std::string_view text, std::string_view interface,
                                               std::int64_t mtime_unix_s);

// Parses the KEY=VALUE form above for any client that writes it, recording `client`.
Result<LeaseFileContents> parse_key_value_lease(std::string_view text, std::string_view interface,
                                                std::int64_t mtime_unix_s, DhcpClient client);

}  // namespace timeguard
