#pragma once

#include <cstdint>
#include <string_view>

#include "dhcp_lease.hpp"
#include "result.hpp"

namespace timeguard {

// Parses a dhcpcd IPv4 lease, DBDIR/IF.lease (DBDIR is /var/lib/dhcpcd on Debian). dhcpcd saves
// the DHCPACK it accepted as raw bytes: the 236-byte BOOTP header, the magic cookie 99.130.83.99
// and the options (RFC 2131, RFC 2132). This reads yiaddr and options 51 (lease time), 58 (T1)
// and 59 (T2). T1 and T2 default to 0.5 and 0.875 of the lease time, a missing option 51 or
// 0xffffffff means an infinite lease, and the instants are counted from `mtime_unix_s` because
// dhcpcd rewrites the file when it binds.
Result<LeaseFileContents> parse_dhcpcd_lease(std::string_view bytes, std::string_view interface,
                                             std::int64_t mtime_unix_s);

}  // namespace timeguard
