#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "event_assembler.hpp"

namespace timeguard {

struct IntakeStats {
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t malformed_lines = 0;
  std::uint64_t overlong_lines = 0;
};

// Called for each line the intake cannot use, with the reason; the line is raw bytes.
using BadLineHandler = std::function<void(std::string_view reason, std::string_view line)>;

// Turns the byte stream auditd writes to a plugin's stdin into completed clock-change events.
// Splits lines (a line may span reads), parses each record header and feeds the assembler.
class AuditIntake {
 public:
  // auditd's records are at most MAX_AUDIT_MESSAGE_LENGTH (8970) bytes, plus the enriched part.
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;

  AuditIntake(const ClockSyscalls& syscalls, AssemblerLimits limits, BadLineHandler on_bad_line);

  // Consumes the next bytes of the stream.
  void consume(std::string_view bytes, MonotonicClock::time_point now);

  // Ends the stream: an unterminated last line is processed, then all open events complete.
  void finish(MonotonicClock::time_point now);

  void expire(MonotonicClock::time_point now) { assembler_.expire(now); }
  void set_limits(AssemblerLimits limits) { assembler_.set_limits(limits); }
  std::vector<AuditEvent> take_completed() { return assembler_.take_completed(); }

  const IntakeStats& stats() const { return stats_; }
  const AssemblerStats& assembler_stats() const { return assembler_.stats(); }
  std::size_t in_flight() const { return assembler_.in_flight(); }

 private:
  void process_line(std::string_view line, MonotonicClock::time_point now);

  EventAssembler assembler_;
  BadLineHandler on_bad_line_;
  std::string partial_;          // an unterminated line carried to the next read
  bool discarding_overlong_ = false;
  IntakeStats stats_;
};

}  // namespace timeguard
