#include "live_event.hpp"

#include <cmath>
#include <cstdlib>

namespace timeguard {

bool is_live_event(const TimeChange& change, std::int64_t now_s) {
  const std::int64_t delta_s =
      change.delta_ns ? static_cast<std::int64_t>(std::llround(static_cast<double>(*change.delta_ns) / 1e9)) : 0;
  const std::int64_t expected_now = change.time_sec + delta_s;
  return std::llabs(now_s - expected_now) <= kLiveEventWindowS;
}

}  // namespace timeguard
