// libFuzzer entry point for every lease reader. The first input byte picks the reader and the
// rest is the file content. Build and run by hand, for example:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I src \
//     tests/fuzz/lease_parsers_fuzz.cpp src/lease_*.cpp src/dhcp_lease.cpp -o /tmp/lease_fuzz
//   /tmp/lease_fuzz -max_total_time=60 tests/fixtures/leases
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lease_dhclient.hpp"
#include "lease_dhcpcd.hpp"
#include "lease_networkd.hpp"
#include "lease_networkmanager.hpp"
#include "lease_wicked.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      (void)timeguard::parse_dhclient_leases(text, "eth0", 1796400000);
      break;
    case 1:
      (void)timeguard::parse_networkd_lease(text, "eth0", 1796400000);
      break;
    case 2:
      (void)timeguard::parse_networkmanager_lease(text, "eth0", 1796400000);
      break;
    case 3:
      (void)timeguard::parse_dhcpcd_lease(text, "eth0", 1796400000);
      break;
    default:
      (void)timeguard::parse_wicked_lease(text, "eth0");
      break;
  }
  return 0;
}
