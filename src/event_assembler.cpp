#include "event_assembler.hpp"

#include <algorithm>
#include <charconv>

namespace timeguard {
namespace {

bool parse_hex_arch(std::string_view text, std::uint32_t& arch) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, arch, 16);
  return ec == std::errc() && ptr == end;
}

bool parse_syscall_number(std::string_view text, int& number) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, number);
  return ec == std::errc() && ptr == end;
}

}  // namespace

EventAssembler::EventAssembler(const ClockSyscalls& syscalls, AssemblerLimits limits)
    : syscalls_(syscalls), limits_(limits) {
  nodes_.emplace_back();  // id 0: no node= prefix
}

std::uint32_t EventAssembler::intern_node(std::string_view node) {
  // A stream carries one node name, or a handful when auditd aggregates remote hosts.
  for (std::uint32_t id = 0; id < nodes_.size(); ++id) {
    if (nodes_[id] == node) return id;
  }
  nodes_.emplace_back(node);
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

bool EventAssembler::is_clock_syscall(const RecordView& record) const {
  // arch= and syscall= are the first two fields of every SYSCALL record.
  const auto arch_text = find_field(record.body, "arch");
  const auto syscall_text = find_field(record.body, "syscall");
  std::uint32_t arch = 0;
  int number = -1;
  if (!arch_text || !syscall_text) return false;
  if (!parse_hex_arch(*arch_text, arch) || !parse_syscall_number(*syscall_text, number)) return false;
  return syscalls_.contains(arch, number);
}

EventAssembler::OpenEvent& EventAssembler::open(const Key& key, const RecordView& record,
                                                MonotonicClock::time_point now) {
  auto [it, inserted] = open_.try_emplace(key);
  if (!inserted) return it->second;

  OpenEvent& open_event = it->second;
  open_event.generation = next_generation_++;
  open_event.first_seen = now;
  open_event.event.node = std::string(record.node);
  open_event.event.serial = record.serial;
  open_event.event.time_sec = record.time_sec;
  open_event.event.time_msec = record.time_msec;
  by_age_.push_back({key, open_event.generation, now});
  enforce_cap();
  return open_event;
}

void EventAssembler::keep_line(OpenEvent& open_event, std::string_view line) {
  std::vector<std::string>& lines = open_event.event.lines;
  if (std::find(lines.begin(), lines.end(), line) != lines.end()) {
    ++stats_.duplicate_records;
    return;
  }
  lines.emplace_back(line);
}

void EventAssembler::add(const RecordView& record, std::string_view line,
                         MonotonicClock::time_point now) {
  ++stats_.records;
  if (record.type == RecordType::other) return;

  const Key key{intern_node(record.node), record.serial};
  auto existing = open_.find(key);

  if (record.type == RecordType::eoe) {
    if (existing == open_.end()) return;
    if (existing->second.decision == Decision::wanted) {
      existing->second.event.ended_by_eoe = true;
      complete(existing, stats_.completed_by_eoe);
    } else {
      open_.erase(existing);
    }
    return;
  }

  if (existing != open_.end() && existing->second.decision == Decision::ignored) return;

  bool wanted = record.type == RecordType::time_injoffset || record.type == RecordType::time_adjntpval;
  if (record.type == RecordType::syscall) {
    wanted = is_clock_syscall(record);
    if (!wanted) {
      OpenEvent& open_event = existing != open_.end() ? existing->second : open(key, record, now);
      open_event.decision = Decision::ignored;
      open_event.event.lines.clear();
      ++stats_.events_ignored;
      return;
    }
  }

  OpenEvent& open_event = existing != open_.end() ? existing->second : open(key, record, now);
  if (wanted) open_event.decision = Decision::wanted;
  keep_line(open_event, line);
}

void EventAssembler::complete(std::unordered_map<Key, OpenEvent, KeyHash>::iterator it,
                              std::uint64_t& counter) {
  ++counter;
  ++stats_.events_emitted;
  completed_.push_back(std::move(it->second.event));
  open_.erase(it);
}

// Completes (when wanted) or drops the open event behind the oldest age entry. An entry whose
// event already ended by EOE is stale and only popped.
void EventAssembler::retire_oldest(std::uint64_t& counter) {
  const AgeEntry entry = by_age_.front();
  by_age_.pop_front();
  auto it = open_.find(entry.key);
  if (it == open_.end() || it->second.generation != entry.generation) return;
  if (it->second.decision == Decision::wanted) {
    complete(it, counter);
  } else {
    open_.erase(it);
  }
}

void EventAssembler::expire(MonotonicClock::time_point now) {
  while (!by_age_.empty() && now - by_age_.front().first_seen >= limits_.max_age) {
    retire_oldest(stats_.completed_by_age);
  }
}

void EventAssembler::enforce_cap() {
  while (open_.size() > limits_.max_in_flight && !by_age_.empty()) {
    retire_oldest(stats_.completed_by_cap);
  }
}

void EventAssembler::flush() {
  while (!by_age_.empty()) retire_oldest(stats_.completed_at_flush);
  open_.clear();
}

std::vector<AuditEvent> EventAssembler::take_completed() {
  std::vector<AuditEvent> out;
  out.swap(completed_);
  return out;
}

}  // namespace timeguard
