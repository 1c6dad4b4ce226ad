#include <catch2/catch.hpp>

#include <string>

#include "audit_record.hpp"

using timeguard::find_field;
using timeguard::parse_record;
using timeguard::RecordType;

TEST_CASE("audit record: accepts real record shapes", "[record]") {
  struct Case {
    std::string line;
    std::string node;
    std::string type_name;
    RecordType type;
    std::int64_t sec;
    std::uint32_t msec;
    std::uint64_t serial;
    std::string body;
    std::string enriched;
  };
  const std::string enriched_line =
      "type=SYSCALL msg=audit(1733341370.123:4242): arch=c000003e syscall=227 key=\"timeguard\"\x1d"
      "ARCH=x86_64 SYSCALL=clock_settime";
  const Case cases[] = {
      {"type=SYSCALL msg=audit(1733341370.123:4242): arch=c000003e syscall=227 success=yes", "",
       "SYSCALL", RecordType::syscall, 1733341370, 123, 4242, "arch=c000003e syscall=227 success=yes", ""},
      {"node=web1 type=TIME_INJOFFSET msg=audit(1.000:7): sec=-1 nsec=999996655", "web1",
       "TIME_INJOFFSET", RecordType::time_injoffset, 1, 0, 7, "sec=-1 nsec=999996655", ""},
      {"type=TIME_ADJNTPVAL msg=audit(1733341370.999:18446744073709551615): op=freq old=1 new=2", "",
       "TIME_ADJNTPVAL", RecordType::time_adjntpval, 1733341370, 999, 18446744073709551615ull,
       "op=freq old=1 new=2", ""},
      {"type=EOE msg=audit(1733341370.123:4242): ", "", "EOE", RecordType::eoe, 1733341370, 123, 4242, "", ""},
      {"type=EOE msg=audit(1733341370.123:4242):", "", "EOE", RecordType::eoe, 1733341370, 123, 4242, "", ""},
      {"type=UNKNOWN[1332] msg=audit(5.001:9): sec=0 nsec=1000", "", "UNKNOWN[1332]",
       RecordType::time_injoffset, 5, 1, 9, "sec=0 nsec=1000", ""},
      {"type=UNKNOWN[1999] msg=audit(5.001:9): x=1", "", "UNKNOWN[1999]", RecordType::other, 5, 1, 9, "x=1", ""},
      {"type=PROCTITLE msg=audit(5.001:9): proctitle=2F62696E2F64617465", "", "PROCTITLE",
       RecordType::proctitle, 5, 1, 9, "proctitle=2F62696E2F64617465", ""},
      {"type=USER_LOGIN msg=audit(5.001:9): pid=1 msg='op=login acct=\"root\" res=success'", "",
       "USER_LOGIN", RecordType::other, 5, 1, 9, "pid=1 msg='op=login acct=\"root\" res=success'", ""},
      {enriched_line, "", "SYSCALL", RecordType::syscall, 1733341370, 123, 4242,
       "arch=c000003e syscall=227 key=\"timeguard\"", "ARCH=x86_64 SYSCALL=clock_settime"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    auto record = parse_record(c.line);
    REQUIRE(record.ok());
    CHECK(record->node == c.node);
    CHECK(record->type_name == c.type_name);
    CHECK(record->type == c.type);
    CHECK(record->time_sec == c.sec);
    CHECK(record->time_msec == c.msec);
    CHECK(record->serial == c.serial);
    CHECK(record->body == c.body);
    CHECK(record->enriched == c.enriched);
  }
}

TEST_CASE("audit record: rejects malformed lines with a reason", "[record]") {
  struct Case {
    std::string line;
    std::string reason;
  };
  const Case cases[] = {
      {"", "empty line"},
      {"hello world", "missing type= field"},
      {"node=web1", "node= prefix is not followed by a record"},
      {"node= type=SYSCALL msg=audit(1.000:1): x=1", "node= prefix has an empty name"},
      {"type=SYSCALL arch=c000003e", "missing msg=audit( stamp"},
      {"type= msg=audit(1.000:1): x", "empty record type"},
      {"type=SYSCALL msg=audit(1.000:1 x=1", "audit stamp is not closed by '):'"},
      {"type=SYSCALL msg=audit(1000:1): x", "malformed audit stamp '1000:1': expected SECONDS.MILLIS:SERIAL"},
      {"type=SYSCALL msg=audit(1:000.1): x", "malformed audit stamp '1:000.1': expected SECONDS.MILLIS:SERIAL"},
      {"type=SYSCALL msg=audit(x.000:1): x", "malformed audit stamp 'x.000:1': seconds are not a number"},
      {"type=SYSCALL msg=audit(-1.000:1): x", "malformed audit stamp '-1.000:1': seconds are not a number"},
      {"type=SYSCALL msg=audit(1.00:1): x", "malformed audit stamp '1.00:1': milliseconds are not 3 digits"},
      {"type=SYSCALL msg=audit(1.0000:1): x", "malformed audit stamp '1.0000:1': milliseconds are not 3 digits"},
      {"type=SYSCALL msg=audit(1.000:): x", "malformed audit stamp '1.000:': serial is not a number"},
      {"type=SYSCALL msg=audit(1.000:12a): x", "malformed audit stamp '1.000:12a': serial is not a number"},
      {"type=SYSCALL msg=audit(1.000:18446744073709551616): x",
       "malformed audit stamp '1.000:18446744073709551616': serial is not a number"},
      {"type=SYSCALL msg=audit(99999999999999999999.000:1): x",
       "malformed audit stamp '99999999999999999999.000:1': seconds are not a number"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    auto record = parse_record(c.line);
    REQUIRE_FALSE(record.ok());
    CHECK(record.error().reason == c.reason);
  }
}

TEST_CASE("audit record: finds fields by whole name", "[record]") {
  const std::string body = "arch=c000003e syscall=227 a0=0 exe=\"/usr/bin/date\" key=(null) subj=x";
  CHECK(find_field(body, "arch") == std::optional<std::string_view>("c000003e"));
  CHECK(find_field(body, "syscall") == std::optional<std::string_view>("227"));
  CHECK(find_field(body, "exe") == std::optional<std::string_view>("\"/usr/bin/date\""));
  CHECK(find_field(body, "key") == std::optional<std::string_view>("(null)"));
  CHECK(find_field(body, "subj") == std::optional<std::string_view>("x"));
  CHECK_FALSE(find_field(body, "rch").has_value());
  CHECK_FALSE(find_field(body, "a1").has_value());
  CHECK_FALSE(find_field(body, "ubj").has_value());
  CHECK_FALSE(find_field("", "arch").has_value());
  CHECK(find_field("arch=", "arch") == std::optional<std::string_view>(""));
}
