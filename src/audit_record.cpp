#include "audit_record.hpp"

#include <charconv>
#include <cstring>
#include <string>

namespace timeguard {
namespace {

constexpr char kEnrichedSeparator = '\x1d';
constexpr std::string_view kNodePrefix = "node=";
constexpr std::string_view kTypePrefix = "type=";
constexpr std::string_view kStampPrefix = " msg=audit(";

// auditd writes a type it has no name for as UNKNOWN[number]; the numbers are the kernel's
// (include/uapi/linux/audit.h).
RecordType type_from_number(std::string_view digits) {
  if (digits == "1300") return RecordType::syscall;
  if (digits == "1320") return RecordType::eoe;
  if (digits == "1327") return RecordType::proctitle;
  if (digits == "1332") return RecordType::time_injoffset;
  if (digits == "1333") return RecordType::time_adjntpval;
  return RecordType::other;
}

RecordType type_from_name(std::string_view name) {
  if (name == "SYSCALL") return RecordType::syscall;
  if (name == "EOE") return RecordType::eoe;
  if (name == "PROCTITLE") return RecordType::proctitle;
  if (name == "TIME_INJOFFSET") return RecordType::time_injoffset;
  if (name == "TIME_ADJNTPVAL") return RecordType::time_adjntpval;
  constexpr std::string_view unknown = "UNKNOWN[";
  if (name.size() > unknown.size() + 1 && name.substr(0, unknown.size()) == unknown &&
      name.back() == ']') {
    return type_from_number(name.substr(unknown.size(), name.size() - unknown.size() - 1));
  }
  return RecordType::other;
}

template <typename Number>
bool parse_decimal(std::string_view text, Number& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

// Parses "1733341370.123:4242" into the view.
Status parse_stamp(std::string_view stamp, RecordView& record) {
  const std::size_t dot = stamp.find('.');
  const std::size_t colon = stamp.find(':');
  if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot) {
    return fail("malformed audit stamp '" + std::string(stamp) + "': expected SECONDS.MILLIS:SERIAL");
  }
  if (!parse_decimal(stamp.substr(0, dot), record.time_sec) || record.time_sec < 0) {
    return fail("malformed audit stamp '" + std::string(stamp) + "': seconds are not a number");
  }
  const std::string_view millis = stamp.substr(dot + 1, colon - dot - 1);
  if (millis.size() != 3 || !parse_decimal(millis, record.time_msec)) {
    return fail("malformed audit stamp '" + std::string(stamp) + "': milliseconds are not 3 digits");
  }
  if (!parse_decimal(stamp.substr(colon + 1), record.serial)) {
    return fail("malformed audit stamp '" + std::string(stamp) + "': serial is not a number");
  }
  return ok_status();
}

// Consumes "node=NAME " from the front of `rest`, if present.
Status take_node(std::string_view& rest, RecordView& record) {
  if (rest.substr(0, kNodePrefix.size()) != kNodePrefix) return ok_status();
  const std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) return fail("node= prefix is not followed by a record");
  record.node = rest.substr(kNodePrefix.size(), space - kNodePrefix.size());
  if (record.node.empty()) return fail("node= prefix has an empty name");
  rest.remove_prefix(space + 1);
  return ok_status();
}

}  // namespace

Result<RecordView> parse_record(std::string_view line) {
  if (line.empty()) return fail("empty line");
  RecordView record;
  std::string_view rest = line;

  const std::size_t separator = rest.find(kEnrichedSeparator);
  if (separator != std::string_view::npos) {
    record.enriched = rest.substr(separator + 1);
    rest = rest.substr(0, separator);
  }

  if (Status node = take_node(rest, record); !node) return node.error();

  if (rest.substr(0, kTypePrefix.size()) != kTypePrefix) return fail("missing type= field");
  const std::size_t stamp_at = rest.find(kStampPrefix);
  if (stamp_at == std::string_view::npos) return fail("missing msg=audit( stamp");
  record.type_name = rest.substr(kTypePrefix.size(), stamp_at - kTypePrefix.size());
  if (record.type_name.empty()) return fail("empty record type");
  record.type = type_from_name(record.type_name);

  rest.remove_prefix(stamp_at + kStampPrefix.size());
  const std::size_t close = rest.find("):");
  if (close == std::string_view::npos) return fail("audit stamp is not closed by '):'");
  if (Status stamp = parse_stamp(rest.substr(0, close), record); !stamp) return stamp.error();

  rest.remove_prefix(close + 2);
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  record.body = rest;
  return record;
}

std::optional<std::string_view> find_field(std::string_view body, std::string_view name) {
  std::size_t from = 0;
  while (from < body.size()) {
    const std::size_t at = body.find(name, from);
    if (at == std::string_view::npos) return std::nullopt;
    const std::size_t equals = at + name.size();
    const bool starts_field = at == 0 || body[at - 1] == ' ';
    if (starts_field && equals < body.size() && body[equals] == '=') {
      const std::size_t value_start = equals + 1;
      const std::size_t value_end = body.find(' ', value_start);
      return body.substr(value_start, value_end == std::string_view::npos ? std::string_view::npos
                                                                           : value_end - value_start);
    }
    from = at + 1;
  }
  return std::nullopt;
}

}  // namespace timeguard
