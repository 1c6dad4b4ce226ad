#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>

#include "lease_fixture.hpp"
#include "lease_wicked.hpp"

using timeguard::DhcpClient;
using timeguard::parse_wicked_lease;

TEST_CASE("wicked lease: fixture file", "[leases][wicked]") {
  auto contents = parse_wicked_lease(read_lease_fixture("wicked-eth0.xml"), "eth0");
  REQUIRE(contents.ok());
  const auto& lease = contents->current.front();
  constexpr std::int64_t acquired = 1796407200;
  CHECK(lease.client == DhcpClient::wicked);
  CHECK(lease.family == AF_INET);
  CHECK(lease.interface == "eth0");
  CHECK(lease.address == "10.160.4.31");
  CHECK(lease.starts == acquired);
  CHECK(lease.renew == acquired + 3600);
  CHECK(lease.rebind == acquired + 6300);
  CHECK(lease.expire == acquired + 7200);
}

TEST_CASE("wicked lease: accepted inputs", "[leases][wicked]") {
  struct Case {
    const char* text;
    std::optional<std::int64_t> renew;
    std::optional<std::int64_t> expire;
  };
  const Case cases[] = {
      {"<lease><acquired>100</acquired><ipv4:dhcp><lease-time>1000</lease-time>"
       "<address>10.0.0.1</address></ipv4:dhcp></lease>", 600, 1100},
      {"<?xml version=\"1.0\"?>\n<lease>\n <acquired>100.250000</acquired>\n <ipv4:dhcp>\n"
       "  <address> 10.0.0.1 </address>\n </ipv4:dhcp>\n</lease>\n", {}, {}},
      {"<lease><family>ipv4</family><type>dhcp</type><acquired>0</acquired><ipv4:dhcp>"
       "<addresses/><lease-time>4294967295</lease-time><address>10.0.0.1</address>"
       "</ipv4:dhcp></lease>", {}, {}},
      {"<lease><acquired>10</acquired><address>10.0.0.1</address><lease-time>20</lease-time>"
       "<renewal-time>5</renewal-time></lease>", 15, 30},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto contents = parse_wicked_lease(c.text, "e");
    REQUIRE(contents.ok());
    const auto& lease = contents->current.front();
    CHECK(lease.address == "10.0.0.1");
    CHECK(lease.renew == c.renew);
    CHECK(lease.expire == c.expire);
  }
}

TEST_CASE("wicked lease: rejected inputs", "[leases][wicked]") {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "no <lease> element"},
      {"<lease><acquired>1</acquired>", "no <lease> element"},
      {"<lease><family>ipv6</family></lease>", "lease family is \"ipv6\", expected ipv4"},
      {"<lease><type>static</type></lease>", "lease type is \"static\", expected dhcp"},
      {"<lease><ipv4:dhcp><address>10.0.0.1</address></ipv4:dhcp></lease>",
       "lease has no <acquired> element"},
      {"<lease><acquired>soon</acquired></lease>", "invalid <acquired> \"soon\""},
      {"<lease><acquired>9223372036854775807</acquired></lease>",
       "invalid <acquired> \"9223372036854775807\""},
      {"<lease><acquired>1</acquired><ipv4:dhcp></ipv4:dhcp></lease>",
       "lease has no <address> element"},
      {"<lease><acquired>1</acquired><ipv4:dhcp><address>10.0.0</address></ipv4:dhcp></lease>",
       "invalid <address> \"10.0.0\""},
      {"<lease><acquired>1</acquired><ipv4:dhcp><address>10.0.0.1</address>"
       "<lease-time>-1</lease-time></ipv4:dhcp></lease>",
       "invalid <lease-time>: invalid number \"-1\""},
      {"<lease><acquired>1</acquired><ipv4:dhcp><address>10.0.0.1</address>"
       "<rebind-time>1h</rebind-time></ipv4:dhcp></lease>",
       "invalid <rebind-time>: invalid number \"1h\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto contents = parse_wicked_lease(c.text, "e");
    REQUIRE_FALSE(contents.ok());
    CHECK(contents.error().reason == c.reason);
  }
}
