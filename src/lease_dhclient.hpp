#pragma once

#include <cstdint>
#include <string_view>

#include "dhcp_lease.hpp"
#include "result.hpp"

namespace timeguard {

// Parses an ISC dhclient lease database (dhclient.leases, dhclient6.leases or the per-interface
// files distributions use). dhclient appends a block on every bind and rewrites the file now and
// then, so the last block for an interface and family is the current lease. A v4 block reads:
//
//   lease {
//     interface "eth0";
//     fixed-address 192.0.2.10;
//     option dhcp-lease-time 3600;
//     renew 3 2026/12/02 10:30:00;
//     rebind 3 2026/12/02 10:52:30;
//     expire 3 2026/12/02 11:00:00;
//   }
//
// Times are UTC as `W YYYY/MM/DD HH:MM:SS`, `epoch N` (db-time-format local) or `never`. A v6
// `lease6` block holds relative lifetimes, which this parser turns into absolute Unix seconds.
//
// `interface` selects the blocks to read, and an empty one reads every block. Earlier blocks of the same
// family with another address whose expiry is after `now_unix_s` (or never) become fallbacks.
// Rejects the whole file, with the line number, on a lexical or grammar error.
Result<LeaseFileContents> parse_dhclient_leases(std::string_view text, std::string_view interface,
                                                std::int64_t now_unix_s);

}  // namespace timeguard
