#include <catch2/catch.hpp>

#include "verdict_message.hpp"

using namespace timeguard;

namespace {

ReportRow row_with(Verdict verdict, std::optional<std::int64_t> loss, std::optional<std::int64_t> renewal) {
  ReportRow row;
  row.interface = "eth0";
  row.address = "10.0.0.5";
  row.client = DhcpClient::dhclient;
  row.result.verdict = verdict;
  row.result.seconds_to_loss = loss;
  row.result.seconds_to_renewal = renewal;
  return row;
}

TimeChange date_step(std::int64_t delta_ns) {
  TimeChange step;
  step.kind = ChangeKind::step;
  step.delta_ns = delta_ns;
  step.process.comm = "date";
  step.process.pid = 4242;
  return step;
}

}  // namespace

TEST_CASE("verdict message: each verdict in words", "[verdict_message]") {
  const TimeChange step = date_step(-3'600'000'000'000);
  ReportRow ok_row = row_with(Verdict::ok, std::nullopt, std::nullopt);
  ok_row.result.reason = "permanent address";
  struct Case {
    ReportRow row;
    std::string expected;
  };
  const Case cases[] = {
      {row_with(Verdict::lost_before_renewal, 178, 3778),
       "eth0 10.0.0.5: the kernel removes this address in 178 s but dhclient will not renew for 3778 s; "
       "wall clock stepped back 3600.000 s by date[4242]"},
      {row_with(Verdict::expired_by_step, 0, 0),
       "eth0 10.0.0.5: the step jumped past the lease expiry, so dhclient drops this address now; "
       "wall clock stepped back 3600.000 s by date[4242]"},
      {row_with(Verdict::no_client, 97, std::nullopt),
       "eth0 10.0.0.5: no running DHCP client renews this address; the kernel removes it in 97 s; "
       "wall clock stepped back 3600.000 s by date[4242]"},
      {row_with(Verdict::lifetime_shorter_than_renewal, 20, 41),
       "eth0 10.0.0.5: the kernel removes this address in 20 s, before dhclient renews in 41 s; "
       "wall clock stepped back 3600.000 s by date[4242]"},
      {row_with(Verdict::renews_early, 100, 0),
       "eth0 10.0.0.5: dhclient renews early, in 0 s; wall clock stepped back 3600.000 s by date[4242]"},
      {ok_row, "eth0 10.0.0.5: ok, permanent address; wall clock stepped back 3600.000 s by date[4242]"},
  };
  for (const Case& c : cases) {
    CHECK(format_verdict_message(c.row, VerdictTrigger::audit_step, &step, std::nullopt) == c.expected);
  }
}

TEST_CASE("verdict message: cause of the evaluation", "[verdict_message]") {
  ReportRow row = row_with(Verdict::no_client, 60, std::nullopt);
  row.client = DhcpClient::none;
  CHECK(format_verdict_message(row, VerdictTrigger::standing, nullptr, std::nullopt) ==
        "eth0 10.0.0.5: no running DHCP client renews this address; the kernel removes it in 60 s; "
        "found by the standing check");
  ReportRow lost = row_with(Verdict::lost_before_renewal, 40, 3615);
  CHECK(format_verdict_message(lost, VerdictTrigger::clock_jump, nullptr, 3'600'000'000'000) ==
        "eth0 10.0.0.5: the kernel removes this address in 40 s but dhclient will not renew for 3615 s; "
        "wall clock stepped forward 3600.000 s with no audit record naming a process");
}

TEST_CASE("verdict message: step without a process", "[verdict_message]") {
  const ReportRow expired = row_with(Verdict::expired_by_step, 0, 0);
  TimeChange no_syscall = date_step(3'600'000'000'000);
  no_syscall.process = ProcessInfo{};
  CHECK(format_verdict_message(expired, VerdictTrigger::audit_step, &no_syscall, std::nullopt) ==
        "eth0 10.0.0.5: the step jumped past the lease expiry, so dhclient drops this address now; "
        "wall clock stepped forward 3600.000 s by unknown process");
  TimeChange no_comm = date_step(3'600'000'000'000);
  no_comm.process.comm.clear();
  CHECK(format_verdict_message(expired, VerdictTrigger::audit_step, &no_comm, std::nullopt) ==
        "eth0 10.0.0.5: the step jumped past the lease expiry, so dhclient drops this address now; "
        "wall clock stepped forward 3600.000 s by pid[4242]");
}

TEST_CASE("verdict message: levels by verdict", "[verdict_message]") {
  CHECK(verdict_level(Verdict::lost_before_renewal) == spdlog::level::critical);
  CHECK(verdict_level(Verdict::expired_by_step) == spdlog::level::critical);
  CHECK(verdict_level(Verdict::no_client) == spdlog::level::warn);
  CHECK(verdict_level(Verdict::lifetime_shorter_than_renewal) == spdlog::level::warn);
  CHECK(verdict_level(Verdict::renews_early) == spdlog::level::info);
  CHECK(verdict_level(Verdict::ok) == spdlog::level::debug);
}
