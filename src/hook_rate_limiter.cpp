#include "hook_rate_limiter.hpp"

#include <algorithm>

namespace timeguard {
namespace {
constexpr std::chrono::seconds one_hour{3600};
}

HookRateLimiter::HookRateLimiter(std::chrono::seconds cooldown, std::uint32_t max_runs_per_hour)
    : cooldown_(cooldown), max_runs_per_hour_(max_runs_per_hour) {}

void HookRateLimiter::forget_older_than_an_hour(Clock::time_point now) const {
  while (!starts_.empty() && now - starts_.front() >= one_hour) starts_.pop_front();
}

HookRateLimiter::Decision HookRateLimiter::check(Clock::time_point now) const {
  forget_older_than_an_hour(now);
  if (!starts_.empty() && now - starts_.back() < cooldown_) return Decision::cooling_down;
  if (starts_.size() >= max_runs_per_hour_) return Decision::hourly_cap_reached;
  return Decision::allowed;
}

void HookRateLimiter::record_start(Clock::time_point now) {
  forget_older_than_an_hour(now);
  starts_.push_back(now);
}

HookRateLimiter::Clock::time_point HookRateLimiter::next_allowed(Clock::time_point now) const {
  forget_older_than_an_hour(now);
  Clock::time_point earliest = now;
  if (!starts_.empty()) earliest = std::max(earliest, starts_.back() + cooldown_);
  if (starts_.size() >= max_runs_per_hour_) {
    // The window frees a slot when the start that is max_runs_per_hour back turns one hour old.
    const std::size_t blocking = starts_.size() - max_runs_per_hour_;
    earliest = std::max(earliest, starts_[blocking] + one_hour);
  }
  return earliest;
}

std::string_view to_string(HookRateLimiter::Decision decision) {
  switch (decision) {
    case HookRateLimiter::Decision::allowed: return "allowed";
    case HookRateLimiter::Decision::cooling_down: return "cooling down";
    case HookRateLimiter::Decision::hourly_cap_reached: return "hourly cap reached";
  }
  return "allowed";
}

}  // namespace timeguard
