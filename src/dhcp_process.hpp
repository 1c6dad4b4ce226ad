#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dhcp_lease.hpp"

namespace timeguard {

// A running DHCP client process found in the process table.
struct DhcpProcess {
  pid_t pid = 0;
  DhcpClient client = DhcpClient::unknown;
  std::string comm;                 // /proc/PID/comm, at most 15 characters
  std::vector<std::string> argv;    // /proc/PID/cmdline split at NUL bytes
};

// The options of a dhclient command line. Interface names are the non-option arguments, and an
// empty list means dhclient configures every broadcast-capable interface.
struct DhclientArguments {
  std::string lease_file;           // -lf
  std::string pid_file;             // -pf
  bool ipv6 = false;                // -6 (dhclient defaults to -4)
  std::vector<std::string> interfaces;
};

// Maps a process name (comm or executable base name) to the DHCP client it is, if any. comm is
// cut to 15 characters, so systemd-networkd shows up as "systemd-network".
std::optional<DhcpClient> client_for_process_name(std::string_view name);

// Splits /proc/PID/cmdline (NUL-separated, usually NUL-terminated) into arguments.
std::vector<std::string> split_cmdline(std::string_view cmdline);

// Reads the options of ISC dhclient 4.4 (client/dhclient.c main) from argv, argv[0] included.
DhclientArguments parse_dhclient_arguments(const std::vector<std::string>& argv);

// Returns the interface arguments of dhcpcd or udhcpc: dhcpcd takes them as non-option
// arguments, udhcpc as -i IF / --interface=IF. Empty means "all interfaces" for dhcpcd.
std::vector<std::string> client_interface_arguments(DhcpClient client, const std::vector<std::string>& argv);

// Lists the DHCP client processes under `proc_root` (normally /proc). Processes that exit
// during the scan, or whose files cannot be read, are left out.
std::vector<DhcpProcess> scan_dhcp_processes(const std::string& proc_root);

// Returns true when `proc_root`/PID exists and its comm is a process of `client`, so a stale
// pid file that now names another program is not taken as a live DHCP client.
bool process_is_client(const std::string& proc_root, pid_t pid, DhcpClient client);

}  // namespace timeguard
