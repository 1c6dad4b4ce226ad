#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "clock_jump_watcher.hpp"

namespace timeguard {

// Pairs wall-clock jumps seen by the ClockJumpWatcher with steps from the audit stream, so
// that only jumps no audit record explains are reported as unattributed. The two arrive in
// either order: the timerfd fires at once, the audit event after auditd and the assembler.
// A jump waits `wait` for its audit step; an audit step is kept as long for its jump.
// Times are steady_clock readings passed in, so tests drive them.
class JumpCorrelator {
 public:
  using Clock = std::chrono::steady_clock;

  // `tolerance_ns` is the absolute part of the match window; 0.1 % of the step is added,
  // because the watcher measures the jump with the slew of up to one rebaseline period.
  JumpCorrelator(std::chrono::milliseconds wait, std::int64_t tolerance_ns);

  void add_audit_step(std::int64_t delta_ns, Clock::time_point now);
  void add_jump(const ClockJump& jump, Clock::time_point now);

  // Removes and returns the jumps whose wait ran out without a matching audit step.
  std::vector<ClockJump> take_unexplained(Clock::time_point now);

  // When the oldest pending jump's wait runs out; nullopt when none waits.
  std::optional<Clock::time_point> next_deadline() const;

 private:
  struct Timed {
    std::int64_t delta_ns;
    Clock::time_point seen;
    ClockJump jump;
  };

  bool matches(std::int64_t jump_ns, std::int64_t step_ns) const;
  void forget_old_steps(Clock::time_point now);

  std::chrono::milliseconds wait_;
  std::int64_t tolerance_ns_;
  std::deque<Timed> steps_;
  std::deque<Timed> jumps_;
};

}  // namespace timeguard
