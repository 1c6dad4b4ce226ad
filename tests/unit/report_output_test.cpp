#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include "report_output.hpp"

using timeguard::ClientClock;
using timeguard::DhcpClient;
using timeguard::ReportRow;
using timeguard::Verdict;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;  // 2023-11-14 22:13:20 UTC

ReportRow evaluated_row() {
  ReportRow row;
  row.interface = "eth0";
  row.address = "10.77.41.120";
  row.family = AF_INET;
  row.prefix_length = 24;
  row.dynamic = true;
  row.client = DhcpClient::dhclient;
  row.client_clock = ClientClock::realtime;
  row.client_alive = true;
  row.client_pid = 4242;
  row.lease_file = "/tmp/lab/dhclient.leases";
  row.lease_found = true;
  row.renew = kNow + 45;
  row.rebind = kNow + 90;
  row.expire = std::nullopt;
  row.valid_lft_s = 105;
  row.preferred_lft_s = std::nullopt;
  row.step_delta_ns = -3'600'000'000'000;
  row.now_s = kNow;
  row.result = {Verdict::lost_before_renewal, 105, 3645, "reason text"};
  return row;
}

}  // namespace

TEST_CASE("report output: UTC format", "[output]") {
  CHECK(timeguard::format_utc(kNow) == "2023-11-14 22:13:20 UTC");
  CHECK(timeguard::format_utc(0) == "1970-01-01 00:00:00 UTC");
  CHECK(timeguard::format_utc(std::numeric_limits<std::int64_t>::max()) == "@9223372036854775807");
}

TEST_CASE("report output: JSON fields", "[output]") {
  const auto json = timeguard::row_to_json(evaluated_row());
  CHECK(json["interface"] == "eth0");
  CHECK(json["address"] == "10.77.41.120");
  CHECK(json["family"] == "ipv4");
  CHECK(json["client"] == "dhclient");
  CHECK(json["client_clock"] == "realtime");
  CHECK(json["client_alive"] == true);
  CHECK(json["client_pid"] == 4242);
  CHECK(json["lease_file"] == "/tmp/lab/dhclient.leases");
  CHECK(json["lease_problem"].is_null());
  CHECK(json["renew"] == kNow + 45);
  CHECK(json["rebind"] == kNow + 90);
  CHECK(json["expire"].is_null());
  CHECK(json["valid_lft_s"] == 105);
  CHECK(json["preferred_lft_s"].is_null());
  CHECK(json["verdict"] == "lost_before_renewal");
  CHECK(json["reason"] == "reason text");
  CHECK(json["seconds_to_loss"] == 105);
  CHECK(json["seconds_to_renewal"] == 3645);
  CHECK(json["step_delta_ns"] == -3'600'000'000'000);
  CHECK(json["now"] == kNow);

  CHECK(timeguard::rows_to_json({}).dump() == "[]");
  CHECK(timeguard::rows_to_json({evaluated_row(), evaluated_row()}).size() == 2);
}

TEST_CASE("report output: text block", "[output]") {
  const std::string expected =
      "eth0 10.77.41.120/24 (ipv4, dynamic)\n"
      "  client      dhclient pid 4242, running, realtime clock\n"
      "  lease file  /tmp/lab/dhclient.leases\n"
      "  renew       2023-11-14 22:14:05 UTC (in 3645 s)\n"
      "  rebind      2023-11-14 22:14:50 UTC (in 3690 s)\n"
      "  expire      never\n"
      "  valid       105 s\n"
      "  preferred   forever\n"
      "  verdict     lost_before_renewal: reason text\n"
      "  loss        in 105 s\n"
      "  renewal     in 3645 s\n";
  CHECK(timeguard::format_rows_text({evaluated_row()}) == expected);
}

TEST_CASE("report output: boottime ignores step", "[output]") {
  auto row = evaluated_row();
  row.client_clock = ClientClock::boottime;
  row.step_delta_ns = 7'200'000'000'000;
  const auto text = timeguard::format_rows_text({row});
  CHECK(text.find("(in 45 s)") != std::string::npos);
}

TEST_CASE("report output: missing lease", "[output]") {
  auto row = evaluated_row();
  row.lease_found = false;
  row.lease_problem = "no DHCPv4 lease";
  const auto text = timeguard::format_rows_text({row});
  CHECK(text.find("  lease       none: no DHCPv4 lease\n") != std::string::npos);
  CHECK(text.find("  renew       -\n") != std::string::npos);
  CHECK(timeguard::format_rows_text({}) == "no global IPv4 or IPv6 address found\n");
}
