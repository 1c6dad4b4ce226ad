#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace timeguard {

// The DHCP client that manages an interface.
enum class DhcpClient { dhclient, networkd, networkmanager, dhcpcd, wicked, udhcpc, unknown, none };

// The clock a client's renew/rebind/expire timers run on. Only realtime timers move when the
// wall clock is stepped; boottime and monotonic timers keep their distance to the deadline.
enum class ClientClock { realtime, boottime, monotonic };

std::string_view to_string(DhcpClient client);
std::string_view to_string(ClientClock clock);
std::optional<DhcpClient> parse_dhcp_client(std::string_view name);
std::optional<ClientClock> parse_client_clock(std::string_view name);

// The clock each client is known to schedule its lease timers on.
ClientClock default_clock(DhcpClient client);

// One lease as the client recorded it. All instants are Unix seconds on the wall clock as it
// read when the client wrote them; std::nullopt for renew/rebind/expire means "never".
struct DhcpLease {
  DhcpClient client = DhcpClient::unknown;
  std::string interface;
  int family = 0;                 // AF_INET or AF_INET6
  std::string address;            // textual, without prefix length
  std::string lease_file;
  std::optional<std::int64_t> starts;  // when the lease was bound (Unix s), if known
  std::optional<std::int64_t> renew;   // T1
  std::optional<std::int64_t> rebind;  // T2
  std::optional<std::int64_t> expire;  // end of the lease
  bool released = false;          // dhclient writes renew = rebind = expire on release
  // False when the file stores no lease times at all (NetworkManager's internal client saves
  // only the address), so renew/rebind/expire being empty means "unknown", not "never".
  bool schedule_known = true;
};

// The leases of one interface in a lease file: the current lease (the last block written) and
// older, still unexpired leases for other addresses that the client may fall back to.
struct LeaseFileContents {
  std::vector<DhcpLease> current;    // one per family present (v4 and/or v6)
  std::vector<DhcpLease> fallbacks;
};

}  // namespace timeguard
