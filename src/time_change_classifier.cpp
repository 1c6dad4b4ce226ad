#include "time_change_classifier.hpp"

#include <auparse.h>
#include <libaudit.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace timeguard {
namespace {

constexpr std::uint32_t kUnsetId = 4294967295U;  // auid, ses and uids print -1 as this
constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

struct AuparseCloser {
  void operator()(auparse_state_t* au) const { auparse_destroy(au); }
};
using Auparse = std::unique_ptr<auparse_state_t, AuparseCloser>;

// Parses a whole decimal integer: rejects empty text, a leading '+', trailing bytes and
// values outside T.
template <typename T>
std::optional<T> parse_integer(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    return std::nullopt;
  }
  return value;
}

// Moves the field cursor to `name` within the current record only. auparse_find_field would
// continue into the following records of the event, which would mix up fields of different
// record types.
bool seek_field(auparse_state_t* au, std::string_view name) {
  if (auparse_first_field(au) <= 0) {
    return false;
  }
  do {
    const char* field = auparse_get_field_name(au);
    if (field != nullptr && name == field) {
      return true;
    }
  } while (auparse_next_field(au) > 0);
  return false;
}

// Returns the field as the kernel wrote it (quotes and hex encoding kept).
std::optional<std::string> raw_field(auparse_state_t* au, std::string_view name) {
  if (!seek_field(au, name)) {
    return std::nullopt;
  }
  const char* value = auparse_get_field_str(au);
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

// Returns the field as auparse interprets it: names for ids, decoded strings.
std::optional<std::string> interpreted_field(auparse_state_t* au, std::string_view name) {
  if (!seek_field(au, name)) {
    return std::nullopt;
  }
  const char* value = auparse_interpret_field(au);
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

std::string text_or_empty(std::optional<std::string> value, std::string_view placeholder) {
  if (!value || *value == placeholder) {
    return {};
  }
  return std::move(*value);
}

// Reads a uid-like field: nullopt when missing, malformed or unset (-1).
std::optional<std::uint32_t> id_field(auparse_state_t* au, std::string_view name) {
  auto raw = raw_field(au, name);
  auto id = raw ? parse_integer<std::uint32_t>(*raw) : std::nullopt;
  if (!id || *id == kUnsetId) {
    return std::nullopt;
  }
  return id;
}

// Returns the user name auparse gives for a uid field, or "" when it found none.
std::string user_name_field(auparse_state_t* au, std::string_view name) {
  auto text = interpreted_field(au, name).value_or("");
  if (text == "unset" || text.rfind("unknown(", 0) == 0) {
    return {};
  }
  return text;
}

pid_t pid_field(auparse_state_t* au, std::string_view name) {
  auto raw = raw_field(au, name);
  auto pid = raw ? parse_integer<pid_t>(*raw) : std::nullopt;
  return pid.value_or(0);
}

// Joins every key= field of the record. The kernel writes several rule keys as one
// hex string separated by 0x01, which auparse splits into repeated key fields.
std::string keys_of_record(auparse_state_t* au) {
  std::string keys;
  if (auparse_first_field(au) <= 0) {
    return keys;
  }
  do {
    const char* field = auparse_get_field_name(au);
    const char* value = field != nullptr && std::strcmp(field, "key") == 0
                            ? auparse_interpret_field(au) : nullptr;
    if (value != nullptr && std::strcmp(value, "(null)") != 0) {
      keys += keys.empty() ? "" : ",";
      keys += value;
    }
  } while (auparse_next_field(au) > 0);
  return keys;
}

struct EventParts {
  bool has_syscall = false;
  std::optional<std::string> success;
  std::optional<std::int64_t> delta_ns;
};

// Copies the SYSCALL record into `change`. Sample: type=SYSCALL msg=audit(...): arch=c000003e
// syscall=227 success=yes exit=0 ... ppid=4200 pid=4242 auid=1000 uid=0 ... tty=pts0 ses=3
// comm="date" exe="/usr/bin/date" key="timeguard"
void read_syscall_record(auparse_state_t* au, TimeChange& change, EventParts& parts) {
  parts.has_syscall = true;
  parts.success = raw_field(au, "success");
  change.arch = interpreted_field(au, "arch").value_or("");
  change.syscall = interpreted_field(au, "syscall").value_or("");

  ProcessInfo& process = change.process;
  process.pid = pid_field(au, "pid");
  process.ppid = pid_field(au, "ppid");
  process.uid = id_field(au, "uid");
  process.uid_name = process.uid ? user_name_field(au, "uid") : "";
  process.auid = id_field(au, "auid");
  process.auid_name = process.auid ? user_name_field(au, "auid") : "";
  process.ses = id_field(au, "ses");
  process.tty = text_or_empty(interpreted_field(au, "tty"), "(none)");
  process.comm = text_or_empty(interpreted_field(au, "comm"), "(null)");
  process.exe = text_or_empty(interpreted_field(au, "exe"), "(null)");
  change.key = keys_of_record(au);
}

// Reads type=TIME_INJOFFSET msg=audit(...): sec=-1 nsec=999996655, an offset of sec + nsec
// seconds (the kernel's normalized timespec64: nsec is always in [0, 1e9)), here -3345 ns.
Result<std::int64_t> read_injected_offset(auparse_state_t* au) {
  auto sec_text = raw_field(au, "sec");
  auto nsec_text = raw_field(au, "nsec");
  if (!sec_text || !nsec_text) {
    return fail(std::string("TIME_INJOFFSET record has no ") + (sec_text ? "nsec" : "sec") +
                " field");
  }

  auto sec = parse_integer<std::int64_t>(*sec_text);
  auto nsec = parse_integer<std::int64_t>(*nsec_text);
  if (!sec) {
    return fail("TIME_INJOFFSET sec=" + *sec_text + " is not an integer");
  }
  if (!nsec) {
    return fail("TIME_INJOFFSET nsec=" + *nsec_text + " is not an integer");
  }
  if (*nsec < 0 || *nsec >= kNanosecondsPerSecond) {
    return fail("TIME_INJOFFSET nsec=" + *nsec_text + " is outside [0, 999999999]");
  }

  // For a negative sec, compute (sec + 1) s - (1 s - nsec) so that every offset that fits in
  // int64 nanoseconds, down to INT64_MIN, is accepted.
  std::int64_t whole = *sec;
  std::int64_t fraction = *nsec;
  if (whole < 0 && fraction > 0) {
    whole += 1;
    fraction -= kNanosecondsPerSecond;
  }
  std::int64_t delta = 0;
  if (__builtin_mul_overflow(whole, kNanosecondsPerSecond, &delta) ||
      __builtin_add_overflow(delta, fraction, &delta)) {
    return fail("TIME_INJOFFSET sec=" + *sec_text + " overflows int64 nanoseconds");
  }
  return delta;
}

// Reads type=TIME_ADJNTPVAL msg=audit(...): op=freq old=-37201248256000 new=-37237817344000.
Result<NtpAdjustment> read_ntp_adjustment(auparse_state_t* au) {
  auto op = raw_field(au, "op");
  auto old_text = raw_field(au, "old");
  auto new_text = raw_field(au, "new");
  if (!op || !old_text || !new_text) {
    return fail(std::string("TIME_ADJNTPVAL record has no ") +
                (!op ? "op" : (!old_text ? "old" : "new")) + " field");
  }

  auto old_value = parse_integer<std::int64_t>(*old_text);
  auto new_value = parse_integer<std::int64_t>(*new_text);
  if (!old_value || !new_value) {
    return fail("TIME_ADJNTPVAL op=" + *op + " old=" + *old_text + " new=" + *new_text +
                " is not a pair of integers");
  }
  return NtpAdjustment{*op, *old_value, *new_value};
}

// Adds an injected offset to the event's total. One syscall injects at most one offset, so
// summing only matters if a kernel ever writes two records, and then neither is lost.
Status add_offset(EventParts& parts, std::int64_t offset) {
  std::int64_t total = parts.delta_ns.value_or(0);
  if (__builtin_add_overflow(total, offset, &total)) {
    return fail("TIME_INJOFFSET records add up to more than int64 nanoseconds");
  }
  parts.delta_ns = total;
  return ok_status();
}

Status read_record(auparse_state_t* au, TimeChange& change, EventParts& parts) {
  switch (auparse_get_type(au)) {
    case AUDIT_SYSCALL:
      read_syscall_record(au, change, parts);
      return ok_status();
    case AUDIT_PROCTITLE:
      // auparse decodes hex or quoted text and shows the NUL argument separators as spaces.
      change.process.proctitle = interpreted_field(au, "proctitle").value_or("");
      return ok_status();
    case AUDIT_TIME_INJOFFSET: {
      auto offset = read_injected_offset(au);
      return offset ? add_offset(parts, *offset) : Status(offset.error());
    }
    case AUDIT_TIME_ADJNTPVAL: {
      auto adjustment = read_ntp_adjustment(au);
      if (!adjustment) {
        return adjustment.error();
      }
      change.adjustments.push_back(std::move(*adjustment));
      return ok_status();
    }
    default:
      return ok_status();
  }
}

// Returns the printable start of a line for error messages: at most 120 bytes, control bytes
// (including the 0x1D enrichment separator) shown as '?'.
std::string excerpt(std::string_view line) {
  std::string text(line.substr(0, std::min<std::size_t>(line.size(), 120)));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = '?';
    }
  }
  return text;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string buffer;
  for (const std::string& line : lines) {
    buffer += line;
    buffer += '\n';
  }
  return buffer;
}

void read_stamp(auparse_state_t* au, const AuditEvent& event, TimeChange& change) {
  const au_event_t* stamp = auparse_get_timestamp(au);
  if (stamp != nullptr) {
    change.time_sec = stamp->sec;
    change.time_msec = stamp->milli;
    change.serial = stamp->serial;
  }
  // auparse_get_node returns a malloc'ed copy.
  std::unique_ptr<char, decltype(&std::free)> node(const_cast<char*>(auparse_get_node(au)),
                                                   &std::free);
  change.node = node ? std::string(node.get()) : event.node;
}

Status read_records(auparse_state_t* au, TimeChange& change, EventParts& parts) {
  if (auparse_first_record(au) <= 0) {
    return fail("auparse found no record in the audit event");
  }
  do {
    Status status = read_record(au, change, parts);
    if (!status) {
      return status;
    }
  } while (auparse_next_record(au) > 0);
  return ok_status();
}

// Chooses the kind; denied wins over everything because a failed call changed nothing.
Result<ChangeKind> kind_of(const TimeChange& change, const EventParts& parts) {
  bool has_time_records = parts.delta_ns || !change.adjustments.empty();
  if (parts.has_syscall && !parts.success && !has_time_records) {
    return fail("SYSCALL record has no success field and the event has no TIME_* record");
  }
  if (!parts.has_syscall && !has_time_records) {
    return fail("audit event has no SYSCALL, TIME_INJOFFSET or TIME_ADJNTPVAL record");
  }

  if (parts.success && *parts.success != "yes") {
    return ChangeKind::denied;
  }
  if (parts.delta_ns) {
    return ChangeKind::step;
  }
  return change.adjustments.empty() ? ChangeKind::read : ChangeKind::adjust;
}

Auparse open_auparse(const std::string& buffer) {
  Auparse au(auparse_init(AUSOURCE_BUFFER, buffer.c_str()));
  if (au) {
    auparse_set_escape_mode(au.get(), AUPARSE_ESC_RAW);
  }
  return au;
}

}  // namespace

Result<TimeChange> classify(const AuditEvent& event) {
  if (event.lines.empty()) {
    return fail("audit event serial=" + std::to_string(event.serial) + " has no lines");
  }
  const std::string buffer = join_lines(event.lines);
  Auparse au = open_auparse(buffer);
  if (!au) {
    return fail(std::string("auparse_init failed: ") + std::strerror(errno));
  }
  if (auparse_next_event(au.get()) <= 0) {
    return fail("auparse found no audit record in " + std::to_string(event.lines.size()) +
                " lines, first line: " + excerpt(event.lines.front()));
  }

  TimeChange change;
  EventParts parts;
  read_stamp(au.get(), event, change);
  Status status = read_records(au.get(), change, parts);
  if (!status) {
    return status.error();
  }
  if (auparse_next_event(au.get()) > 0) {
    const au_event_t* next = auparse_get_timestamp(au.get());
    return fail("lines of audit event serial=" + std::to_string(change.serial) +
                " include another event, serial=" +
                std::to_string(next != nullptr ? next->serial : 0));
  }

  auto kind = kind_of(change, parts);
  if (!kind) {
    return kind.error();
  }
  change.kind = *kind;
  change.delta_ns = change.kind == ChangeKind::step ? parts.delta_ns : std::nullopt;
  // Without a success field, TIME_* records prove the kernel applied the change.
  change.success = parts.success ? *parts.success == "yes" : true;
  return change;
}

}  // namespace timeguard
