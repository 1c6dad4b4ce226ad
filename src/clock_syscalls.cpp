#include "clock_syscalls.hpp"

#include <algorithm>
#include <libaudit.h>
#include <string>

namespace timeguard {

const std::vector<std::string_view>& ClockSyscalls::names() {
  // stime exists only on 32-bit arches; the *64 variants are the y2038-safe 32-bit entries.
  static const std::vector<std::string_view> kNames = {
      "settimeofday", "clock_settime",   "adjtimex",        "clock_adjtime",
      "stime",        "clock_settime64", "clock_adjtime64",
  };
  return kNames;
}

ClockSyscalls::ClockSyscalls() {
  const int machines[] = {MACH_86_64, MACH_X86,   MACH_AARCH64, MACH_ARM,
                          MACH_PPC64, MACH_PPC64LE, MACH_PPC,   MACH_S390X, MACH_S390};
  for (const int machine : machines) {
    ArchTable table;
    table.arch = audit_machine_to_elf(machine);
    if (table.arch == 0) continue;
    for (const std::string_view name : names()) {
      const int number = audit_name_to_syscall(std::string(name).c_str(), machine);
      if (number >= 0) table.numbers.push_back(number);
    }
    if (!table.numbers.empty()) tables_.push_back(std::move(table));
  }
}

bool ClockSyscalls::contains(std::uint32_t arch, int syscall) const {
  for (const ArchTable& table : tables_) {
    if (table.arch != arch) continue;
    return std::find(table.numbers.begin(), table.numbers.end(), syscall) != table.numbers.end();
  }
  return false;
}

}  // namespace timeguard
