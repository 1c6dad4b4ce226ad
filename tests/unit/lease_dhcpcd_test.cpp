#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>

#include "lease_dhcpcd.hpp"
#include "lease_fixture.hpp"

using timeguard::DhcpClient;
using timeguard::parse_dhcpcd_lease;

namespace {

constexpr std::int64_t kMtime = 1796400000;

// Builds a BOOTREPLY with yiaddr 10.9.8.7, the magic cookie and `options` (the caller adds 255).
std::string dhcp_message(std::initializer_list<int> options) {
  std::string bytes(236, '\0');
  bytes[0] = 2;
  bytes[1] = 1;
  bytes[2] = 6;
  bytes[16] = 10;
  bytes[17] = 9;
  bytes[18] = 8;
  bytes[19] = 7;
  for (int value : {99, 130, 83, 99}) {
    bytes.push_back(static_cast<char>(value));
  }
  for (int value : options) {
    bytes.push_back(static_cast<char>(value));
  }
  return bytes;
}

}  // namespace

TEST_CASE("dhcpcd lease: fixture message", "[leases][dhcpcd]") {
  std::string bytes = read_lease_fixture("dhcpcd-eth0.lease");
  REQUIRE(bytes.size() == 282);
  auto contents = parse_dhcpcd_lease(bytes, "eth0", kMtime);
  REQUIRE(contents.ok());
  const auto& lease = contents->current.front();
  CHECK(lease.client == DhcpClient::dhcpcd);
  CHECK(lease.family == AF_INET);
  CHECK(lease.interface == "eth0");
  CHECK(lease.address == "192.168.7.42");
  CHECK(lease.starts == kMtime);
  CHECK(lease.renew == kMtime + 3600);
  CHECK(lease.rebind == kMtime + 6300);
  CHECK(lease.expire == kMtime + 7200);
}

TEST_CASE("dhcpcd lease: accepted inputs", "[leases][dhcpcd]") {
  struct Case {
    std::string bytes;
    std::optional<std::int64_t> renew;
    std::optional<std::int64_t> rebind;
    std::optional<std::int64_t> expire;
  };
  const Case cases[] = {
      {dhcp_message({51, 4, 0, 0, 3, 232, 255}), 500, 875, 1000},
      {dhcp_message({51, 4, 255, 255, 255, 255, 255}), {}, {}, {}},
      {dhcp_message({53, 1, 5, 255}), {}, {}, {}},
      {dhcp_message({0, 0, 51, 4, 0, 0, 0, 100, 58, 4, 0, 0, 0, 10}), 10, 87, 100},
      {dhcp_message({51, 4, 0, 0, 0, 100, 255, 1, 2, 3}), 50, 87, 100},
  };
  for (const Case& c : cases) {
    auto contents = parse_dhcpcd_lease(c.bytes, "e", 0);
    REQUIRE(contents.ok());
    const auto& lease = contents->current.front();
    CHECK(lease.address == "10.9.8.7");
    CHECK(lease.renew == c.renew);
    CHECK(lease.rebind == c.rebind);
    CHECK(lease.expire == c.expire);
  }
}

TEST_CASE("dhcpcd lease: rejected inputs", "[leases][dhcpcd]") {
  std::string request = dhcp_message({255});
  request[0] = 1;
  std::string no_cookie = dhcp_message({255});
  no_cookie[237] = 0;
  std::string no_address = dhcp_message({255});
  no_address[19] = 0;
  no_address[16] = 0;
  no_address[17] = 0;
  no_address[18] = 0;

  struct Case {
    std::string bytes;
    const char* reason;
  };
  const Case cases[] = {
      {"", "truncated dhcpcd lease: 0 bytes, a DHCP message needs at least 240"},
      {std::string(239, '\2'), "truncated dhcpcd lease: 239 bytes, a DHCP message needs at least 240"},
      {std::string(70000, '\2'), "dhcpcd lease too large: 70000 bytes, max 65536"},
      {request, "not a BOOTP reply: op 1, expected 2"},
      {no_cookie, "missing DHCP magic cookie at offset 236"},
      {no_address, "lease has no assigned address (yiaddr 0.0.0.0)"},
      {dhcp_message({51}), "option 51 at offset 240 has no length byte"},
      {dhcp_message({51, 4, 0, 0}), "option 51 at offset 240 is truncated: length 4, 2 bytes left"},
      {dhcp_message({51, 2, 0, 0, 255}), "option 51 has length 2, expected 4"},
      {dhcp_message({1, 4, 255, 255, 255, 0, 58, 5, 0, 0, 0, 0, 0, 255}), "option 58 has length 5, expected 4"},
  };
  for (const Case& c : cases) {
    INFO(c.reason);
    auto contents = parse_dhcpcd_lease(c.bytes, "e", 0);
    REQUIRE_FALSE(contents.ok());
    CHECK(contents.error().reason == c.reason);
  }
}
