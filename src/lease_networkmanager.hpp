#pragma once

#include <cstdint>
#include <string_view>

#include "dhcp_lease.hpp"
#include "result.hpp"

namespace timeguard {

// Parses a lease of NetworkManager's internal DHCP client,
// /var/lib/NetworkManager/internal-CONNECTION_UUID-IF.lease. It uses the systemd KEY=VALUE form:
//
//   # This is private data. Do not parse.
//   ADDRESS=192.0.2.10
//
// NetworkManager stores the address only, to request it again after a restart, so the lease
// usually comes back with schedule_known = false. T1/T2/LIFETIME are read when present and then
// counted from `mtime_unix_s`.
Result<LeaseFileContents> parse_networkmanager_lease(std::string_view text, std::string_view interface,
                                                     std::int64_t mtime_unix_s);

}  // namespace timeguard
