#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit_event.hpp"
#include "audit_record.hpp"
#include "clock_syscalls.hpp"

namespace timeguard {

using MonotonicClock = std::chrono::steady_clock;

struct AssemblerLimits {
  std::chrono::milliseconds max_age{2000};  // an event without EOE completes this long after its first record
  std::size_t max_in_flight = 4096;         // at least 1; beyond it the oldest open event completes early
};

// Counters for the status log; every record the assembler does not keep is counted here.
struct AssemblerStats {
  std::uint64_t records = 0;
  std::uint64_t events_emitted = 0;
  std::uint64_t completed_by_eoe = 0;
  std::uint64_t completed_by_age = 0;
  std::uint64_t completed_by_cap = 0;
  std::uint64_t completed_at_flush = 0;
  std::uint64_t duplicate_records = 0;
  std::uint64_t events_ignored = 0;  // syscall events of other syscalls
};

// Groups records into events by (node, serial) and keeps only clock-change events.
//
// Records of one event may arrive in any order and interleaved with other events (TIME_*
// records precede SYSCALL on kernels before 5.18). An event is kept when it has a TIME_*
// record or a SYSCALL record of a clock syscall for its arch. Of a kept event only SYSCALL,
// TIME_* and PROCTITLE lines are stored, so unrelated traffic costs a header parse and one
// hash lookup. Ages are measured on the monotonic clock passed in, never on audit stamps.
class EventAssembler {
 public:
  EventAssembler(const ClockSyscalls& syscalls, AssemblerLimits limits);

  // Adds one parsed record; `line` is the whole line it was parsed from.
  void add(const RecordView& record, std::string_view line, MonotonicClock::time_point now);

  // Completes events older than max_age.
  void expire(MonotonicClock::time_point now);

  // Completes every open event, oldest first (at EOF or shutdown).
  void flush();

  // Moves out the events completed so far.
  std::vector<AuditEvent> take_completed();

  // New limits apply from the next record on; open events keep their age.
  void set_limits(AssemblerLimits limits) { limits_ = limits; }

  const AssemblerStats& stats() const { return stats_; }
  std::size_t in_flight() const { return open_.size(); }

 private:
  enum class Decision : std::uint8_t { undecided, wanted, ignored };

  struct Key {
    std::uint32_t node_id;
    std::uint64_t serial;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept {
      return std::hash<std::uint64_t>()(key.serial * 31 + key.node_id);
    }
  };
  struct OpenEvent {
    Decision decision = Decision::undecided;
    std::uint64_t generation = 0;
    MonotonicClock::time_point first_seen;
    AuditEvent event;
  };
  struct AgeEntry {
    Key key;
    std::uint64_t generation;
    MonotonicClock::time_point first_seen;
  };

  std::uint32_t intern_node(std::string_view node);
  bool is_clock_syscall(const RecordView& record) const;
  OpenEvent& open(const Key& key, const RecordView& record, MonotonicClock::time_point now);
  void keep_line(OpenEvent& open_event, std::string_view line);
  void complete(std::unordered_map<Key, OpenEvent, KeyHash>::iterator it, std::uint64_t& counter);
  void retire_oldest(std::uint64_t& counter);
  void enforce_cap();

  const ClockSyscalls& syscalls_;
  AssemblerLimits limits_;
  std::vector<std::string> nodes_;
  std::unordered_map<Key, OpenEvent, KeyHash> open_;
  std::deque<AgeEntry> by_age_;
  std::uint64_t next_generation_ = 1;
  std::vector<AuditEvent> completed_;
  AssemblerStats stats_;
};

}  // namespace timeguard
