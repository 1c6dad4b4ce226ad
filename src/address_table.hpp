#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "kernel_address.hpp"
#include "result.hpp"

struct nl_sock;

namespace timeguard {

// One difference between two address tables.
struct AddressChange {
  enum class Kind { added, removed, updated };
  Kind kind = Kind::added;
  KernelAddress address;  // the new state; for `removed`, the last state seen
};

std::string_view to_string(AddressChange::Kind kind);

// Reads every global (scope universe) IPv4 and IPv6 address from the kernel through
// libnl-route-3, sorted by interface index, family and address. Link-local, host and site
// scopes are left out because DHCP does not manage them.
Result<std::vector<KernelAddress>> read_kernel_addresses();

// Returns the table as it reads `elapsed_s` seconds later: each finite lifetime shrinks by that
// much, stopping at 0. Forever stays forever.
std::vector<KernelAddress> age_addresses(std::vector<KernelAddress> addresses, std::uint64_t elapsed_s);

// Lists what changed from `before` (already aged to the time of `after`) to `after`. Addresses
// are matched by interface index, family, address and prefix length. A match is `updated` when
// its name, dynamic flag or a lifetime differs. Lifetimes count as equal within `tolerance_s`
// because the kernel rounds remaining lifetimes down to whole seconds.
std::vector<AddressChange> diff_addresses(const std::vector<KernelAddress>& before,
                                          const std::vector<KernelAddress>& after,
                                          std::uint32_t tolerance_s = 1);

// Keeps a current table of kernel addresses without polling. It subscribes to the rtnetlink
// groups for IPv4 and IPv6 address changes and link changes (renames). When the socket
// becomes readable, the caller calls process(), which drains the notifications, re-reads the
// table with a dump and returns what changed. A dump after each burst, instead of applying each
// message, also recovers from a socket overrun (ENOBUFS) without extra code.
class AddressMonitor {
 public:
  // Subscribes first and dumps second, so no change between the two is missed.
  static Result<AddressMonitor> open();

  AddressMonitor(AddressMonitor&&) noexcept;
  AddressMonitor& operator=(AddressMonitor&&) noexcept;
  ~AddressMonitor();

  // The descriptor to poll for POLLIN.
  int fd() const;

  // Drains pending notifications (non-blocking), re-reads the table and returns the changes.
  // Returns an empty list when nothing changed or nothing was pending.
  Result<std::vector<AddressChange>> process();

  // The table aged to now on CLOCK_MONOTONIC, so lifetimes stay current between changes.
  std::vector<KernelAddress> addresses() const;

 private:
  struct SocketDeleter {
    void operator()(nl_sock* socket) const;
  };

  AddressMonitor(std::unique_ptr<nl_sock, SocketDeleter> socket, std::vector<KernelAddress> table);

  std::unique_ptr<nl_sock, SocketDeleter> socket_;
  std::vector<KernelAddress> table_;
  // When table_ was read. The kernel ages lifetimes in jiffies, which, like CLOCK_MONOTONIC,
  // do not advance during suspend.
  std::chrono::steady_clock::time_point read_at_;
};

}  // namespace timeguard
