#pragma once

#include "audit_event.hpp"
#include "result.hpp"
#include "time_change.hpp"

namespace timeguard {

// Classifies one assembled audit event as a step, an NTP adjustment, a read or a denied call,
// and copies the attribution (pid, ppid, uid, auid, ses, tty, comm, exe, proctitle, syscall,
// arch, key) from its SYSCALL and PROCTITLE records. libauparse decodes the lines, so `node=`
// prefixes, enriched parts after 0x1D, hex-encoded strings and per-arch syscall numbers are
// handled as auditd itself does. Sample input (x86_64 clock_settime moving the clock back 1 h):
//
//   type=TIME_INJOFFSET msg=audit(1700000000.123:42): sec=-3600 nsec=0
//   type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=227 success=yes ...
//
// Kinds: success=no gives denied, whatever else the event holds. Otherwise a TIME_INJOFFSET
// record gives step, TIME_ADJNTPVAL records without it give adjust, and neither gives read.
// An event with TIME_* records but no SYSCALL record (a lost record, or a rule set that
// audits only the TIME_* types) is still classified, with empty attribution, because the
// kernel writes TIME_* records only for changes it applied.
//
// Each rejection names the offending value. Rejected are: no lines, lines auparse cannot
// parse, and lines of more than one event. So is a TIME_INJOFFSET with a missing or
// non-integer sec or nsec, an nsec outside [0, 999999999], or a total beyond int64
// nanoseconds. So are a TIME_ADJNTPVAL with a missing op, old or new or a non-integer old or
// new, and an event with none of SYSCALL, TIME_INJOFFSET and TIME_ADJNTPVAL. Attribution fields that are
// missing or malformed stay empty instead, so that a step is reported even when its
// attribution is damaged.
//
// Names (uid_name, auid_name) come from the enriched part when present, else from this host's
// passwd database through auparse. NOTE: libauparse keeps its name caches in process-global
// state, so call this from one thread at a time.
Result<TimeChange> classify(const AuditEvent& event);

}  // namespace timeguard
