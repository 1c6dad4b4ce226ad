#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "time_change.hpp"

namespace timeguard {

// Formats a signed duration in the largest unit (s, ms, µs, ns) not above its magnitude,
// rounded half up to 3 decimals: "3600.000 s", "-12.500 ms", "3.345 µs", "999 ns". A value
// that would round to 1000.000 ms is shown as "1.000 s" instead.
std::string format_duration_ns(std::int64_t ns);

// Formats the size of a wall-clock step with its direction: "back 3600.000 s",
// "forward 1.000 µs", or "0 ns".
std::string format_step_size(std::int64_t delta_ns);

// Formats one TIME_ADJNTPVAL value, given in the kernel's internal units, in human units:
//   freq    time_freq, ns/s scaled by 2^32 (1 ppm = 1000 << 32): "-8.662 ppm"
//   tick    tick_usec, µs per USER_HZ tick: "10000 µs"
//   adjust  time_adjust, the adjtime() offset still to slew, µs: "-500 µs"
//   tai     TAI - UTC offset, s: "37 s"
//   status  STA_* bit mask: "PLL|UNSYNC|NANO (0x2041)"
//   offset  time_offset, ns << 32 / HZ: printed raw, because HZ (CONFIG_HZ) is not in the record
// Unknown ops print the raw number. Units as set in kernel/time/ntp.c __do_adjtimex.
std::string ntp_value_in_human_units(std::string_view op, std::int64_t value);

// Replaces control bytes (0x00-0x1F, 0x7F) and backslash with \xNN so that a comm, exe or
// proctitle cannot break a log line or fake a field. Other bytes pass unchanged.
std::string escape_control_characters(std::string_view text);

// Formats one syslog line, subject first, then key=value attribution:
//   step:   wall clock stepped back 3600.000 s by date[4242] exe=/usr/bin/date ppid=4200 ...
//   denied: wall clock change denied: clock_settime by date[4242] exe=/usr/bin/date ...
//   adjust: ntp adjustment freq -8.662 ppm -> -8.670 ppm by chronyd[820] ...
//   read:   clock syscall changed nothing: adjtimex by chronyd[820] ...
// Values that contain a space or a double quote are quoted, with the quote escaped as \x22.
std::string format_time_change(const TimeChange& change);

}  // namespace timeguard
