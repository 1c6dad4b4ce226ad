#include "lease_dhcpcd.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <string>

namespace timeguard {

namespace {

constexpr std::size_t kHeaderSize = 236;      // op .. file, RFC 2131 figure 1
constexpr std::size_t kYiaddrOffset = 16;
constexpr std::size_t kMaxMessageSize = 65536;  // far above any DHCP message dhcpcd accepts
constexpr std::array<unsigned char, 4> kMagicCookie{99, 130, 83, 99};
constexpr unsigned char kBootReply = 2;
constexpr unsigned char kOptionPad = 0;
constexpr unsigned char kOptionEnd = 255;
constexpr unsigned char kOptionLeaseTime = 51;
constexpr unsigned char kOptionRenewalTime = 58;
constexpr unsigned char kOptionRebindingTime = 59;
constexpr std::uint64_t kInfinite = 0xffffffff;

unsigned char byte_at(std::string_view bytes, std::size_t index) {
  return static_cast<unsigned char>(bytes[index]);
}

std::uint32_t read_be32(std::string_view bytes) {
  return static_cast<std::uint32_t>(byte_at(bytes, 0)) << 24 |
         static_cast<std::uint32_t>(byte_at(bytes, 1)) << 16 |
         static_cast<std::uint32_t>(byte_at(bytes, 2)) << 8 | byte_at(bytes, 3);
}

struct LeaseTimes {
  std::optional<std::uint32_t> lease_time;
  std::optional<std::uint32_t> t1;
  std::optional<std::uint32_t> t2;
};

Status store_time_option(unsigned char code, std::string_view value, LeaseTimes& times) {
  if (value.size() != 4) {
    return fail("option " + std::to_string(code) + " has length " + std::to_string(value.size()) +
                ", expected 4");
  }
  std::uint32_t seconds = read_be32(value);
  if (code == kOptionLeaseTime) {
    times.lease_time = seconds;
  } else if (code == kOptionRenewalTime) {
    times.t1 = seconds;
  } else {
    times.t2 = seconds;
  }
  return ok_status();
}

// Walks the options after the magic cookie up to the end option (or the end of the data).
Result<LeaseTimes> read_options(std::string_view options, std::size_t base_offset) {
  LeaseTimes times;
  std::size_t position = 0;
  while (position < options.size()) {
    unsigned char code = byte_at(options, position);
    if (code == kOptionEnd) {
      break;
    }
    if (code == kOptionPad) {
      ++position;
      continue;
    }
    if (position + 1 >= options.size()) {
      return fail("option " + std::to_string(code) + " at offset " +
                  std::to_string(base_offset + position) + " has no length byte");
    }
    std::size_t length = byte_at(options, position + 1);
    if (position + 2 + length > options.size()) {
      return fail("option " + std::to_string(code) + " at offset " +
                  std::to_string(base_offset + position) + " is truncated: length " +
                  std::to_string(length) + ", " + std::to_string(options.size() - position - 2) +
                  " bytes left");
    }
    std::string_view value = options.substr(position + 2, length);
    bool timing = code == kOptionLeaseTime || code == kOptionRenewalTime || code == kOptionRebindingTime;
    if (timing) {
      if (auto stored = store_time_option(code, value, times); !stored) {
        return stored.error();
      }
    }
    position += 2 + length;
  }
  return times;
}

std::optional<std::int64_t> offset(std::int64_t start, std::uint64_t seconds) {
  if (seconds >= kInfinite) {
    return std::nullopt;
  }
  return start + static_cast<std::int64_t>(seconds);
}

Status check_header(std::string_view bytes) {
  std::size_t minimum = kHeaderSize + kMagicCookie.size();
  if (bytes.size() < minimum) {
    return fail("truncated dhcpcd lease: " + std::to_string(bytes.size()) +
                " bytes, a DHCP message needs at least " + std::to_string(minimum));
  }
  if (bytes.size() > kMaxMessageSize) {
    return fail("dhcpcd lease too large: " + std::to_string(bytes.size()) + " bytes, max " +
                std::to_string(kMaxMessageSize));
  }
  if (byte_at(bytes, 0) != kBootReply) {
    return fail("not a BOOTP reply: op " + std::to_string(byte_at(bytes, 0)) + ", expected 2");
  }
  for (std::size_t i = 0; i < kMagicCookie.size(); ++i) {
    if (byte_at(bytes, kHeaderSize + i) != kMagicCookie[i]) {
      return fail("missing DHCP magic cookie at offset " + std::to_string(kHeaderSize));
    }
  }
  return ok_status();
}

}  // namespace

Result<LeaseFileContents> parse_dhcpcd_lease(std::string_view bytes, std::string_view interface,
                                             std::int64_t mtime_unix_s) {
  if (auto header = check_header(bytes); !header) {
    return header.error();
  }
  std::string_view yiaddr = bytes.substr(kYiaddrOffset, 4);
  if (read_be32(yiaddr) == 0) {
    return fail("lease has no assigned address (yiaddr 0.0.0.0)");
  }
  std::size_t options_offset = kHeaderSize + kMagicCookie.size();
  auto times = read_options(bytes.substr(options_offset), options_offset);
  if (!times) {
    return times.error();
  }

  std::array<char, INET_ADDRSTRLEN> text{};
  inet_ntop(AF_INET, yiaddr.data(), text.data(), text.size());
  DhcpLease lease;
  lease.client = DhcpClient::dhcpcd;
  lease.interface = std::string(interface);
  lease.family = AF_INET;
  lease.address = text.data();
  lease.starts = mtime_unix_s;
  std::uint64_t lease_time = times->lease_time.value_or(kInfinite);
  bool infinite = lease_time >= kInfinite;
  lease.renew = offset(mtime_unix_s, times->t1.value_or(infinite ? kInfinite : lease_time / 2));
  lease.rebind = offset(mtime_unix_s, times->t2.value_or(infinite ? kInfinite : lease_time * 7 / 8));
  lease.expire = offset(mtime_unix_s, lease_time);
  return LeaseFileContents{{lease}, {}};
}

}  // namespace timeguard
