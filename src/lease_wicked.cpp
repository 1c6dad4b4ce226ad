#include "lease_wicked.hpp"

#include <sys/socket.h>

#include <string>

#include "lease_syntax.hpp"

namespace timeguard {

namespace {

constexpr std::uint64_t kInfinite = 0xffffffff;

// Returns the content between <name ...> and </name> in `text`, or std::nullopt when there is no
// such element. An empty element <name/> returns an empty view.
std::optional<std::string_view> element_content(std::string_view text, std::string_view name) {
  std::string open = "<" + std::string(name);
  std::size_t search_from = 0;
  while (true) {
    std::size_t start = text.find(open, search_from);
    if (start == std::string_view::npos) {
      return std::nullopt;
    }
    std::size_t after_name = start + open.size();
    if (after_name >= text.size()) {
      return std::nullopt;
    }
    char next = text[after_name];
    if (next != '>' && next != ' ' && next != '/' && next != '\t' && next != '\n') {
      search_from = after_name;  // a longer name with the same prefix
      continue;
    }
    std::size_t tag_end = text.find('>', after_name);
    if (tag_end == std::string_view::npos) {
      return std::nullopt;
    }
    if (text[tag_end - 1] == '/') {
      return std::string_view{};
    }
    std::size_t close = text.find("</" + std::string(name) + ">", tag_end + 1);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    return text.substr(tag_end + 1, close - tag_end - 1);
  }
}

// Finds the DHCP child: its name ends in ":dhcp" ("ipv4:dhcp"). Falls back to the whole lease.
std::string_view dhcp_section(std::string_view lease) {
  std::size_t marker = lease.find(":dhcp>");
  if (marker == std::string_view::npos) {
    return lease;
  }
  std::size_t open = lease.rfind('<', marker);
  if (open == std::string_view::npos || lease.substr(open, 2) == "</") {
    return lease;
  }
  std::string_view name = lease.substr(open + 1, marker + 5 - open - 1);
  return element_content(lease, name).value_or(lease);
}

Result<std::optional<std::uint64_t>> optional_seconds(std::string_view section, std::string_view name) {
  auto content = element_content(section, name);
  if (!content) {
    return std::optional<std::uint64_t>{};
  }
  auto value = parse_unsigned(trim(*content));
  if (!value) {
    return fail("invalid <" + std::string(name) + ">: " + value.error().reason);
  }
  return std::optional<std::uint64_t>{*value};
}

std::optional<std::int64_t> offset(std::int64_t start, std::uint64_t seconds) {
  if (seconds >= kInfinite) {
    return std::nullopt;
  }
  return start + static_cast<std::int64_t>(seconds);
}

Result<std::int64_t> read_acquired(std::string_view lease) {
  auto acquired = element_content(lease, "acquired");
  if (!acquired) {
    return fail("lease has no <acquired> element");
  }
  // Older wicked versions may write "seconds.microseconds"; the fraction is dropped.
  std::string_view seconds = trim(*acquired);
  seconds = seconds.substr(0, seconds.find('.'));
  auto value = parse_unsigned(seconds);
  if (!value || *value > static_cast<std::uint64_t>(kMaxLeaseInstant)) {
    return fail("invalid <acquired> \"" + std::string(trim(*acquired)) + "\"");
  }
  return static_cast<std::int64_t>(*value);
}

Status check_head(std::string_view lease) {
  auto family = element_content(lease, "family");
  if (family && trim(*family) != "ipv4") {
    return fail("lease family is \"" + std::string(trim(*family)) + "\", expected ipv4");
  }
  auto type = element_content(lease, "type");
  if (type && trim(*type) != "dhcp") {
    return fail("lease type is \"" + std::string(trim(*type)) + "\", expected dhcp");
  }
  return ok_status();
}

}  // namespace

Result<LeaseFileContents> parse_wicked_lease(std::string_view text, std::string_view interface) {
  auto lease_element = element_content(text, "lease");
  if (!lease_element) {
    return fail("no <lease> element");
  }
  if (auto head = check_head(*lease_element); !head) {
    return head.error();
  }
  auto acquired = read_acquired(*lease_element);
  if (!acquired) {
    return acquired.error();
  }

  std::string_view section = dhcp_section(*lease_element);
  auto address = element_content(section, "address");
  if (!address || !is_ip_address(trim(*address), AF_INET)) {
    return fail(address ? "invalid <address> \"" + std::string(trim(*address)) + "\""
                        : std::string("lease has no <address> element"));
  }
  auto lease_time = optional_seconds(section, "lease-time");
  auto renewal = optional_seconds(section, "renewal-time");
  auto rebind = optional_seconds(section, "rebind-time");
  for (const auto* field : {&lease_time, &renewal, &rebind}) {
    if (!*field) {
      return field->error();
    }
  }

  DhcpLease lease;
  lease.client = DhcpClient::wicked;
  lease.interface = std::string(interface);
  lease.family = AF_INET;
  lease.address = std::string(trim(*address));
  lease.starts = *acquired;
  std::uint64_t total = lease_time->value_or(0) == 0 ? kInfinite : **lease_time;
  bool infinite = total >= kInfinite;
  lease.renew = offset(*acquired, renewal->value_or(infinite ? kInfinite : total / 2));
  lease.rebind = offset(*acquired, rebind->value_or(infinite ? kInfinite : total * 7 / 8));
  lease.expire = offset(*acquired, total);
  return LeaseFileContents{{lease}, {}};
}

}  // namespace timeguard
