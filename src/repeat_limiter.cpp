#include "repeat_limiter.hpp"

namespace timeguard {

bool RepeatLimiter::allow(const std::string& key, Clock::time_point now, std::uint64_t& suppressed) {
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& entry = it->second;
  if (!inserted && now - entry.last < interval_) {
    ++entry.suppressed;
    return false;
  }
  suppressed = entry.suppressed;
  entry.suppressed = 0;
  entry.last = now;
  return true;
}

}  // namespace timeguard
