#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace timeguard {

// The records of one audit event that timeguard needs (SYSCALL, TIME_INJOFFSET,
// TIME_ADJNTPVAL, PROCTITLE), as the raw lines auditd sent, in arrival order. Lines keep their
// `node=` prefix and any enriched part after the 0x1D separator, so auparse can decode them.
struct AuditEvent {
  std::string node;            // empty when auditd sends no node= prefix
  std::uint64_t serial = 0;
  std::int64_t time_sec = 0;   // audit stamp, Unix seconds
  std::uint32_t time_msec = 0; // audit stamp, milliseconds part
  std::vector<std::string> lines;
  bool ended_by_eoe = false;   // false when completed by age, cap or shutdown
};

}  // namespace timeguard
