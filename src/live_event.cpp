#include "live_event.hpp"

#include <cmath>
#include <cstdlib>

namespace timeguard {

std::int64_t round_to_seconds(std::int64_t ns) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(ns) / 1e9));
}

bool is_live_event(const TimeChange& change, std::int64_t now_s) {
  const std::int64_t delta_s = change.delta_ns ? round_to_seconds(*change.delta_ns) : 0;
  const std::int64_t expected_now = change.time_sec + delta_s;
  return std::llabs(now_s - expected_now) <= kLiveEventWindowS;
}

}  // namespace timeguard
