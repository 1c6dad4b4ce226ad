#include <catch2/catch.hpp>

#include "hook_rate_limiter.hpp"

using namespace timeguard;
using Decision = HookRateLimiter::Decision;
using std::chrono::seconds;

namespace {
const HookRateLimiter::Clock::time_point t0{seconds(100000)};
}

TEST_CASE("hook rate limiter: decision table", "[hook_rate_limiter]") {
  struct Step {
    int at_s;          // seconds after t0
    Decision expected; // check() at that instant; allowed ones are recorded as starts
  };
  struct Case {
    std::string name;
    int cooldown_s;
    std::uint32_t max_per_hour;
    std::vector<Step> steps;
  };
  const std::vector<Case> cases{
      {"first run allowed", 300, 4, {{0, Decision::allowed}}},
      {"cooldown blocks until it ends", 300, 4,
       {{0, Decision::allowed}, {1, Decision::cooling_down}, {299, Decision::cooling_down},
        {300, Decision::allowed}}},
      {"zero cooldown", 0, 4, {{0, Decision::allowed}, {0, Decision::allowed}}},
      {"hourly cap", 0, 2,
       {{0, Decision::allowed}, {10, Decision::allowed}, {20, Decision::hourly_cap_reached},
        {3599, Decision::hourly_cap_reached}, {3600, Decision::allowed},
        {3601, Decision::hourly_cap_reached}, {3610, Decision::allowed}}},
      {"cooldown reported before cap", 600, 1,
       {{0, Decision::allowed}, {10, Decision::cooling_down}, {700, Decision::hourly_cap_reached},
        {3600, Decision::allowed}}},
  };

  for (const Case& c : cases) {
    HookRateLimiter limiter(seconds(c.cooldown_s), c.max_per_hour);
    for (const Step& step : c.steps) {
      INFO(c.name << " at +" << step.at_s << " s");
      const auto now = t0 + seconds(step.at_s);
      const Decision decision = limiter.check(now);
      CHECK(decision == step.expected);
      if (decision == Decision::allowed) limiter.record_start(now);
    }
  }
}

TEST_CASE("hook rate limiter: next allowed instant", "[hook_rate_limiter]") {
  HookRateLimiter limiter(seconds(300), 2);
  CHECK(limiter.next_allowed(t0) == t0);

  limiter.record_start(t0);
  CHECK(limiter.next_allowed(t0 + seconds(10)) == t0 + seconds(300));

  limiter.record_start(t0 + seconds(400));
  CHECK(limiter.next_allowed(t0 + seconds(500)) == t0 + seconds(3600));
  CHECK(limiter.check(t0 + seconds(3600)) == Decision::allowed);
}
