#include "time_change_format.hpp"

#include <sys/timex.h>

#include <array>
#include <cstdio>
#include <utility>

namespace timeguard {
namespace {

// time_freq units: ns/s << 32, so 1 ppm (1000 ns/s) is 1000 << 32 (kernel/time/ntp.c PPM_SCALE
// times the 2^-16 ppm of struct timex freq).
constexpr double kScaledFreqPerPpm = 1000.0 * 4294967296.0;

struct DurationUnit {
  std::uint64_t nanoseconds;
  const char* name;
};
constexpr std::array<DurationUnit, 3> kDurationUnits{{
    {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "µs"}}};

// Returns |ns| without overflowing on INT64_MIN.
std::uint64_t magnitude(std::int64_t ns) {
  return ns < 0 ? ~static_cast<std::uint64_t>(ns) + 1 : static_cast<std::uint64_t>(ns);
}

// Formats value / unit with 3 decimals, rounded half up: 12345678 ns in ms is "12.346".
std::string format_in_unit(std::uint64_t ns, const DurationUnit& unit) {
  const std::uint64_t step = unit.nanoseconds / 1000;
  const std::uint64_t thousandths = ns / step + (ns % step >= (step + 1) / 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%llu.%03llu %s",
                static_cast<unsigned long long>(thousandths / 1000),
                static_cast<unsigned long long>(thousandths % 1000), unit.name);
  return text;
}

// Formats a non-negative duration by the rule that format_duration_ns documents.
std::string format_magnitude(std::uint64_t ns) {
  for (std::size_t i = 0; i < kDurationUnits.size(); ++i) {
    const DurationUnit& unit = kDurationUnits[i];
    if (ns < unit.nanoseconds) {
      continue;
    }
    // Only a value just under 1000 of the next unit can round up to it.
    const bool rounds_up =
        i > 0 && ns + unit.nanoseconds / 2000 >= kDurationUnits[i - 1].nanoseconds;
    return format_in_unit(ns, rounds_up ? kDurationUnits[i - 1] : unit);
  }
  return std::to_string(ns) + " ns";
}

struct StatusBit {
  int mask;
  const char* name;
};
constexpr std::array<StatusBit, 16> kStatusBits{{
    {STA_PLL, "PLL"},         {STA_PPSFREQ, "PPSFREQ"},     {STA_PPSTIME, "PPSTIME"},
    {STA_FLL, "FLL"},         {STA_INS, "INS"},             {STA_DEL, "DEL"},
    {STA_UNSYNC, "UNSYNC"},   {STA_FREQHOLD, "FREQHOLD"},   {STA_PPSSIGNAL, "PPSSIGNAL"},
    {STA_PPSJITTER, "PPSJITTER"}, {STA_PPSWANDER, "PPSWANDER"}, {STA_PPSERROR, "PPSERROR"},
    {STA_CLOCKERR, "CLOCKERR"}, {STA_NANO, "NANO"},         {STA_MODE, "MODE"},
    {STA_CLK, "CLK"}}};

std::string format_status_bits(std::int64_t value) {
  std::string names;
  std::uint64_t rest = static_cast<std::uint64_t>(value);
  for (const StatusBit& bit : kStatusBits) {
    if ((rest & static_cast<std::uint64_t>(bit.mask)) != 0) {
      names += names.empty() ? "" : "|";
      names += bit.name;
      rest &= ~static_cast<std::uint64_t>(bit.mask);
    }
  }
  if (rest != 0 || names.empty()) {
    char unknown[32];
    std::snprintf(unknown, sizeof unknown, "0x%llx", static_cast<unsigned long long>(rest));
    names += names.empty() ? "" : "|";
    names += rest != 0 ? unknown : "none";
  }
  char hex[32];
  std::snprintf(hex, sizeof hex, " (0x%llx)", static_cast<unsigned long long>(value));
  return names + hex;
}

bool needs_quotes(std::string_view value) {
  return value.empty() || value.find_first_of(" \"") != std::string_view::npos;
}

// Appends " name=value", escaped, quoted when needed; skipped when the value is empty.
void append_field(std::string& line, std::string_view name, std::string_view value) {
  if (value.empty()) {
    return;
  }
  std::string escaped = escape_control_characters(value);
  line += ' ';
  line += name;
  line += '=';
  if (!needs_quotes(escaped)) {
    line += escaped;
    return;
  }
  line += '"';
  for (char c : escaped) {
    line += c == '"' ? std::string("\\x22") : std::string(1, c);
  }
  line += '"';
}

std::string user_text(const std::optional<std::uint32_t>& id, const std::string& name) {
  if (!id) {
    return "unset";
  }
  return name.empty() ? std::to_string(*id) : name;
}

// Appends "by comm[pid] exe=... ppid=... auid=... uid=... [syscall=...] serial=...".
void append_attribution(std::string& line, const TimeChange& change, bool with_syscall) {
  const ProcessInfo& process = change.process;
  if (process.pid == 0) {
    line += " by unknown process";
  } else {
    std::string comm = process.comm.empty() ? "pid" : escape_control_characters(process.comm);
    line += " by " + comm + "[" + std::to_string(process.pid) + "]";
    append_field(line, "exe", process.exe);
    append_field(line, "ppid", std::to_string(process.ppid));
    append_field(line, "parent_exe", process.parent_exe);
    append_field(line, "unit", process.systemd_unit);
    append_field(line, "auid", user_text(process.auid, process.auid_name));
    if (process.uid) {
      append_field(line, "uid", user_text(process.uid, process.uid_name));
    }
    append_field(line, "tty", process.tty);
  }
  if (with_syscall) {
    append_field(line, "syscall", change.syscall);
  }
  append_field(line, "key", change.key);
  append_field(line, "serial", std::to_string(change.serial));
  append_field(line, "node", change.node);
  append_field(line, "proctitle", process.proctitle);
}

std::string format_step(const TimeChange& change) {
  std::string line = "wall clock stepped " + format_step_size(change.delta_ns.value_or(0));
  append_attribution(line, change, true);
  return line;
}

std::string format_adjust(const TimeChange& change) {
  std::string line = "ntp adjustment";
  for (std::size_t i = 0; i < change.adjustments.size(); ++i) {
    const NtpAdjustment& adjustment = change.adjustments[i];
    line += i == 0 ? " " : ", ";
    line += escape_control_characters(adjustment.op) + " " +
            ntp_value_in_human_units(adjustment.op, adjustment.old_value) + " -> " +
            ntp_value_in_human_units(adjustment.op, adjustment.new_value);
  }
  append_attribution(line, change, true);
  return line;
}

std::string syscall_or_unknown(const TimeChange& change) {
  return change.syscall.empty() ? "unknown syscall" : escape_control_characters(change.syscall);
}

}  // namespace

std::string format_duration_ns(std::int64_t ns) {
  return (ns < 0 ? "-" : "") + format_magnitude(magnitude(ns));
}

std::string format_step_size(std::int64_t delta_ns) {
  if (delta_ns == 0) return "0 ns";
  // The direction word carries the sign.
  return std::string(delta_ns < 0 ? "back " : "forward ") + format_magnitude(magnitude(delta_ns));
}

std::string ntp_value_in_human_units(std::string_view op, std::int64_t value) {
  char text[64];
  if (op == "freq") {
    std::snprintf(text, sizeof text, "%.3f ppm", static_cast<double>(value) / kScaledFreqPerPpm);
    return text;
  }
  if (op == "tick" || op == "adjust") {
    return std::to_string(value) + " µs";
  }
  if (op == "tai") {
    return std::to_string(value) + " s";
  }
  if (op == "status") {
    return format_status_bits(value);
  }
  // NOTE: offset stays raw: converting time_offset to ns needs the kernel's HZ.
  return std::to_string(value);
}

std::string escape_control_characters(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '\\') {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      escaped += hex;
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string format_time_change(const TimeChange& change) {
  switch (change.kind) {
    case ChangeKind::step:
      return format_step(change);
    case ChangeKind::adjust:
      return format_adjust(change);
    case ChangeKind::denied: {
      std::string line = "wall clock change denied: " + syscall_or_unknown(change);
      append_attribution(line, change, false);
      return line;
    }
    case ChangeKind::read: {
      std::string line = "clock syscall changed nothing: " + syscall_or_unknown(change);
      append_attribution(line, change, false);
      return line;
    }
  }
  return "unknown clock change";
}

}  // namespace timeguard
