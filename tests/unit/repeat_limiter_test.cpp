#include <catch2/catch.hpp>

#include "repeat_limiter.hpp"

using timeguard::RepeatLimiter;
using namespace std::chrono_literals;

TEST_CASE("repeat limiter: one message per interval per key", "[repeat_limiter]") {
  RepeatLimiter limiter(10s);
  const auto start = RepeatLimiter::Clock::time_point{} + 1h;
  std::uint64_t suppressed = 99;

  CHECK(limiter.allow("eth0", start, suppressed));
  CHECK(suppressed == 0);
  CHECK_FALSE(limiter.allow("eth0", start + 1s, suppressed));
  CHECK_FALSE(limiter.allow("eth0", start + 9s, suppressed));
  CHECK(limiter.allow("eth1", start + 9s, suppressed));
  CHECK(limiter.allow("eth0", start + 10s, suppressed));
  CHECK(suppressed == 2);
  CHECK_FALSE(limiter.allow("eth0", start + 11s, suppressed));
}

TEST_CASE("repeat limiter: reset lets the next message out", "[repeat_limiter]") {
  RepeatLimiter limiter(600s);
  const auto start = RepeatLimiter::Clock::time_point{} + 1h;
  std::uint64_t suppressed = 0;
  CHECK(limiter.allow("k", start, suppressed));
  limiter.reset("k");
  CHECK(limiter.allow("k", start + 1s, suppressed));
  CHECK(suppressed == 0);
}
