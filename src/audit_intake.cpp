#include "audit_intake.hpp"

#include <cstring>

namespace timeguard {

AuditIntake::AuditIntake(const ClockSyscalls& syscalls, AssemblerLimits limits,
                         BadLineHandler on_bad_line)
    : assembler_(syscalls, limits), on_bad_line_(std::move(on_bad_line)) {}

void AuditIntake::process_line(std::string_view line, MonotonicClock::time_point now) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  ++stats_.lines;
  if (line.size() > kMaxLineBytes) {
    ++stats_.overlong_lines;
    if (on_bad_line_) on_bad_line_("line longer than " + std::to_string(kMaxLineBytes) + " bytes", line.substr(0, 256));
    return;
  }

  Result<RecordView> record = parse_record(line);
  if (!record) {
    ++stats_.malformed_lines;
    if (on_bad_line_) on_bad_line_(record.error().reason, line);
    return;
  }
  assembler_.add(*record, line, now);
}

void AuditIntake::consume(std::string_view bytes, MonotonicClock::time_point now) {
  stats_.bytes += bytes.size();
  while (!bytes.empty()) {
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    if (found == nullptr) {
      if (!discarding_overlong_) partial_.append(bytes);
      break;
    }
    const std::size_t length = static_cast<const char*>(found) - bytes.data();
    const std::string_view piece = bytes.substr(0, length);
    bytes.remove_prefix(length + 1);

    if (discarding_overlong_) {
      discarding_overlong_ = false;
      continue;
    }
    if (partial_.empty()) {
      process_line(piece, now);
    } else {
      partial_.append(piece);
      process_line(partial_, now);
      partial_.clear();
    }
  }

  if (partial_.size() > kMaxLineBytes) {
    ++stats_.overlong_lines;
    if (on_bad_line_) {
      on_bad_line_("line longer than " + std::to_string(kMaxLineBytes) + " bytes",
                   std::string_view(partial_).substr(0, 256));
    }
    partial_.clear();
    discarding_overlong_ = true;
  }
}

void AuditIntake::finish(MonotonicClock::time_point now) {
  if (!partial_.empty() && !discarding_overlong_) process_line(partial_, now);
  partial_.clear();
  discarding_overlong_ = false;
  assembler_.flush();
}

}  // namespace timeguard
