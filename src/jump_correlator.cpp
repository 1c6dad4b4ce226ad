#include "jump_correlator.hpp"

#include <algorithm>
#include <cstdlib>

namespace timeguard {

JumpCorrelator::JumpCorrelator(std::chrono::milliseconds wait, std::int64_t tolerance_ns)
    : wait_(wait), tolerance_ns_(tolerance_ns) {}

bool JumpCorrelator::matches(std::int64_t jump_ns, std::int64_t step_ns) const {
  const std::int64_t allowed = tolerance_ns_ + std::llabs(step_ns) / 1000;
  return std::llabs(jump_ns - step_ns) <= allowed;
}

void JumpCorrelator::forget_old_steps(Clock::time_point now) {
  while (!steps_.empty() && now - steps_.front().seen > wait_) steps_.pop_front();
}

void JumpCorrelator::add_audit_step(std::int64_t delta_ns, Clock::time_point now) {
  forget_old_steps(now);
  auto jump = std::find_if(jumps_.begin(), jumps_.end(),
                           [&](const Timed& pending) { return matches(pending.delta_ns, delta_ns); });
  if (jump != jumps_.end()) {
    jumps_.erase(jump);
    return;
  }
  steps_.push_back({delta_ns, now, {}});
}

void JumpCorrelator::add_jump(const ClockJump& jump, Clock::time_point now) {
  forget_old_steps(now);
  auto step = std::find_if(steps_.begin(), steps_.end(),
                           [&](const Timed& recent) { return matches(jump.delta_ns, recent.delta_ns); });
  if (step != steps_.end()) {
    steps_.erase(step);
    return;
  }
  jumps_.push_back({jump.delta_ns, now, jump});
}

std::vector<ClockJump> JumpCorrelator::take_unexplained(Clock::time_point now) {
  std::vector<ClockJump> out;
  while (!jumps_.empty() && now - jumps_.front().seen >= wait_) {
    out.push_back(jumps_.front().jump);
    jumps_.pop_front();
  }
  return out;
}

std::optional<JumpCorrelator::Clock::time_point> JumpCorrelator::next_deadline() const {
  if (jumps_.empty()) return std::nullopt;
  return jumps_.front().seen + wait_;
}

}  // namespace timeguard
