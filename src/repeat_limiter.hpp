#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace timeguard {

// Decides whether a repeated log message may go out now: the first message for a key always
// does, later ones at most once per interval. Suppressed repeats are counted and the count is
// handed to the next message that goes out. Time is injected (steady_clock) so tests drive it.
class RepeatLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RepeatLimiter(std::chrono::seconds interval) : interval_(interval) {}

  // Returns true when the message for `key` may be logged now. Then `suppressed` is set to the
  // number of repeats dropped since the last one that went out.
  bool allow(const std::string& key, Clock::time_point now, std::uint64_t& suppressed);

  // Forgets `key`, so that its next message goes out at once (the condition cleared).
  void reset(const std::string& key) { entries_.erase(key); }

 private:
  struct Entry {
    Clock::time_point last;
    std::uint64_t suppressed = 0;
  };
  std::chrono::seconds interval_;
  std::map<std::string, Entry> entries_;
};

}  // namespace timeguard
