#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "dhcp_lease.hpp"

namespace timeguard {

// Directories that discovery reads. Tests point these at fixture trees, and production uses the
// defaults.
struct DiscoveryRoots {
  std::string proc = "/proc";  // process table, scanned for DHCP client processes
  std::string root = "/";      // prefix for lease and pid file paths (/var/lib/..., /run/...)
};

// The DHCP client found for one interface, with its lease if one could be read. lease_file and
// pid_file name the files of the chosen client. When a second dhclient runs for the other
// address family, its leases are merged into `leases`, and each DhcpLease names its own file.
struct ClientState {
  DhcpClient client = DhcpClient::none;
  ClientClock clock = ClientClock::realtime;
  bool alive = false;
  std::optional<pid_t> pid;
  std::string lease_file;                // empty when none was found
  std::string pid_file;                  // empty when none is known
  std::optional<LeaseFileContents> leases;
  std::string problem;                   // why no lease could be read; empty on success
};

// Finds the DHCP client for `interface` (kernel index `ifindex`): running processes first
// (their own -lf/-pf arguments), then each client's standard lease file locations.
ClientState discover_client(const std::string& interface, int ifindex, const DiscoveryRoots& roots);

}  // namespace timeguard
