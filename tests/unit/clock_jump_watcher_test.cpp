#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <poll.h>
#include <string>

#include "clock_jump_watcher.hpp"
#include "skip.hpp"

using namespace timeguard;

namespace {

constexpr std::int64_t second_ns = 1'000'000'000;
constexpr std::int64_t millisecond_ns = 1'000'000;
constexpr std::int64_t start_realtime_ns = 1'733'341'370 * second_ns;
constexpr std::int64_t start_boottime_ns = 100 * second_ns;

// A sample `elapsed_ns` after the start on CLOCK_BOOTTIME, with the wall clock displaced by
// `wall_offset_ns` from where it would be without any change.
ClockSample sample_after(std::int64_t elapsed_ns, std::int64_t wall_offset_ns = 0) {
  return ClockSample{start_realtime_ns + elapsed_ns + wall_offset_ns, start_boottime_ns + elapsed_ns};
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  return poll(&entry, 1, timeout_ms) == 1 && (entry.revents & POLLIN) != 0;
}

}  // namespace

// The detector tests feed fake clock samples; no clock is read or changed.
TEST_CASE("clock jump detector: backward step", "[clock_jump]") {
  ClockJumpDetector detector(10 * millisecond_ns, 100000, sample_after(0));

  const auto jump = detector.observe(sample_after(5 * second_ns, -3600 * second_ns));

  REQUIRE(jump.has_value());
  CHECK(jump->delta_ns == -3600 * second_ns);
  CHECK(jump->realtime_after_ns == start_realtime_ns + 5 * second_ns - 3600 * second_ns);
  CHECK(jump->realtime_before_ns == start_realtime_ns + 5 * second_ns);
  CHECK(jump->boottime_ns == start_boottime_ns + 5 * second_ns);
}

TEST_CASE("clock jump detector: forward step", "[clock_jump]") {
  ClockJumpDetector detector(10 * millisecond_ns, 100000, sample_after(0));

  const auto jump = detector.observe(sample_after(second_ns, 90 * second_ns + 250 * millisecond_ns));

  REQUIRE(jump.has_value());
  CHECK(jump->delta_ns == 90 * second_ns + 250 * millisecond_ns);
  CHECK(jump->realtime_before_ns == start_realtime_ns + second_ns);
}

TEST_CASE("clock jump detector: threshold boundary", "[clock_jump]") {
  const std::int64_t threshold_ns = 10 * millisecond_ns;
  struct Case {
    std::int64_t wall_offset_ns;
    bool reported;
  };
  const Case cases[] = {
      {0, false},
      {1 * millisecond_ns, false},
      {-1 * millisecond_ns, false},
      {threshold_ns - 1, false},
      {-(threshold_ns - 1), false},
      {threshold_ns, true},
      {-threshold_ns, true},
      {threshold_ns + 1, true},
  };

  for (const Case& c : cases) {
    ClockJumpDetector detector(threshold_ns, 0, sample_after(0));
    const auto jump = detector.observe(sample_after(second_ns, c.wall_offset_ns));
    INFO("wall_offset_ns=" << c.wall_offset_ns);
    CHECK(jump.has_value() == c.reported);
  }
}

TEST_CASE("clock jump detector: slew allowance grows", "[clock_jump]") {
  const std::int64_t threshold_ns = 10 * millisecond_ns;
  struct Case {
    std::int64_t elapsed_ns;
    std::int64_t wall_offset_ns;
    bool reported;
  };
  // Allowance: threshold + 100000 ppm (10 %) of the elapsed CLOCK_BOOTTIME.
  const Case cases[] = {
      {second_ns, 105 * millisecond_ns, false},
      {second_ns, -105 * millisecond_ns, false},
      {second_ns, 115 * millisecond_ns, true},
      {second_ns, -115 * millisecond_ns, true},
      {10 * second_ns, 1000 * millisecond_ns, false},  // a wakeup 9 s late during a fast slew
      {10 * second_ns, 1020 * millisecond_ns, true},
      {0, threshold_ns, true},
  };

  for (const Case& c : cases) {
    ClockJumpDetector detector(threshold_ns, 100000, sample_after(0));
    const auto jump = detector.observe(sample_after(c.elapsed_ns, c.wall_offset_ns));
    INFO("elapsed_ns=" << c.elapsed_ns << " wall_offset_ns=" << c.wall_offset_ns);
    CHECK(jump.has_value() == c.reported);
  }
}

TEST_CASE("clock jump detector: baseline follows slew", "[clock_jump]") {
  ClockJumpDetector detector(10 * millisecond_ns, 0, sample_after(0));

  // Twenty seconds of 1000 ppm slew add up to 20 ms, but each observation sees only 1 ms.
  for (int second = 1; second <= 20; ++second) {
    const auto jump = detector.observe(sample_after(second * second_ns, second * millisecond_ns));
    INFO("second=" << second);
    CHECK_FALSE(jump.has_value());
  }

  const auto jump = detector.observe(sample_after(21 * second_ns, 21 * millisecond_ns - 3600 * second_ns));
  REQUIRE(jump.has_value());
  CHECK(jump->delta_ns == -3600 * second_ns + millisecond_ns);
}

TEST_CASE("clock jump watcher: rejects bad options", "[clock_jump]") {
  struct Case {
    ClockJumpWatcher::Options options;
    std::string reason;
  };
  ClockJumpWatcher::Options negative_threshold;
  negative_threshold.threshold_ns = -1;
  ClockJumpWatcher::Options zero_period;
  zero_period.rebaseline_period_ns = 0;
  ClockJumpWatcher::Options negative_slew;
  negative_slew.max_slew_ppm = -1;
  ClockJumpWatcher::Options huge_slew;
  huge_slew.max_slew_ppm = 1'000'001;
  ClockJumpWatcher::Options no_reader;
  no_reader.read_clocks = nullptr;

  const Case cases[] = {
      {negative_threshold, "clock jump threshold -1 ns is negative; use 0 or more"},
      {negative_slew, "clock jump max slew -1 ppm is out of range; use 0 to 1000000"},
      {huge_slew, "clock jump max slew 1000001 ppm is out of range; use 0 to 1000000"},
      {zero_period,
       "clock jump rebaseline period 0 ns is not positive; use a period such as 1000000000 (1 s)"},
      {no_reader, "clock jump watcher has no clock reader"},
  };

  for (const Case& c : cases) {
    const auto watcher = ClockJumpWatcher::open(c.options);
    REQUIRE_FALSE(watcher.ok());
    CHECK(watcher.error().reason == c.reason);
  }
}

// Fake clock reads through a real timerfd: the timer only expires (1 ms period), it is never
// cancelled, and no clock is changed. The fake samples make the expiry path report a step
// that landed between sampling and arming.
TEST_CASE("clock jump watcher: fake clocks on expiry", "[clock_jump]") {
  std::deque<ClockSample> samples{sample_after(0), sample_after(second_ns, -3600 * second_ns),
                                  sample_after(2 * second_ns, -3600 * second_ns)};
  ClockJumpWatcher::Options options;
  options.rebaseline_period_ns = millisecond_ns;
  options.read_clocks = [&samples] {
    ClockSample next = samples.front();
    if (samples.size() > 1) samples.pop_front();
    return next;
  };

  auto watcher = ClockJumpWatcher::open(options);
  REQUIRE(watcher.ok());

  REQUIRE(wait_readable(watcher->fd(), 2000));
  const auto jump = watcher->on_readable();
  REQUIRE(jump.has_value());
  CHECK(jump->delta_ns == -3600 * second_ns);
  CHECK(watcher->cancel_count() == 0);

  // The timer was re-armed and the baseline moved: the next expiry finds no jump.
  REQUIRE(wait_readable(watcher->fd(), 2000));
  CHECK_FALSE(watcher->on_readable().has_value());
}

// The one real clock set in the unit tests is net-zero: the wall clock is set to the time just
// read, so it moves back only by the microseconds between the two calls. That still cancels
// the timer, and the measured delta is about zero.
TEST_CASE("clock jump watcher: net-zero set cancels", "[clock_jump]") {
  ClockJumpWatcher::Options options;
  options.threshold_ns = 0;                        // report even the tiny net-zero change
  options.max_slew_ppm = 0;
  options.rebaseline_period_ns = 3600 * second_ns; // no expiry during the test
  auto watcher = ClockJumpWatcher::open(options);
  REQUIRE(watcher.ok());

  timespec now{};
  REQUIRE(clock_gettime(CLOCK_REALTIME, &now) == 0);
  if (clock_settime(CLOCK_REALTIME, &now) != 0) {
    if (errno == EPERM) TIMEGUARD_SKIP("clock_settime needs CAP_SYS_TIME");
    FAIL("clock_settime to the time just read failed, errno " << errno);
  }

  REQUIRE(wait_readable(watcher->fd(), 2000));
  const auto jump = watcher->on_readable();
  CHECK(watcher->cancel_count() >= 1);
  REQUIRE(jump.has_value());
  // Only the microseconds between the read and the set, plus sampling noise; 5 ms is a wide
  // bound for a loaded test machine.
  CHECK(std::llabs(jump->delta_ns) < 5 * millisecond_ns);
}

TEST_CASE("clock sample: realtime and boottime pair", "[clock_jump]") {
  const ClockSample first = read_clock_sample();
  const ClockSample second = read_clock_sample();

  CHECK(second.boottime_ns >= first.boottime_ns);
  // Without a set in between, the offset moves only by slew and sampling noise.
  const std::int64_t offset_change = (second.realtime_ns - second.boottime_ns) -
                                     (first.realtime_ns - first.boottime_ns);
  CHECK(std::llabs(offset_change) < 5 * millisecond_ns);
}
