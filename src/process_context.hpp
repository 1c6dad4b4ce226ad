#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "time_change.hpp"

namespace timeguard {

// Adds what /proc still shows about the process of a clock syscall: parent_exe and
// parent_cmdline of the record's ppid, and the systemd unit of the process (or of its parent
// once the process has exited). Each file is read with one bounded read loop (at most 16 KiB)
// and nothing else blocks, but a read of /proc/PID/cmdline can wait for the target's memory
// map lock, so call this off the intake thread.
//
// Guards against pid reuse: when /proc/PID exists but its comm differs from the record's comm,
// the pid now belongs to another process (or the process called exec or renamed itself), and
// nothing is added. When the process is alive but its parent is no longer the record's ppid,
// the parent has exited and only the unit is added. Fields that cannot be read stay empty.
// NOTE: when the process has exited, the parent is taken as is. Its pid could have been
// reused in between, and the record carries no start time to rule that out.
void add_process_context(ProcessInfo& process, const std::string& proc_root = "/proc");

// Returns the systemd unit from the text of /proc/PID/cgroup: the last *.service or *.scope
// component of the cgroup v2 path ("0::/system.slice/chronyd.service"), or else of the v1
// name=systemd hierarchy ("1:name=systemd:/system.slice/ntp.service"). "" when there is none.
std::string systemd_unit_from_cgroup(std::string_view cgroup_file);

// Returns the ppid (field 4) from the text of /proc/PID/stat, or nullopt when the text is
// malformed. The comm (field 2) may itself contain spaces and parentheses.
std::optional<pid_t> parent_pid_from_stat(std::string_view stat_file);

}  // namespace timeguard
