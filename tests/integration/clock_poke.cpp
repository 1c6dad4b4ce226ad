// Makes three real clock syscalls with a net change of zero, so that an integration test can
// compare what the kernel audits and what the plugin reports:
//   1. clock_settime(CLOCK_REALTIME) to the time just read: the kernel logs the tiny backward
//      step between the read and the set as TIME_INJOFFSET.
//   2. clock_adjtime(CLOCK_REALTIME, ADJ_SETOFFSET) by +1 µs, then at once by -1 µs.
//   3. adjtimex() with modes = 0, which only reads (glibc 2.31 and later issue it as
//      clock_adjtime(CLOCK_REALTIME, ...)).
// It changes nothing else. Step 2 uses microsecond units on purpose: ADJ_NANO would also set
// STA_NANO in the kernel's NTP status and leave it set after the program ends.

#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace {

constexpr long kOffsetMicroseconds = 1;  // one µs = 1000 ns; the safety limit is 1000 µs

bool report(const char* action, int result) {
  if (result < 0) {
    std::printf("%s: failed: %s\n", action, std::strerror(errno));
    return false;
  }
  std::printf("%s: ok\n", action);
  return true;
}

bool set_clock_to_now() {
  timespec now{};
  if (clock_gettime(CLOCK_REALTIME, &now) != 0) {
    return report("clock_gettime(CLOCK_REALTIME)", -1);
  }
  return report("clock_settime(CLOCK_REALTIME) to the time just read",
                clock_settime(CLOCK_REALTIME, &now));
}

// Builds an ADJ_SETOFFSET request. The kernel reads time as sec + usec with 0 <= usec < 1e6,
// so -1 µs is written as sec = -1, usec = 999999.
timex offset_request(long microseconds) {
  timex request{};
  request.modes = ADJ_SETOFFSET;
  request.time.tv_sec = microseconds < 0 ? -1 : 0;
  request.time.tv_usec = microseconds < 0 ? 1'000'000 + microseconds : microseconds;
  return request;
}

bool step_forward_and_back() {
  timex forward = offset_request(kOffsetMicroseconds);
  if (!report("clock_adjtime(CLOCK_REALTIME, ADJ_SETOFFSET) by +1 us",
              clock_adjtime(CLOCK_REALTIME, &forward))) {
    return false;
  }

  timex backward = offset_request(-kOffsetMicroseconds);
  return report("clock_adjtime(CLOCK_REALTIME, ADJ_SETOFFSET) by -1 us",
                clock_adjtime(CLOCK_REALTIME, &backward));
}

bool read_ntp_state() {
  timex query{};
  query.modes = 0;
  return report("adjtimex() with modes=0 (read only)", adjtimex(&query));
}

}  // namespace

int main() {
  std::printf("clock_poke pid=%d\n", static_cast<int>(getpid()));
  std::fflush(stdout);

  bool ok = set_clock_to_now();
  ok = step_forward_and_back() && ok;
  ok = read_ntp_state() && ok;
  return ok ? 0 : 1;
}
