#include "lease_networkd.hpp"

#include <sys/socket.h>

#include <nlohmann/json.hpp>
#include <string>

#include "lease_syntax.hpp"

namespace timeguard {

namespace {

constexpr std::uint64_t kInfiniteSeconds = 0xffffffff;  // RFC 2131: all ones means infinity

// The durations a lease file stores, in seconds. An empty `lifetime` means infinity.
struct LeaseDurations {
  std::string address;
  bool has_lifetime = false;
  std::optional<std::uint64_t> lifetime;
  std::optional<std::uint64_t> t1;
  std::optional<std::uint64_t> t2;
};

// Parses a duration field. "infinity" and 0xffffffff return std::nullopt.
Result<std::optional<std::uint64_t>> parse_duration(std::string_view key, std::string_view value) {
  if (trim(value) == "infinity") {
    return std::optional<std::uint64_t>{};
  }
  auto seconds = parse_timespan_seconds(value);
  if (!seconds) {
    return fail("invalid " + std::string(key) + ": " + seconds.error().reason);
  }
  if (*seconds >= kInfiniteSeconds) {
    return std::optional<std::uint64_t>{};
  }
  return std::optional<std::uint64_t>{*seconds};
}

Status store_duration(LeaseDurations& durations, std::string_view key, std::string_view value) {
  auto duration = parse_duration(key, value);
  if (!duration) {
    return duration.error();
  }
  if (key == "LIFETIME" || key == "Lifetime") {
    durations.has_lifetime = true;
    durations.lifetime = *duration;
  } else if (key == "T1") {
    durations.t1 = duration->value_or(kInfiniteSeconds);
  } else {
    durations.t2 = duration->value_or(kInfiniteSeconds);
  }
  return ok_status();
}

std::optional<std::int64_t> offset(std::int64_t start, std::optional<std::uint64_t> seconds) {
  if (!seconds || *seconds >= kInfiniteSeconds) {
    return std::nullopt;
  }
  return start + static_cast<std::int64_t>(*seconds);
}

Result<LeaseFileContents> build_lease(const LeaseDurations& durations, std::string_view interface,
                                      std::int64_t acquired_unix_s, DhcpClient client) {
  if (durations.address.empty()) {
    return fail("lease has no address (ADDRESS= or \"Address\" missing)");
  }
  if (!is_ip_address(durations.address, AF_INET)) {
    return fail("invalid address \"" + durations.address + "\"");
  }

  DhcpLease lease;
  lease.client = client;
  lease.interface = std::string(interface);
  lease.family = AF_INET;
  lease.address = durations.address;
  lease.starts = acquired_unix_s;
  lease.schedule_known = durations.has_lifetime;
  if (durations.has_lifetime && durations.lifetime) {
    std::uint64_t lifetime = *durations.lifetime;
    lease.renew = offset(acquired_unix_s, durations.t1.value_or(lifetime / 2));
    lease.rebind = offset(acquired_unix_s, durations.t2.value_or(lifetime * 7 / 8));
    lease.expire = offset(acquired_unix_s, lifetime);
  }
  return LeaseFileContents{{lease}, {}};
}

// ---------------------------------------------------------------------------------------------
// KEY=VALUE form.

Result<LeaseFileContents> parse_env_form(std::string_view text, std::string_view interface,
                                         std::int64_t mtime_unix_s, DhcpClient client) {
  auto fields = split_key_values(text);
  if (!fields) {
    return fields.error();
  }
  LeaseDurations durations;
  for (const auto& [key, value] : *fields) {
    if (key == "ADDRESS") {
      durations.address = std::string(trim(value));
    } else if (key == "LIFETIME" || key == "T1" || key == "T2") {
      if (auto stored = store_duration(durations, key, value); !stored) {
        return stored.error();
      }
    }
  }
  return build_lease(durations, interface, mtime_unix_s, client);
}

// ---------------------------------------------------------------------------------------------
// JSON form.

// Reads "Fri 2026-12-04 18:00:00.123456 UTC", the TIMESTAMP_US style systemd writes.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view text) {
  std::size_t space = text.find(' ');
  if (space == std::string_view::npos || !text.ends_with(" UTC")) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(space + 1, text.size() - space - 1 - 4);
  // rest = "YYYY-MM-DD HH:MM:SS[.ffffff]"
  if (rest.size() < 19 || rest[4] != '-' || rest[7] != '-' || rest[10] != ' ' || rest[13] != ':' ||
      rest[16] != ':') {
    return std::nullopt;
  }
  auto year = parse_unsigned(rest.substr(0, 4));
  auto month = parse_unsigned(rest.substr(5, 2));
  auto day = parse_unsigned(rest.substr(8, 2));
  auto hour = parse_unsigned(rest.substr(11, 2));
  auto minute = parse_unsigned(rest.substr(14, 2));
  auto second = parse_unsigned(rest.substr(17, 2));
  bool valid = year && month && day && hour && minute && second && *year >= 1970 && *month >= 1 &&
               *month <= 12 && *day >= 1 && *day <= 31 && *hour <= 23 && *minute <= 59 && *second <= 60;
  if (!valid) {
    return std::nullopt;
  }
  return utc_to_unix_seconds(static_cast<int>(*year), static_cast<unsigned>(*month),
                             static_cast<unsigned>(*day), static_cast<unsigned>(*hour),
                             static_cast<unsigned>(*minute), static_cast<unsigned>(*second));
}

// "Address" is a byte array in systemd's JSON; "AddressString" carries the dotted form.
std::string json_address(const nlohmann::json& root) {
  if (auto it = root.find("AddressString"); it != root.end() && it->is_string()) {
    return it->get<std::string>();
  }
  auto it = root.find("Address");
  if (it == root.end()) {
    return {};
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  if (!it->is_array() || it->size() != 4) {
    return "(not four bytes)";
  }
  std::string dotted;
  for (const auto& byte : *it) {
    if (!byte.is_number_unsigned() || byte.get<std::uint64_t>() > 255) {
      return "(byte out of range)";
    }
    dotted += (dotted.empty() ? "" : ".") + std::to_string(byte.get<std::uint64_t>());
  }
  return dotted;
}

Status read_json_duration(const nlohmann::json& root, const char* key, LeaseDurations& durations) {
  auto it = root.find(key);
  if (it == root.end() || it->is_null()) {
    return ok_status();
  }
  if (it->is_number_unsigned()) {
    return store_duration(durations, key, std::to_string(it->get<std::uint64_t>()));
  }
  if (!it->is_string()) {
    return fail("invalid " + std::string(key) + ": expected a string or number");
  }
  return store_duration(durations, key, it->get<std::string>());
}

Result<LeaseFileContents> parse_json_form(std::string_view text, std::string_view interface,
                                          std::int64_t mtime_unix_s) {
  nlohmann::json root = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) {
    return fail("invalid JSON lease");
  }
  if (!root.is_object()) {
    return fail("JSON lease is not an object");
  }
  LeaseDurations durations;
  durations.address = json_address(root);
  for (const char* key : {"Lifetime", "T1", "T2"}) {
    if (auto status = read_json_duration(root, key, durations); !status) {
      return status.error();
    }
  }

  std::int64_t acquired = mtime_unix_s;
  if (auto it = root.find("Timestamp_realtime"); it != root.end() && it->is_string()) {
    acquired = parse_utc_timestamp(it->get<std::string>()).value_or(mtime_unix_s);
  }
  return build_lease(durations, interface, acquired, DhcpClient::networkd);
}

}  // namespace

Result<LeaseFileContents> parse_key_value_lease(std::string_view text, std::string_view interface,
                                                std::int64_t mtime_unix_s, DhcpClient client) {
  return parse_env_form(text, interface, mtime_unix_s, client);
}

Result<LeaseFileContents> parse_networkd_lease(std::string_view text, std::string_view interface,
                                               std::int64_t mtime_unix_s) {
  std::string_view body = trim(text);
  if (!body.empty() && body.front() == '{') {
    return parse_json_form(body, interface, mtime_unix_s);
  }
  return parse_env_form(text, interface, mtime_unix_s, DhcpClient::networkd);
}

}  // namespace timeguard
