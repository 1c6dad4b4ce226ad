#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace timeguard {

// Effect of a clock syscall on CLOCK_REALTIME.
enum class ChangeKind {
  step,    // the kernel logged TIME_INJOFFSET: the wall clock jumped by delta_ns
  adjust,  // only TIME_ADJNTPVAL records: NTP discipline changed (offset, freq, status, ...)
  read,    // succeeded without changing anything (chronyd polls adjtimex constantly)
  denied,  // success=no: the kernel refused the change
};

std::string_view to_string(ChangeKind kind);

// One TIME_ADJNTPVAL record: op is offset, freq, status, tai, tick or adjust; old and new are
// in the kernel's units for that op (see ntp_value_in_human_units).
struct NtpAdjustment {
  std::string op;
  std::int64_t old_value = 0;
  std::int64_t new_value = 0;
};

// The process that made the syscall, from the audit records. The parent_* and unit fields come
// from /proc when the process or its parent was still alive at receipt, and stay empty otherwise.
struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> auid;   // nullopt for "unset" (4294967295)
  std::string uid_name;
  std::string auid_name;
  std::optional<std::uint32_t> ses;    // nullopt for "unset"
  std::string tty;
  std::string comm;
  std::string exe;
  std::string proctitle;               // decoded, NUL separators shown as spaces
  std::string parent_exe;
  std::string parent_cmdline;
  std::string systemd_unit;
};

// One classified clock syscall, attributed to its process.
struct TimeChange {
  ChangeKind kind = ChangeKind::read;
  std::string node;
  std::uint64_t serial = 0;
  std::int64_t time_sec = 0;
  std::uint32_t time_msec = 0;
  std::optional<std::int64_t> delta_ns;  // steps only; positive = wall clock moved forward
  std::vector<NtpAdjustment> adjustments;
  std::string syscall;                   // name for the record's arch, e.g. clock_settime
  std::string arch;                      // e.g. x86_64, i386
  bool success = false;
  std::string key;
  ProcessInfo process;
};

}  // namespace timeguard
