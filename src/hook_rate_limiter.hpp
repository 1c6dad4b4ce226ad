#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string_view>

namespace timeguard {

// Decides whether a hook may start on one interface now. Pure: the caller passes the current
// time of a monotonic clock, so tests drive it with a fake one and a wall-clock step cannot
// move a cooldown.
class HookRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Decision { allowed, cooling_down, hourly_cap_reached };

  HookRateLimiter(std::chrono::seconds cooldown, std::uint32_t max_runs_per_hour);

  // Returns allowed, or why not. Does not record anything.
  Decision check(Clock::time_point now) const;

  // Records a start at `now`; call it only after check() returned allowed.
  void record_start(Clock::time_point now);

  // The first instant at which check() can return allowed again; `now` when it already does.
  Clock::time_point next_allowed(Clock::time_point now) const;

 private:
  void forget_older_than_an_hour(Clock::time_point now) const;

  std::chrono::seconds cooldown_;
  std::uint32_t max_runs_per_hour_;
  mutable std::deque<Clock::time_point> starts_;  // within the last hour, oldest first
};

std::string_view to_string(HookRateLimiter::Decision decision);

}  // namespace timeguard
