#include "dhcp_lease.hpp"

#include <array>
#include <utility>

namespace timeguard {

namespace {

constexpr std::array<std::pair<DhcpClient, std::string_view>, 8> kClientNames{{
    {DhcpClient::dhclient, "dhclient"},
    {DhcpClient::networkd, "networkd"},
    {DhcpClient::networkmanager, "networkmanager"},
    {DhcpClient::dhcpcd, "dhcpcd"},
    {DhcpClient::wicked, "wicked"},
    {DhcpClient::udhcpc, "udhcpc"},
    {DhcpClient::unknown, "unknown"},
    {DhcpClient::none, "none"},
}};

constexpr std::array<std::pair<ClientClock, std::string_view>, 3> kClockNames{{
    {ClientClock::realtime, "realtime"},
    {ClientClock::boottime, "boottime"},
    {ClientClock::monotonic, "monotonic"},
}};

}  // namespace

std::string_view to_string(DhcpClient client) {
  for (const auto& [value, name] : kClientNames) {
    if (value == client) {
      return name;
    }
  }
  return "unknown";
}

std::string_view to_string(ClientClock clock) {
  for (const auto& [value, name] : kClockNames) {
    if (value == clock) {
      return name;
    }
  }
  return "realtime";
}

std::optional<DhcpClient> parse_dhcp_client(std::string_view name) {
  for (const auto& [value, known] : kClientNames) {
    if (known == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<ClientClock> parse_client_clock(std::string_view name) {
  for (const auto& [value, known] : kClockNames) {
    if (known == name) {
      return value;
    }
  }
  return std::nullopt;
}

// Sources, read for each client:
// - ISC dhclient 4.4: cur_time comes from time(), and renew/rebind/expire are absolute
//   wall-clock instants compared against it, so a step moves every deadline.
// - systemd-networkd (sd-dhcp-client): timers are armed with clock_boottime_or_monotonic().
// - NetworkManager internal client (n-dhcp4): timeouts are read from CLOCK_BOOTTIME.
// - dhcpcd 9: its event loop measures timeouts with CLOCK_MONOTONIC.
// - wicked: lease times are kept as ni_timer values and converted to wall time only when written.
// - udhcpc (busybox): deadlines use monotonic_sec(), which reads CLOCK_MONOTONIC.
// NOTE: the wicked entry is read from how it stores timestamps, not from its timer source.
ClientClock default_clock(DhcpClient client) {
  switch (client) {
    case DhcpClient::networkd:
    case DhcpClient::networkmanager:
      return ClientClock::boottime;
    case DhcpClient::dhcpcd:
    case DhcpClient::wicked:
    case DhcpClient::udhcpc:
      return ClientClock::monotonic;
    case DhcpClient::dhclient:
    case DhcpClient::unknown:
    case DhcpClient::none:
      return ClientClock::realtime;
  }
  return ClientClock::realtime;
}

}  // namespace timeguard
