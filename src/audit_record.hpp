#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "result.hpp"

namespace timeguard {

// The record types the plugin acts on; everything else is `other` and costs no more than its
// header parse.
enum class RecordType : std::uint8_t { syscall, time_injoffset, time_adjntpval, proctitle, eoe, other };

// One audit record line as auditd sends it to plugins (format = string), split without copying:
//
//   node=web1 type=SYSCALL msg=audit(1733341370.123:4242): arch=c000003e syscall=227 ...
//
// `node=` is present when auditd's name_format is set. With log_format = ENRICHED the raw
// fields are followed by a 0x1D byte and auditd's interpretations (ARCH=x86_64 ...).
// All views point into the parsed line and live as long as it does.
struct RecordView {
  std::string_view node;       // empty when there is no node= prefix
  std::string_view type_name;  // SYSCALL, TIME_INJOFFSET, UNKNOWN[1332], ...
  RecordType type = RecordType::other;
  std::int64_t time_sec = 0;   // audit stamp, Unix seconds
  std::uint32_t time_msec = 0; // audit stamp, milliseconds part, 0..999
  std::uint64_t serial = 0;
  std::string_view body;       // raw fields after "): "
  std::string_view enriched;   // fields after the 0x1D separator, empty when absent
};

// Splits one record line (without its trailing newline). Rejects a line with a specific reason:
// empty, no type=, no msg=audit( stamp, a malformed stamp, ...
Result<RecordView> parse_record(std::string_view line);

// Returns the raw value of `name` in a record body ("name=value", fields separated by spaces),
// or nullopt when absent. A quoted value keeps its quotes; the value ends at the next space.
std::optional<std::string_view> find_field(std::string_view body, std::string_view name);

}  // namespace timeguard
