#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>

#include "lease_dhclient.hpp"
#include "lease_fixture.hpp"

using timeguard::parse_dhclient_leases;

namespace {

// 2026-12-04 19:00:00 UTC, between the two eth0 leases of the RHEL fixture.
constexpr std::int64_t kNow = 1796410800;

}  // namespace

TEST_CASE("dhclient leases: last block is current", "[leases][dhclient]") {
  auto contents = parse_dhclient_leases(read_lease_fixture("dhclient-rhel-eth0.lease"), "eth0", kNow);
  REQUIRE(contents.ok());
  REQUIRE(contents->current.size() == 1);
  const auto& lease = contents->current.front();
  CHECK(lease.address == "10.20.0.57");
  CHECK(lease.interface == "eth0");
  CHECK(lease.family == AF_INET);
  CHECK(lease.renew == 1796411111);
  CHECK(lease.rebind == 1796448011);
  CHECK(lease.expire == 1796458811);
  CHECK_FALSE(lease.released);
  CHECK_FALSE(lease.starts.has_value());
  CHECK(contents->fallbacks.empty());  // the older lease expired at 08:40:02
}

TEST_CASE("dhclient leases: unexpired older address is fallback", "[leases][dhclient]") {
  constexpr std::int64_t before_first_expiry = 1796287202 - 60;
  auto contents =
      parse_dhclient_leases(read_lease_fixture("dhclient-rhel-eth0.lease"), "eth0", before_first_expiry);
  REQUIRE(contents.ok());
  REQUIRE(contents->fallbacks.size() == 1);
  CHECK(contents->fallbacks.front().address == "10.20.0.41");
  CHECK(contents->fallbacks.front().expire == 1796287202);
}

TEST_CASE("dhclient leases: epoch format", "[leases][dhclient]") {
  auto contents = parse_dhclient_leases(read_lease_fixture("dhclient-debian-epoch.leases"), "ens3", kNow);
  REQUIRE(contents.ok());
  REQUIRE(contents->current.size() == 1);
  CHECK(contents->current.front().renew == 1796407200);
  CHECK(contents->current.front().rebind == 1796408775);
  CHECK(contents->current.front().expire == 1796409225);
}

TEST_CASE("dhclient leases: never means infinite", "[leases][dhclient]") {
  auto contents = parse_dhclient_leases(read_lease_fixture("dhclient-infinite.leases"), "eth1", kNow);
  REQUIRE(contents.ok());
  const auto& lease = contents->current.front();
  CHECK(lease.address == "172.16.5.9");
  CHECK_FALSE(lease.renew.has_value());
  CHECK_FALSE(lease.rebind.has_value());
  CHECK_FALSE(lease.expire.has_value());
  CHECK_FALSE(lease.released);
}

TEST_CASE("dhclient leases: release record", "[leases][dhclient]") {
  auto contents = parse_dhclient_leases(read_lease_fixture("dhclient-released.leases"), "eth0", kNow);
  REQUIRE(contents.ok());
  CHECK(contents->current.front().released);
  CHECK(contents->current.front().expire == 1796120400);
  CHECK(contents->fallbacks.empty());  // same address as the current lease
}

TEST_CASE("dhclient leases: DHCPv6 absolute times", "[leases][dhclient]") {
  auto contents = parse_dhclient_leases(read_lease_fixture("dhclient6-eth0.leases"), "eth0", kNow);
  REQUIRE(contents.ok());
  REQUIRE(contents->current.size() == 1);
  const auto& lease = contents->current.front();
  CHECK(lease.family == AF_INET6);
  CHECK(lease.address == "2001:db8:40::1c2");
  CHECK(lease.starts == 1796400000);
  CHECK(lease.renew == 1796400000 + 1800);
  CHECK(lease.rebind == 1796400000 + 2880);
  CHECK(lease.expire == 1796400000 + 7200);
}

TEST_CASE("dhclient leases: interface filter and families", "[leases][dhclient]") {
  auto contents = parse_dhclient_leases(read_lease_fixture("dhclient-mixed.leases"), "eth0", kNow);
  REQUIRE(contents.ok());
  REQUIRE(contents->current.size() == 2);
  CHECK(contents->current[0].address == "10.1.0.5");
  CHECK(contents->current[0].expire == 1796421600);
  CHECK(contents->current[1].address == "2001:db8::5");
  CHECK(contents->current[1].released);
  CHECK_FALSE(contents->current[1].expire.has_value());
  CHECK_FALSE(contents->current[1].renew.has_value());

  auto other = parse_dhclient_leases(read_lease_fixture("dhclient-mixed.leases"), "eth1", kNow);
  REQUIRE(other.ok());
  REQUIRE(other->current.size() == 1);
  CHECK(other->current[0].address == "10.2.0.9");
}

TEST_CASE("dhclient leases: accepted inputs", "[leases][dhclient]") {
  struct Case {
    const char* text;
    std::int64_t expire;
  };
  const Case cases[] = {
      {"lease{interface \"e\";fixed-address 10.0.0.1;expire 0 1970/01/01 00:01:40;}", 100},
      {"# comment only line\nlease {\n interface \"e\"; # trailing\n fixed-address 10.0.0.1;\n"
       " expire epoch 5; # Thu Jan 01 00:00:05 1970\n}\n", 5},
      {"lease { interface \"e\"; bootp; fixed-address 10.0.0.1; filename \"a;b}\";"
       " expire 6 2000/02/29 23:59:60; }", 951868800},
      {"lease { interface \"\\145\"; fixed-address 10.0.0.1; expire epoch 7; }", 7},
      {"server-duid 1:2:3;\nlease { interface \"e\"; fixed-address 10.0.0.1;"
       " option x { nested }; expire epoch 8; }", 8},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto contents = parse_dhclient_leases(c.text, "e", 0);
    REQUIRE(contents.ok());
    CHECK(contents->current.front().expire == c.expire);
  }
}

TEST_CASE("dhclient leases: rejected inputs", "[leases][dhclient]") {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "no lease block for interface e"},
      {"lease { interface \"other\"; fixed-address 10.0.0.1; }", "no lease block for interface e"},
      {"lease { interface \"e;\n", "line 1: unterminated quoted string"},
      {"lease {\n interface \"e\";\n fixed-address 10.0.0.1;\n",
       "line 1: lease block not closed before end of file"},
      {"lease { interface \"e\"; }", "line 1: lease block has no fixed-address"},
      {"lease { fixed-address 10.0.0.300; }", "line 1: invalid fixed-address \"10.0.0.300\""},
      {"lease { fixed-address 10.0.0.1 10.0.0.2; }", "line 1: fixed-address expects one value, got 2"},
      {"lease {\n fixed-address 10.0.0.1;\n expire 3 2026/13/01 00:00:00;\n}",
       "line 3: invalid expire time \"3 2026/13/01 00:00:00\": field \"13\" outside 1..12"},
      {"lease { fixed-address 10.0.0.1; renew 7 2026/12/01 00:00:00; }",
       "line 1: invalid renew time \"7 2026/12/01 00:00:00\": invalid weekday: field \"7\" outside 0..6"},
      {"lease { fixed-address 10.0.0.1; rebind 2026/12/01 00:00:00; }",
       "line 1: invalid rebind time \"2026/12/01 00:00:00\": expected \"W YYYY/MM/DD HH:MM:SS\","
       " \"epoch N\" or \"never\""},
      {"lease { fixed-address 10.0.0.1; expire 1 2026-12-01 00:00:00; }",
       "line 1: invalid expire time \"1 2026-12-01 00:00:00\": expected YYYY/MM/DD HH:MM:SS"},
      {"lease { fixed-address 10.0.0.1; expire epoch -5; }",
       "line 1: invalid expire time \"epoch -5\": invalid epoch seconds \"-5\""},
      {"lease { fixed-address 10.0.0.1; expire 1 2026/12/01 24:00:00; }",
       "line 1: invalid expire time \"1 2026/12/01 24:00:00\": field \"24\" outside 0..23"},
      {"lease { fixed-address 10.0.0.1; expire epoch 5 }",
       "line 1: unexpected '}' in expire statement"},
      {"}\n", "line 1: unexpected '}' outside a block"},
      {"lease6 {\n interface \"e\";\n ia-na 1:2:3:4 {\n  starts x;\n }\n}",
       "line 4: starts: invalid number \"x\""},
      {"lease6 { interface \"e\"; ia-na 1:2:3:4 { iaaddr 10.0.0.1 { } } }",
       "line 1: iaaddr needs an IPv6 address"},
      {"lease { fixed-address 10.0.0.1; expire epoch 253402300800; }",
       "line 1: invalid expire time \"epoch 253402300800\": invalid epoch seconds \"253402300800\""},
      {"lease6 {\n interface \"e\";\n ia-na 1:2:3:4 {\n  starts 253402300800;\n }\n}",
       "line 4: starts 253402300800 is after year 9999"},
      {"lease6 { interface \"e\"; ia-na 1:2:3:4 { renew 99999999999999999999; } }",
       "line 1: renew: number out of range: \"99999999999999999999\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto contents = parse_dhclient_leases(c.text, "e", 0);
    REQUIRE_FALSE(contents.ok());
    CHECK(contents.error().reason == c.reason);
  }
}
