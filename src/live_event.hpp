#pragma once

#include <cstdint>

#include "time_change.hpp"

namespace timeguard {

// Seconds between when an event happened and when it is read, beyond which the event is not
// live. Such an event comes from a saved log or a long-delayed stream, so this host's
// processes and addresses tell nothing about it.
constexpr std::int64_t kLiveEventWindowS = 300;

// Rounds nanoseconds to whole seconds, half away from zero.
std::int64_t round_to_seconds(std::int64_t ns);

// Tells whether `change` happened within kLiveEventWindowS of `now_s` (Unix seconds, wall
// clock now). The audit stamp is taken before the syscall runs. So after a step the wall
// clock reads about stamp + delta, and after other kinds about the stamp.
bool is_live_event(const TimeChange& change, std::int64_t now_s);

}  // namespace timeguard
