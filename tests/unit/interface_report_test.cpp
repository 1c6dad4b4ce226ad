#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include "interface_report.hpp"

using timeguard::ClientClock;
using timeguard::ClientState;
using timeguard::DhcpClient;
using timeguard::DhcpLease;
using timeguard::InterfaceReport;
using timeguard::KernelAddress;
using timeguard::LeaseFileContents;
using timeguard::Verdict;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kHour = 3'600'000'000'000;

KernelAddress kernel_address(std::string interface, int family, std::string address,
                             std::optional<std::uint32_t> valid) {
  KernelAddress out;
  out.interface = std::move(interface);
  out.ifindex = 2;
  out.family = family;
  out.address = std::move(address);
  out.prefix_length = family == AF_INET ? 24 : 64;
  out.dynamic = valid.has_value();
  out.valid_lft_s = valid;
  out.preferred_lft_s = valid;
  return out;
}

DhcpLease lease_for(int family, std::string address) {
  DhcpLease lease;
  lease.client = DhcpClient::dhclient;
  lease.interface = "eth0";
  lease.family = family;
  lease.address = std::move(address);
  lease.lease_file = "/var/lib/dhcp/dhclient.eth0.leases";
  lease.renew = kNow + 45;
  lease.rebind = kNow + 90;
  lease.expire = kNow + 105;
  return lease;
}

ClientState dhclient_with(std::vector<DhcpLease> current, bool alive = true) {
  ClientState state;
  state.client = DhcpClient::dhclient;
  state.clock = ClientClock::realtime;
  state.alive = alive;
  state.pid = 321;
  state.lease_file = "/var/lib/dhcp/dhclient.eth0.leases";
  state.leases = LeaseFileContents{std::move(current), {}};
  return state;
}

}  // namespace

TEST_CASE("interface report: join matches lease", "[report]") {
  const auto report = InterfaceReport::join({kernel_address("eth0", AF_INET, "10.77.41.120", 105)},
                                            {{"eth0", dhclient_with({lease_for(AF_INET, "10.77.41.120")})}}, {});
  REQUIRE(report.rows().size() == 1);
  const auto& row = report.rows()[0];
  CHECK(row.client == DhcpClient::dhclient);
  CHECK(row.client_alive);
  CHECK(row.client_pid == 321);
  CHECK(row.lease_found);
  CHECK(row.lease_file == "/var/lib/dhcp/dhclient.eth0.leases");
  CHECK(row.renew == kNow + 45);
  CHECK(row.rebind == kNow + 90);
  CHECK(row.expire == kNow + 105);
  CHECK(row.valid_lft_s == 105u);
  CHECK(row.lease_problem.empty());
}

TEST_CASE("interface report: IPv6 spellings match", "[report]") {
  const auto report =
      InterfaceReport::join({kernel_address("eth0", AF_INET6, "2001:db8::1:0:0:5", 3600)},
                            {{"eth0", dhclient_with({lease_for(AF_INET6, "2001:0db8:0:0:0001::5")})}}, {});
  CHECK(report.rows()[0].lease_found);
}

TEST_CASE("interface report: missing lease reasons", "[report]") {
  const std::map<std::string, ClientState> clients{
      {"eth0", dhclient_with({lease_for(AF_INET, "10.0.0.9")})},
      {"eth1", dhclient_with({})},
  };
  const auto report = InterfaceReport::join(
      {kernel_address("eth0", AF_INET, "10.0.0.2", 105), kernel_address("eth0", AF_INET6, "2001:db8::2", 300),
       kernel_address("eth1", AF_INET, "10.1.0.2", 105), kernel_address("eth2", AF_INET, "10.2.0.2", 105)},
      clients, {});
  const auto& rows = report.rows();
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].lease_problem == "the current lease is for 10.0.0.9");
  CHECK(rows[1].lease_problem == "no DHCPv6 lease");
  CHECK(rows[2].lease_problem == "no DHCPv4 lease");
  CHECK(rows[3].lease_problem == "no DHCP client found for this interface");
  CHECK(rows[3].client == DhcpClient::none);
  CHECK_FALSE(rows[3].client_alive);
}

TEST_CASE("interface report: clock override", "[report]") {
  const auto report = InterfaceReport::join({kernel_address("eth0", AF_INET, "10.0.0.2", 105)},
                                            {{"eth0", dhclient_with({lease_for(AF_INET, "10.0.0.2")})}},
                                            {{"eth0", ClientClock::boottime}, {"eth9", ClientClock::monotonic}});
  CHECK(report.rows()[0].client_clock == ClientClock::boottime);

  const auto rows = report.evaluate_step(-kHour, kNow);
  CHECK(rows[0].result.verdict == Verdict::ok);
  CHECK(rows[0].result.seconds_to_renewal == 45);
}

TEST_CASE("interface report: evaluate step", "[report]") {
  const auto report = InterfaceReport::join(
      {kernel_address("eth0", AF_INET, "10.0.0.2", 105), kernel_address("eth0", AF_INET, "192.0.2.7", std::nullopt)},
      {{"eth0", dhclient_with({lease_for(AF_INET, "10.0.0.2")})}}, {});

  const auto back = report.evaluate_step(-kHour, kNow);
  REQUIRE(back.size() == 2);
  CHECK(back[0].result.verdict == Verdict::lost_before_renewal);
  CHECK(back[0].result.seconds_to_loss == 105);
  CHECK(back[0].result.seconds_to_renewal == 3645);
  CHECK(back[0].step_delta_ns == -kHour);
  CHECK(back[0].now_s == kNow);
  CHECK(back[1].result.verdict == Verdict::ok);
  CHECK_FALSE(back[1].result.seconds_to_loss.has_value());

  const auto forward = report.evaluate_step(kHour, kNow);
  CHECK(forward[0].result.verdict == Verdict::expired_by_step);
}

TEST_CASE("interface report: standing check", "[report]") {
  const std::map<std::string, ClientState> clients{
      {"eth0", dhclient_with({lease_for(AF_INET, "10.0.0.2")})},
      {"eth1", dhclient_with({lease_for(AF_INET, "10.1.0.2")}, false)},
  };
  const auto report = InterfaceReport::join({kernel_address("eth0", AF_INET, "10.0.0.2", 105),
                                             kernel_address("eth0", AF_INET, "10.0.0.3", 20),
                                             kernel_address("eth1", AF_INET, "10.1.0.2", 105)},
                                            clients, {});
  // 10.0.0.3 has a short lifetime but no lease, so nothing is scheduled to renew it.
  const auto healthy = report.standing_check(kNow);
  REQUIRE(healthy.size() == 1);
  CHECK(healthy[0].interface == "eth1");
  CHECK(healthy[0].result.verdict == Verdict::no_client);

  const auto short_lifetime = InterfaceReport::join({kernel_address("eth0", AF_INET, "10.0.0.2", 20)}, clients, {});
  const auto flagged = short_lifetime.standing_check(kNow);
  REQUIRE(flagged.size() == 1);
  CHECK(flagged[0].result.verdict == Verdict::lifetime_shorter_than_renewal);
  CHECK(flagged[0].result.seconds_to_loss == 20);
  CHECK(flagged[0].result.seconds_to_renewal == 45);
}

TEST_CASE("interface report: SLAAC without client", "[report]") {
  const auto report = InterfaceReport::join({kernel_address("eth0", AF_INET6, "2001:db8::5", 2592000),
                                             kernel_address("eth0", AF_INET, "10.0.0.2", 105)},
                                            {}, {});
  const auto rows = report.evaluate_step(-kHour, kNow);
  CHECK(rows[0].router_advertised);
  CHECK(rows[0].result.verdict == Verdict::ok);
  CHECK(rows[0].result.seconds_to_loss == 2592000);
  CHECK_FALSE(rows[1].router_advertised);
  CHECK(rows[1].result.verdict == Verdict::no_client);
}

TEST_CASE("interface report: dead DHCPv6 client", "[report]") {
  const auto report = InterfaceReport::join({kernel_address("eth0", AF_INET6, "2001:db8::5", 7200)},
                                            {{"eth0", dhclient_with({lease_for(AF_INET6, "2001:db8::5")}, false)}}, {});
  const auto rows = report.evaluate_step(0, kNow);
  CHECK_FALSE(rows[0].router_advertised);
  CHECK(rows[0].result.verdict == Verdict::no_client);
}
