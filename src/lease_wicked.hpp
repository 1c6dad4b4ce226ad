#pragma once

#include <string_view>

#include "dhcp_lease.hpp"
#include "result.hpp"

namespace timeguard {

// Parses a wicked DHCPv4 lease, /var/lib/wicked/lease-IF-dhcp-ipv4.xml. wicked writes the lease
// head (family, type, acquired in Unix seconds) and a DHCP child element with durations in
// seconds, as src/leasefile.c and src/dhcp4/lease.c in wicked write them:
//
//   <lease>
//     <family>ipv4</family>
//     <type>dhcp</type>
//     <state>granted</state>
//     <acquired>1796407200</acquired>
//     <ipv4:dhcp>
//       <lease-time>3600</lease-time>
//       <renewal-time>1800</renewal-time>
//       <rebind-time>3150</rebind-time>
//       <address>192.0.2.10</address>
//     </ipv4:dhcp>
//   </lease>
//
// This is a tolerant element reader for that shape, not a general XML parser: it ignores
// attributes, comments and unknown elements, and rejects the file when <lease>, <acquired> or
// <address> is missing. wicked omits a zero lease-time, which this reads as an infinite lease.
// Missing renewal and rebind times default to 0.5 and 0.875 of the lease time.
Result<LeaseFileContents> parse_wicked_lease(std::string_view text, std::string_view interface);

}  // namespace timeguard
