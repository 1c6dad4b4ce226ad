#include <catch2/catch.hpp>

#include "live_event.hpp"

using timeguard::ChangeKind;
using timeguard::is_live_event;
using timeguard::TimeChange;

namespace {

TimeChange change_at(std::int64_t stamp, std::optional<std::int64_t> delta_ns) {
  TimeChange change;
  change.kind = delta_ns ? ChangeKind::step : ChangeKind::adjust;
  change.time_sec = stamp;
  change.delta_ns = delta_ns;
  return change;
}

}  // namespace

TEST_CASE("live event: stamp plus step against now", "[live_event]") {
  const std::int64_t now = 1'800'000'000;
  CHECK(is_live_event(change_at(now, std::nullopt), now));
  CHECK(is_live_event(change_at(now - 300, std::nullopt), now));
  CHECK_FALSE(is_live_event(change_at(now - 301, std::nullopt), now));
  CHECK_FALSE(is_live_event(change_at(now - 96'000'000, std::nullopt), now));
  // A step back of one hour: the stamp is the reading before the step.
  CHECK(is_live_event(change_at(now + 3600, -3'600'000'000'000), now));
  CHECK_FALSE(is_live_event(change_at(now, -3'600'000'000'000), now));
  // A step forward of one hour.
  CHECK(is_live_event(change_at(now - 3600, 3'600'000'000'000), now));
  CHECK(is_live_event(change_at(now, 1'000), now));
}
