#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace timeguard {

// One global address as the kernel reports it. Lifetimes are seconds remaining, counted by the
// kernel on a monotonic clock; std::nullopt means "forever" (INFINITY_LIFE_TIME).
struct KernelAddress {
  std::string interface;
  int ifindex = 0;
  int family = 0;             // AF_INET or AF_INET6
  std::string address;        // textual, without prefix length
  int prefix_length = 0;
  bool dynamic = false;       // true when the address has a finite valid lifetime
  std::optional<std::uint32_t> valid_lft_s;
  std::optional<std::uint32_t> preferred_lft_s;
};

}  // namespace timeguard
