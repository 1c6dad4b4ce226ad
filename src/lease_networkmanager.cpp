#include "lease_networkmanager.hpp"

#include "lease_networkd.hpp"

namespace timeguard {

Result<LeaseFileContents> parse_networkmanager_lease(std::string_view text, std::string_view interface,
                                                     std::int64_t mtime_unix_s) {
  return parse_key_value_lease(text, interface, mtime_unix_s, DhcpClient::networkmanager);
}

}  // namespace timeguard
