#include <catch2/catch.hpp>

#include <limits>

#include "lease_verdict.hpp"

using timeguard::ClientClock;
using timeguard::LeaseSchedule;
using timeguard::Verdict;
using timeguard::VerdictInput;
using timeguard::decide_verdict;
using timeguard::seconds_until;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kHour = 3600 * kSecond;
constexpr std::int64_t kTenYears = 3650LL * 24 * kHour;

// A dhclient lease bound 15 s ago for 120 s: renew (T1) in 45 s, rebind in 90 s, expire in 105 s,
// and the kernel valid lifetime that dhclient-script set from the same lease time.
VerdictInput bound_lease(std::int64_t step_ns) {
  VerdictInput input;
  input.step_delta_ns = step_ns;
  input.now_s = kNow;
  input.lease = LeaseSchedule{kNow + 45, kNow + 90, kNow + 105};
  input.client_clock = ClientClock::realtime;
  input.client_alive = true;
  input.valid_lft_s = 105;
  input.preferred_lft_s = 105;
  input.dynamic = true;
  return input;
}

VerdictInput with_valid_lft(VerdictInput input, std::uint32_t valid) {
  input.valid_lft_s = valid;
  input.preferred_lft_s = valid;
  return input;
}

VerdictInput dead_client(VerdictInput input) {
  input.client_alive = false;
  return input;
}

VerdictInput permanent(VerdictInput input) {
  input.dynamic = false;
  input.valid_lft_s.reset();
  input.preferred_lft_s.reset();
  return input;
}

VerdictInput with_lease(VerdictInput input, std::optional<LeaseSchedule> lease) {
  input.lease = lease;
  return input;
}

VerdictInput with_clock(VerdictInput input, ClientClock clock) {
  input.client_clock = clock;
  return input;
}

struct VerdictCase {
  const char* name;
  VerdictInput input;
  Verdict verdict;
  std::optional<std::int64_t> seconds_to_loss;
  std::optional<std::int64_t> seconds_to_renewal;
};

const std::optional<std::int64_t> kNever;
const LeaseSchedule kInfiniteLease{std::nullopt, std::nullopt, std::nullopt};

}  // namespace

TEST_CASE("verdict: decision table", "[verdict]") {
  const std::int64_t min_step = std::numeric_limits<std::int64_t>::min();
  const std::int64_t max_step = std::numeric_limits<std::int64_t>::max();

  const VerdictCase cases[] = {
      // Realtime client, healthy 105 s lease: steps of every size in both directions.
      {"no step", bound_lease(0), Verdict::ok, 105, 45},
      {"+1 s", bound_lease(kSecond), Verdict::renews_early, 104, 44},
      {"+999 ms stays below 1 s", bound_lease(999'000'000), Verdict::ok, 105, 45},
      {"-1 s", bound_lease(-kSecond), Verdict::ok, 105, 46},
      {"-999 ms rounds the wait up", bound_lease(-999'000'000), Verdict::ok, 105, 46},
      {"+250 ms", bound_lease(250'000'000), Verdict::ok, 105, 45},
      {"+44 s", bound_lease(44 * kSecond), Verdict::renews_early, 61, 1},
      {"+45 s reaches renew", bound_lease(45 * kSecond), Verdict::renews_early, 60, 0},
      {"+104 s just before expiry", bound_lease(104 * kSecond), Verdict::renews_early, 1, 0},
      {"+104.5 s before expiry", bound_lease(104'500'000'000), Verdict::renews_early, 1, 0},
      {"+105 s reaches expiry", bound_lease(105 * kSecond), Verdict::expired_by_step, 0, 0},
      {"+1 h", bound_lease(kHour), Verdict::expired_by_step, 0, 0},
      {"+10 years", bound_lease(kTenYears), Verdict::expired_by_step, 0, 0},
      {"largest forward step", bound_lease(max_step), Verdict::expired_by_step, 0, 0},
      {"-59 s still renews in time", bound_lease(-59 * kSecond), Verdict::ok, 105, 104},
      {"-60 s renews at the loss", bound_lease(-60 * kSecond), Verdict::lost_before_renewal, 105, 105},
      {"-1 h", bound_lease(-kHour), Verdict::lost_before_renewal, 105, 3645},
      {"-10 years", bound_lease(-kTenYears), Verdict::lost_before_renewal, 105, 45 + 315'360'000},
      {"largest backward step", bound_lease(min_step), Verdict::lost_before_renewal, 105,
       45 + 9'223'372'036 + 1},

      // No running client.
      {"dead client, dynamic", dead_client(bound_lease(0)), Verdict::no_client, 105, kNever},
      {"dead client, dynamic, -1 h", dead_client(bound_lease(-kHour)), Verdict::no_client, 105, kNever},
      {"dead client, dynamic, +10 years", dead_client(bound_lease(kTenYears)), Verdict::no_client, 105,
       kNever},
      {"dead client, permanent", dead_client(permanent(bound_lease(0))), Verdict::ok, kNever, kNever},
      {"dead client, permanent, +1 h", dead_client(permanent(bound_lease(kHour))), Verdict::ok, kNever,
       kNever},

      // Kernel lifetime shorter than the time to renewal.
      {"valid 20 s, no step", with_valid_lft(bound_lease(0), 20), Verdict::lifetime_shorter_than_renewal,
       20, 45},
      {"valid 20 s, -1 h", with_valid_lft(bound_lease(-kHour), 20),
       Verdict::lifetime_shorter_than_renewal, 20, 3645},
      {"valid 20 s, +30 s", with_valid_lft(bound_lease(30 * kSecond), 20), Verdict::renews_early, 20, 15},
      {"valid 20 s, +1 h", with_valid_lft(bound_lease(kHour), 20), Verdict::expired_by_step, 0, 0},
      {"valid 45 s equals renew", with_valid_lft(bound_lease(0), 45),
       Verdict::lifetime_shorter_than_renewal, 45, 45},
      {"valid 46 s", with_valid_lft(bound_lease(0), 46), Verdict::ok, 46, 45},
      {"valid 0 s", with_valid_lft(bound_lease(0), 0), Verdict::lifetime_shorter_than_renewal, 0, 45},

      // Renew exactly at expiry: the first request leaves as the address goes.
      {"renew at expiry", with_lease(bound_lease(0), LeaseSchedule{kNow + 105, kNow + 105, kNow + 105}),
       Verdict::lifetime_shorter_than_renewal, 105, 105},
      {"renew at expiry, permanent",
       with_lease(permanent(bound_lease(0)), LeaseSchedule{kNow + 105, kNow + 105, kNow + 105}),
       Verdict::lifetime_shorter_than_renewal, 105, 105},

      // Infinite leases: nothing to renew and nothing to lose.
      {"infinite lease", with_lease(permanent(bound_lease(0)), kInfiniteLease), Verdict::ok, kNever, kNever},
      {"infinite lease, +10 years", with_lease(permanent(bound_lease(kTenYears)), kInfiniteLease),
       Verdict::ok, kNever, kNever},
      {"infinite lease, -10 years", with_lease(permanent(bound_lease(-kTenYears)), kInfiniteLease),
       Verdict::ok, kNever, kNever},
      {"infinite lease, finite kernel lifetime", with_lease(bound_lease(0), kInfiniteLease),
       Verdict::lifetime_shorter_than_renewal, 105, kNever},

      // Leases that ended before the step, zero-length leases and missing leases.
      {"lease expired 10 s ago", with_lease(bound_lease(0), LeaseSchedule{kNow - 70, kNow - 25, kNow - 10}),
       Verdict::ok, 105, kNever},
      {"lease expires now", with_lease(bound_lease(kHour), LeaseSchedule{kNow - 60, kNow - 15, kNow}),
       Verdict::ok, 105, kNever},
      {"zero lease", with_lease(with_valid_lft(bound_lease(0), 0), LeaseSchedule{kNow, kNow, kNow}),
       Verdict::ok, 0, kNever},
      {"missing lease, dynamic", with_lease(bound_lease(-kHour), std::nullopt), Verdict::ok, 105, kNever},
      {"missing lease, permanent", with_lease(permanent(bound_lease(kHour)), std::nullopt), Verdict::ok,
       kNever, kNever},

      // Renewal already due before the step: the client is renewing, a forward step changes nothing.
      {"renewing, no step", with_lease(bound_lease(0), LeaseSchedule{kNow - 5, kNow + 40, kNow + 55}),
       Verdict::ok, 55, 0},
      {"renewing, +10 s", with_lease(bound_lease(10 * kSecond), LeaseSchedule{kNow - 5, kNow + 40, kNow + 55}),
       Verdict::ok, 45, 0},

      // Old-style scripts add the address as permanent and remove it themselves at expiry.
      {"permanent, client expiry, -1 h", permanent(bound_lease(-kHour)), Verdict::ok, 3705, 3645},
      {"permanent, client expiry, +200 s", permanent(bound_lease(200 * kSecond)), Verdict::expired_by_step,
       0, 0},

      // Clients on boottime or monotonic timers ignore the step.
      {"boottime, -1 h", with_clock(bound_lease(-kHour), ClientClock::boottime), Verdict::ok, 105, 45},
      {"boottime, +10 years", with_clock(bound_lease(kTenYears), ClientClock::boottime), Verdict::ok, 105, 45},
      {"monotonic, -10 years", with_clock(bound_lease(-kTenYears), ClientClock::monotonic), Verdict::ok, 105,
       45},
      {"boottime, valid 20 s", with_clock(with_valid_lft(bound_lease(-kHour), 20), ClientClock::boottime),
       Verdict::lifetime_shorter_than_renewal, 20, 45},
      {"boottime, dead client", dead_client(with_clock(bound_lease(0), ClientClock::boottime)),
       Verdict::no_client, 105, kNever},
  };

  for (const VerdictCase& c : cases) {
    CAPTURE(c.name);
    const auto result = decide_verdict(c.input);
    CAPTURE(result.reason);
    CHECK(to_string(result.verdict) == to_string(c.verdict));
    CHECK(result.seconds_to_loss == c.seconds_to_loss);
    CHECK(result.seconds_to_renewal == c.seconds_to_renewal);
    CHECK_FALSE(result.reason.empty());
  }
}

TEST_CASE("verdict: reasons name the numbers", "[verdict]") {
  CHECK(decide_verdict(bound_lease(-kHour)).reason ==
        "the step delays the renewal from 45 s to 3645 s, after the address is lost in 105 s");
  CHECK(decide_verdict(with_valid_lft(bound_lease(0), 20)).reason ==
        "the address is lost in 20 s but the client renews only in 45 s");
  CHECK(decide_verdict(bound_lease(kHour)).reason ==
        "the step moves the wall clock 3495 s past the lease expiry; the client drops the address "
        "and restarts discovery at once");
  CHECK(decide_verdict(dead_client(bound_lease(0))).reason ==
        "dynamic address with no DHCP client running to renew it; the kernel removes it in 105 s");
  CHECK(decide_verdict(bound_lease(0)).reason == "renewal in 45 s, before the loss in 105 s");
  CHECK(decide_verdict(bound_lease(10 * kSecond)).reason ==
        "the step brings the renewal forward from 45 s to 35 s, still before the lease expires");
  CHECK(decide_verdict(with_clock(bound_lease(-kHour), ClientClock::boottime)).reason ==
        "client timers run on CLOCK_BOOTTIME, immune to wall-clock steps; renewal in 45 s, before "
        "the loss in 105 s");
}

TEST_CASE("verdict: names", "[verdict]") {
  CHECK(to_string(Verdict::ok) == "ok");
  CHECK(to_string(Verdict::renews_early) == "renews_early");
  CHECK(to_string(Verdict::lost_before_renewal) == "lost_before_renewal");
  CHECK(to_string(Verdict::expired_by_step) == "expired_by_step");
  CHECK(to_string(Verdict::no_client) == "no_client");
  CHECK(to_string(Verdict::lifetime_shorter_than_renewal) == "lifetime_shorter_than_renewal");
}

TEST_CASE("verdict: seconds until rounds up", "[verdict]") {
  struct Case {
    std::int64_t instant;
    std::int64_t step_ns;
    std::int64_t expected;
  };
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const Case cases[] = {
      {kNow + 10, 0, 10},
      {kNow + 10, kSecond, 9},
      {kNow + 10, -kSecond, 11},
      {kNow + 10, 1, 10},            // 9.999999999 s left: the timer fires in the 10th second
      {kNow + 10, -1, 11},           // 10.000000001 s left
      {kNow + 10, 10 * kSecond, 0},
      {kNow + 10, 11 * kSecond, -1},
      {kNow - 5, 0, -5},
      {max, -kSecond, max - kNow + 1},
      {max, min, max},               // saturates instead of wrapping
      {min, max, min},
      {kNow, min, 9'223'372'037},
      {kNow, max, -9'223'372'036},
  };
  for (const Case& c : cases) {
    CAPTURE(c.instant, c.step_ns);
    CHECK(seconds_until(c.instant, kNow, c.step_ns) == c.expected);
  }
}
