#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.hpp"

namespace timeguard {

// Parses a signed clock step such as "-1h", "+90m", "-3600s", "1d", "250ms" or "1h30m" into
// nanoseconds (positive = forward). Grammar: an optional leading + or -, then one or more
// whole numbers each followed by a unit: ns, us or µs, ms, s, m (minutes), h or d (86400 s).
// Each unit appears once, largest first. The total must fit in int64 nanoseconds (about ±292
// years). The error names the bad input and how to write it.
Result<std::int64_t> parse_step_duration(std::string_view text);

// Formats a step for people, e.g. "-3600 s" or "+0.25 s"; the sign is always shown.
std::string format_step(std::int64_t delta_ns);

}  // namespace timeguard
