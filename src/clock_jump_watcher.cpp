#include "clock_jump_watcher.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <sys/timerfd.h>
#include <unistd.h>
#include <utility>

#include <spdlog/spdlog.h>

namespace timeguard {

namespace {

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;

std::int64_t read_clock_ns(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * nanoseconds_per_second + now.tv_nsec;
}

std::int64_t offset_ns(const ClockSample& sample) {
  return sample.realtime_ns - sample.boottime_ns;
}

std::string errno_text(int error) {
  return std::string(std::strerror(error)) + " (errno " + std::to_string(error) + ")";
}

}  // namespace

ClockSample read_clock_sample() {
  ClockSample best;
  std::int64_t best_window_ns = -1;

  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::int64_t realtime_first = read_clock_ns(CLOCK_REALTIME);
    const std::int64_t boottime = read_clock_ns(CLOCK_BOOTTIME);
    const std::int64_t realtime_second = read_clock_ns(CLOCK_REALTIME);

    // A negative window means the clock was set between the two reads; that pair is useless.
    const std::int64_t window_ns = realtime_second - realtime_first;
    if (window_ns < 0) continue;
    if (best_window_ns < 0 || window_ns < best_window_ns) {
      best_window_ns = window_ns;
      best = ClockSample{realtime_first + window_ns / 2, boottime};
    }
  }

  if (best_window_ns < 0) {
    // Three sets in a row: fall back to one plain pair rather than return nothing.
    best = ClockSample{read_clock_ns(CLOCK_REALTIME), read_clock_ns(CLOCK_BOOTTIME)};
  }
  return best;
}

ClockJumpDetector::ClockJumpDetector(std::int64_t threshold_ns, std::int64_t max_slew_ppm,
                                     ClockSample baseline)
    : threshold_ns_(threshold_ns), max_slew_ppm_(max_slew_ppm), baseline_(baseline) {}

std::optional<ClockJump> ClockJumpDetector::observe(const ClockSample& now) {
  const std::int64_t delta_ns = offset_ns(now) - offset_ns(baseline_);
  const std::int64_t elapsed_ns = now.boottime_ns - baseline_.boottime_ns;
  baseline_ = now;

  // Double keeps elapsed * ppm from overflowing; the allowance needs no ns precision.
  const double slew_allowance_ns =
      static_cast<double>(elapsed_ns > 0 ? elapsed_ns : 0) * static_cast<double>(max_slew_ppm_) / 1e6;
  const double limit_ns = static_cast<double>(threshold_ns_) + slew_allowance_ns;
  if (static_cast<double>(std::llabs(delta_ns)) < limit_ns) return std::nullopt;

  return ClockJump{delta_ns, now.realtime_ns - delta_ns, now.realtime_ns, now.boottime_ns};
}

Result<ClockJumpWatcher> ClockJumpWatcher::open(Options options) {
  if (options.threshold_ns < 0) {
    return fail("clock jump threshold " + std::to_string(options.threshold_ns) +
                " ns is negative; use 0 or more");
  }
  if (options.max_slew_ppm < 0 || options.max_slew_ppm > 1'000'000) {
    return fail("clock jump max slew " + std::to_string(options.max_slew_ppm) +
                " ppm is out of range; use 0 to 1000000");
  }
  if (options.rebaseline_period_ns <= 0) {
    return fail("clock jump rebaseline period " + std::to_string(options.rebaseline_period_ns) +
                " ns is not positive; use a period such as 1000000000 (1 s)");
  }
  if (!options.read_clocks) return fail("clock jump watcher has no clock reader");

  const int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return fail("timerfd_create(CLOCK_REALTIME) failed: " + errno_text(errno));

  const ClockSample baseline = options.read_clocks();
  ClockJumpDetector detector(options.threshold_ns, options.max_slew_ppm, baseline);
  ClockJumpWatcher watcher(fd, std::move(options), detector);

  Status armed = watcher.arm();
  if (!armed) return armed.error();
  return watcher;
}

ClockJumpWatcher::ClockJumpWatcher(int fd, Options options, ClockJumpDetector detector)
    : fd_(fd), options_(std::move(options)), detector_(detector) {}

ClockJumpWatcher::ClockJumpWatcher(ClockJumpWatcher&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      options_(std::move(other.options_)),
      detector_(other.detector_),
      cancel_count_(other.cancel_count_) {}

ClockJumpWatcher& ClockJumpWatcher::operator=(ClockJumpWatcher&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    options_ = std::move(other.options_);
    detector_ = other.detector_;
    cancel_count_ = other.cancel_count_;
  }
  return *this;
}

ClockJumpWatcher::~ClockJumpWatcher() {
  if (fd_ >= 0) close(fd_);
}

// Arms a one-shot expiry rebaseline_period_ns after the current wall-clock time. Setting the
// timer also records the current realtime offset, against which the kernel cancels it later.
Status ClockJumpWatcher::arm() {
  const std::int64_t expiry_ns = read_clock_ns(CLOCK_REALTIME) + options_.rebaseline_period_ns;
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(expiry_ns / nanoseconds_per_second);
  spec.it_value.tv_nsec = static_cast<long>(expiry_ns % nanoseconds_per_second);

  if (timerfd_settime(fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) != 0) {
    return fail("timerfd_settime(TFD_TIMER_CANCEL_ON_SET) failed: " + errno_text(errno));
  }
  return ok_status();
}

std::optional<ClockJump> ClockJumpWatcher::on_readable() {
  std::uint64_t expirations = 0;
  if (read(fd_, &expirations, sizeof expirations) < 0) {
    const int error = errno;
    if (error == EAGAIN || error == EINTR) return std::nullopt;
    if (error == ECANCELED) {
      ++cancel_count_;
    } else {
      spdlog::warn("clock jump timer read failed: {}; re-arming", errno_text(error));
    }
  }

  // Arm before sampling: a set that lands between the two then cancels the new timer and is
  // also inside this sample, so it is reported now and the next cancel measures about 0.
  Status armed = arm();
  if (!armed) spdlog::error("clock jump timer not re-armed: {}", armed.error().reason);
  return detector_.observe(options_.read_clocks());
}

}  // namespace timeguard
