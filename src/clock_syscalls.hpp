#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace timeguard {

// The syscalls that can write CLOCK_REALTIME, resolved to numbers per audit arch with libaudit,
// so that a SYSCALL record can be tested without decoding it. Numbers differ per arch: on i386,
// 227 is setxattr and clock_settime is 264.
class ClockSyscalls {
 public:
  ClockSyscalls();

  // `arch` is the AUDIT_ARCH_* value of the record's arch= field (e.g. 0xc000003e for x86_64).
  bool contains(std::uint32_t arch, int syscall) const;

  // The names looked up; a name unknown on an arch is skipped for that arch.
  static const std::vector<std::string_view>& names();

 private:
  struct ArchTable {
    std::uint32_t arch = 0;
    std::vector<int> numbers;
  };
  std::vector<ArchTable> tables_;
};

}  // namespace timeguard
