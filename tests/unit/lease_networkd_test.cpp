#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>

#include "lease_fixture.hpp"
#include "lease_networkd.hpp"
#include "lease_networkmanager.hpp"
#include "lease_syntax.hpp"

using timeguard::DhcpClient;
using timeguard::parse_networkd_lease;
using timeguard::parse_networkmanager_lease;

namespace {

constexpr std::int64_t kMtime = 1796400000;

}  // namespace

TEST_CASE("networkd lease: seconds form", "[leases][networkd]") {
  auto contents = parse_networkd_lease(read_lease_fixture("networkd-2.lease"), "ens3", kMtime);
  REQUIRE(contents.ok());
  REQUIRE(contents->current.size() == 1);
  const auto& lease = contents->current.front();
  CHECK(lease.client == DhcpClient::networkd);
  CHECK(lease.interface == "ens3");
  CHECK(lease.family == AF_INET);
  CHECK(lease.address == "10.0.2.15");
  CHECK(lease.starts == kMtime);
  CHECK(lease.renew == kMtime + 43200);
  CHECK(lease.rebind == kMtime + 75600);
  CHECK(lease.expire == kMtime + 86400);
  CHECK(lease.schedule_known);
}

TEST_CASE("networkd lease: time span form", "[leases][networkd]") {
  auto contents = parse_networkd_lease(read_lease_fixture("networkd-3.lease"), "eth0", kMtime);
  REQUIRE(contents.ok());
  const auto& lease = contents->current.front();
  CHECK(lease.renew == kMtime + 1800);
  CHECK(lease.rebind == kMtime + 3150);
  CHECK(lease.expire == kMtime + 3600);
}

TEST_CASE("networkd lease: JSON form", "[leases][networkd]") {
  auto contents = parse_networkd_lease(read_lease_fixture("networkd-4.json"), "eth0", 0);
  REQUIRE(contents.ok());
  const auto& lease = contents->current.front();
  constexpr std::int64_t acquired = 1796407200;  // Timestamp_realtime, not the mtime
  CHECK(lease.address == "172.31.7.201");
  CHECK(lease.starts == acquired);
  CHECK(lease.renew == acquired + 1800);
  CHECK(lease.rebind == acquired + 3150);
  CHECK(lease.expire == acquired + 3600);
}

TEST_CASE("networkd lease: accepted inputs", "[leases][networkd]") {
  struct Case {
    const char* text;
    std::optional<std::int64_t> renew;
    std::optional<std::int64_t> rebind;
    std::optional<std::int64_t> expire;
    bool schedule_known;
  };
  const Case cases[] = {
      {"ADDRESS=10.0.0.1\nLIFETIME=1000\n", 500, 875, 1000, true},
      {"ADDRESS=10.0.0.1\nLIFETIME=4294967295\n", {}, {}, {}, true},
      {"ADDRESS=10.0.0.1\nLIFETIME=infinity\nT1=infinity\n", {}, {}, {}, true},
      {"ADDRESS=10.0.0.1\n", {}, {}, {}, false},
      {"\n# comment\nADDRESS=10.0.0.1\r\nLIFETIME=1d 2h\n", 46800, 81900, 93600, true},
      {"ADDRESS=10.0.0.1\nLIFETIME=2min 500ms\nUNKNOWN=x\n", 60, 105, 120, true},
      {"{\"Address\":[10,0,0,1],\"Lifetime\":\"1h\",\"T1\":100,\"T2\":\"200s\"}", 100, 200, 3600, true},
      {"{\"Address\":\"10.0.0.1\",\"Lifetime\":\"infinity\"}", {}, {}, {}, true},
      {"{\"AddressString\":\"10.0.0.1\",\"Timestamp_realtime\":\"Fri 2026-12-04 18:00:00 CET\","
       "\"Lifetime\":\"10s\"}", 5, 8, 10, true},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto contents = parse_networkd_lease(c.text, "e", 0);
    REQUIRE(contents.ok());
    const auto& lease = contents->current.front();
    CHECK(lease.address == "10.0.0.1");
    CHECK(lease.renew == c.renew);
    CHECK(lease.rebind == c.rebind);
    CHECK(lease.expire == c.expire);
    CHECK(lease.schedule_known == c.schedule_known);
  }
}

TEST_CASE("networkd lease: rejected inputs", "[leases][networkd]") {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "lease has no address (ADDRESS= or \"Address\" missing)"},
      {"LIFETIME=10\n", "lease has no address (ADDRESS= or \"Address\" missing)"},
      {"ADDRESS=10.0.0.1\nbroken line\n", "line 2: expected KEY=VALUE, got \"broken line\""},
      {"ADDRESS=10.0.0.256\n", "invalid address \"10.0.0.256\""},
      {"ADDRESS=fe80::1\n", "invalid address \"fe80::1\""},
      {"ADDRESS=10.0.0.1\nLIFETIME=\n", "invalid LIFETIME: empty time span"},
      {"ADDRESS=10.0.0.1\nLIFETIME=-5\n", "invalid LIFETIME: invalid time span \"-5\": expected a number"},
      {"ADDRESS=10.0.0.1\nT1=5 parsecs\n", "invalid T1: invalid time span \"5 parsecs\": unknown unit"},
      {"ADDRESS=10.0.0.1\nT2=99999999999999999999s\n",
       "invalid T2: invalid time span \"99999999999999999999s\": expected a number"},
      {"ADDRESS=10.0.0.1\nLIFETIME=999999999999y\n",
       "invalid LIFETIME: time span out of range: \"999999999999y\""},
      {"{\"Address\":[10,0,0]}", "invalid address \"(not four bytes)\""},
      {"{\"Address\":[10,0,0,256]}", "invalid address \"(byte out of range)\""},
      {"{\"Address\":[10,0,0,1],\"Lifetime\":true}", "invalid Lifetime: expected a string or number"},
      {"{\"Address\":[10,0,0,1],", "invalid JSON lease"},
      {"{}", "lease has no address (ADDRESS= or \"Address\" missing)"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto contents = parse_networkd_lease(c.text, "e", 0);
    REQUIRE_FALSE(contents.ok());
    CHECK(contents.error().reason == c.reason);
  }
}

TEST_CASE("networkmanager lease: address only", "[leases][networkmanager]") {
  auto contents = parse_networkmanager_lease(read_lease_fixture("networkmanager-internal.lease"), "wlp2s0", kMtime);
  REQUIRE(contents.ok());
  const auto& lease = contents->current.front();
  CHECK(lease.client == DhcpClient::networkmanager);
  CHECK(lease.address == "192.168.1.77");
  CHECK(lease.interface == "wlp2s0");
  CHECK_FALSE(lease.schedule_known);
  CHECK_FALSE(lease.expire.has_value());

  auto rejected = parse_networkmanager_lease("# only a comment\n", "wlp2s0", kMtime);
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().reason == "lease has no address (ADDRESS= or \"Address\" missing)");
}

TEST_CASE("lease syntax: time spans", "[leases][syntax]") {
  using timeguard::parse_timespan_seconds;
  CHECK(*parse_timespan_seconds("3600") == 3600);
  CHECK(*parse_timespan_seconds("1h 30min") == 5400);
  CHECK(*parse_timespan_seconds("1h30min") == 5400);
  CHECK(*parse_timespan_seconds("2w") == 1209600);
  CHECK(*parse_timespan_seconds("1M") == 2629800);
  CHECK(*parse_timespan_seconds("1y") == 31557600);
  CHECK(*parse_timespan_seconds("1s 999ms") == 1);
  CHECK(*parse_timespan_seconds(" 5 min ") == 300);
  CHECK(parse_timespan_seconds("h").error().reason == "invalid time span \"h\": expected a number");
  CHECK(parse_timespan_seconds("5x").error().reason == "invalid time span \"5x\": unknown unit");
  CHECK(parse_timespan_seconds("5hours3").error().reason == "invalid time span \"5hours3\": unknown unit");
}
