#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "result.hpp"

namespace timeguard {

// One simultaneous reading of the two clocks, in nanoseconds since each clock's epoch.
struct ClockSample {
  std::int64_t realtime_ns = 0;
  std::int64_t boottime_ns = 0;
};

// A jump of CLOCK_REALTIME against CLOCK_BOOTTIME, found without any audit record.
struct ClockJump {
  std::int64_t delta_ns = 0;            // positive = wall clock moved forward
  std::int64_t realtime_before_ns = 0;  // wall clock time the jump replaced: after - delta
  std::int64_t realtime_after_ns = 0;   // wall clock time read when the jump was noticed
  std::int64_t boottime_ns = 0;         // CLOCK_BOOTTIME when the jump was noticed
};

// Reads CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_REALTIME and keeps the pair with the narrowest
// realtime window (of three tries), pairing the window's midpoint with the boottime reading,
// so that a preemption between the reads shifts the offset by at most that window.
ClockSample read_clock_sample();

// Finds jumps in the offset CLOCK_REALTIME - CLOCK_BOOTTIME. Setting the wall clock changes
// the offset by exactly the step size. Suspend leaves it unchanged because both clocks count
// suspended time. Slewing moves it slowly, so a change counts as a jump only when it exceeds
// threshold_ns plus max_slew_ppm times the CLOCK_BOOTTIME elapsed since the baseline.
class ClockJumpDetector {
 public:
  ClockJumpDetector(std::int64_t threshold_ns, std::int64_t max_slew_ppm, ClockSample baseline);

  // Compares `now` with the baseline and makes `now` the new baseline. Returns the jump when
  // the offset changed by more than the allowance above, nothing otherwise.
  std::optional<ClockJump> observe(const ClockSample& now);

 private:
  std::int64_t threshold_ns_;
  std::int64_t max_slew_ppm_;
  ClockSample baseline_;
};

// Notices wall-clock steps through a timerfd on CLOCK_REALTIME armed with
// TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET: the kernel cancels it (read() fails with
// ECANCELED) whenever the clock is set, by any syscall, audited or not. The step size comes
// from ClockJumpDetector. The timer also expires every rebaseline_period_ns, so that the
// baseline follows slow slewing and a step made between sampling and arming is still found.
//
// Usage: poll fd() for POLLIN and call on_readable() each time it is readable. The
// watcher re-arms itself; it owns the fd and closes it on destruction.
class ClockJumpWatcher {
 public:
  struct Options {
    // Smallest offset change reported, in ns, on top of the slew allowance. It hides the
    // sampling noise and the microseconds that a net-zero set (the clock set to the time just
    // read) moves the clock. 10 ms is far below any step that matters to a lease schedule,
    // which counts in seconds.
    std::int64_t threshold_ns = 10'000'000;
    // Fastest slew to tolerate, in parts per million of elapsed time. Linux lets adjtimex
    // change the tick length by up to 10 % (ADJ_TICK, 9000..11000 µs at USER_HZ 100), and
    // NTP daemons such as chrony use that for fast slews. The NTP frequency adds at most
    // 500 ppm, which the threshold covers for periods of a few seconds. The allowance grows with the
    // time since the last baseline, so that a late wakeup does not turn a slew into a jump.
    std::int64_t max_slew_ppm = 100'000;
    // Period of the baseline refresh, in ns. It bounds the slew allowance at about
    // max_slew_ppm of one period (100 ms by default), so smaller steps go unreported.
    std::int64_t rebaseline_period_ns = 1'000'000'000;
    // Clock reader, replaced by fake samples in tests.
    std::function<ClockSample()> read_clocks = read_clock_sample;
  };

  // Creates and arms the timerfd. Fails when timerfd_create or timerfd_settime fails, with
  // the errno text, or when an option is out of range.
  static Result<ClockJumpWatcher> open(Options options);

  ClockJumpWatcher(ClockJumpWatcher&& other) noexcept;
  ClockJumpWatcher& operator=(ClockJumpWatcher&& other) noexcept;
  ClockJumpWatcher(const ClockJumpWatcher&) = delete;
  ClockJumpWatcher& operator=(const ClockJumpWatcher&) = delete;
  ~ClockJumpWatcher();

  int fd() const { return fd_; }

  // Consumes the timer's readiness (a cancel or a periodic expiry), samples the clocks,
  // re-arms the timer and returns the jump if the offset moved by more than the allowance.
  // A spurious wakeup (EAGAIN) returns nothing and leaves the timer as it was.
  std::optional<ClockJump> on_readable();

  // Number of cancels seen since open(), that is wall-clock sets, reported or not.
  std::uint64_t cancel_count() const { return cancel_count_; }

 private:
  ClockJumpWatcher(int fd, Options options, ClockJumpDetector detector);
  Status arm();

  int fd_ = -1;
  Options options_;
  ClockJumpDetector detector_;
  std::uint64_t cancel_count_ = 0;
};

}  // namespace timeguard
