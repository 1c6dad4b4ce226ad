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

// Timer clocks, from each client's source:
// - ISC dhclient 4.4 compares its renew/rebind/expire instants with cur_time, read from the wall
//   clock, so a step moves every deadline. Unknown clients are treated the same way, because
//   that is the case in which a step can cost the address.
// - systemd-networkd (sd-dhcp-client.c) reads and arms its timers on clock_boottime_or_monotonic().
// - NetworkManager's internal client (n-dhcp4) reads CLOCK_BOOTTIME.
// - dhcpcd's event loop (eloop.c) runs on CLOCK_MONOTONIC.
// - wicked's ni_timer_get_time() reads CLOCK_BOOTTIME in current releases. Older releases used
//   gettimeofday(), which is the wall clock.
// - udhcpc (busybox) takes its deadlines from monotonic_sec().
// NOTE: the udhcpc entry was not checked against the busybox source.
ClientClock default_clock(DhcpClient client) {
  switch (client) {
    case DhcpClient::networkd:
    case DhcpClient::networkmanager:
    case DhcpClient::wicked:
      return ClientClock::boottime;
    case DhcpClient::dhcpcd:
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
