#include <catch2/catch.hpp>

#include <climits>
#include <string>
#include <vector>

#include "time_change_format.hpp"
#include "time_change_json.hpp"

using namespace timeguard;

namespace {

TimeChange date_step(std::int64_t delta_ns) {
  TimeChange change;
  change.kind = ChangeKind::step;
  change.serial = 42;
  change.time_sec = 1796413370;
  change.time_msec = 123;
  change.delta_ns = delta_ns;
  change.syscall = "clock_settime";
  change.arch = "x86_64";
  change.success = true;
  change.process.pid = 4242;
  change.process.ppid = 4200;
  change.process.uid = 0;
  change.process.uid_name = "root";
  change.process.auid = 1000;
  change.process.auid_name = "ops";
  change.process.comm = "date";
  change.process.exe = "/usr/bin/date";
  return change;
}

TimeChange chronyd_adjust() {
  TimeChange change;
  change.kind = ChangeKind::adjust;
  change.serial = 4237;
  change.syscall = "adjtimex";
  change.arch = "x86_64";
  change.success = true;
  change.adjustments = {{"freq", -37201248256000, -37237817344000}};
  change.process.pid = 820;
  change.process.ppid = 1;
  change.process.uid = 995;
  change.process.uid_name = "chrony";
  change.process.comm = "chronyd";
  change.process.exe = "/usr/sbin/chronyd";
  change.process.systemd_unit = "chronyd.service";
  return change;
}

}  // namespace

TEST_CASE("duration: unit by magnitude", "[format]") {
  struct Case {
    std::int64_t ns;
    const char* text;
  };
  const std::vector<Case> cases = {
      {0, "0 ns"},
      {1, "1 ns"},
      {-999, "-999 ns"},
      {1000, "1.000 µs"},
      {3345, "3.345 µs"},
      {-3345, "-3.345 µs"},
      {999'999, "999.999 µs"},
      {999'500, "999.500 µs"},
      {1'000'000, "1.000 ms"},
      {9'999'494, "9.999 ms"},
      {9'999'500, "10.000 ms"},
      {12'345'678, "12.346 ms"},
      {999'999'499, "999.999 ms"},
      {999'999'500, "1.000 s"},
      {999'999'999, "1.000 s"},
      {1'000'000'000, "1.000 s"},
      {-3'600'000'000'000, "-3600.000 s"},
      {3'600'000'499'999, "3600.000 s"},
      {3'600'000'500'000, "3600.001 s"},
      {INT64_MAX, "9223372036.855 s"},
      {INT64_MIN, "-9223372036.855 s"},
  };
  for (const Case& c : cases) {
    INFO(c.ns);
    CHECK(format_duration_ns(c.ns) == c.text);
  }
}

TEST_CASE("ntp values: human units per op", "[format]") {
  struct Case {
    const char* op;
    std::int64_t value;
    const char* text;
  };
  const std::vector<Case> cases = {
      {"freq", -37201248256000, "-8.662 ppm"},
      {"freq", 142290059264000, "33.129 ppm"},
      {"freq", 0, "0.000 ppm"},
      {"freq", 500LL * 1000 * 4294967296LL, "500.000 ppm"},
      {"tick", 10000, "10000 µs"},
      {"adjust", -500, "-500 µs"},
      {"tai", 37, "37 s"},
      {"status", 64, "UNSYNC (0x40)"},
      {"status", 8257, "PLL|UNSYNC|NANO (0x2041)"},
      {"status", 0, "none (0x0)"},
      {"status", 0x10000 | 0x1, "PLL|0x10000 (0x10001)"},
      {"offset", 4294967296000, "4294967296000"},
      {"future-op", 7, "7"},
  };
  for (const Case& c : cases) {
    INFO(c.op << " " << c.value);
    CHECK(ntp_value_in_human_units(c.op, c.value) == c.text);
  }
}

TEST_CASE("escape: control bytes and backslash", "[format]") {
  CHECK(escape_control_characters("date") == "date");
  CHECK(escape_control_characters("a\nb") == "a\\x0ab");
  CHECK(escape_control_characters(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(escape_control_characters("\x1b[31m") == "\\x1b[31m");
  CHECK(escape_control_characters("\x7f") == "\\x7f");
  CHECK(escape_control_characters("a\\x41") == "a\\x5cx41");
  CHECK(escape_control_characters("h\xc3\xa9") == "h\xc3\xa9");
}

TEST_CASE("format: step lines", "[format]") {
  CHECK(format_time_change(date_step(-3'600'000'000'000)) ==
        "wall clock stepped back 3600.000 s by date[4242] exe=/usr/bin/date ppid=4200 auid=ops "
        "uid=root syscall=clock_settime serial=42");
  CHECK(format_time_change(date_step(3345)) ==
        "wall clock stepped forward 3.345 µs by date[4242] exe=/usr/bin/date ppid=4200 auid=ops "
        "uid=root syscall=clock_settime serial=42");
  CHECK(format_time_change(date_step(0)) ==
        "wall clock stepped 0 ns by date[4242] exe=/usr/bin/date ppid=4200 auid=ops uid=root "
        "syscall=clock_settime serial=42");
  CHECK(format_time_change(date_step(INT64_MIN)).rfind(
            "wall clock stepped back 9223372036.855 s by", 0) == 0);
}

TEST_CASE("format: optional attribution fields", "[format]") {
  TimeChange change = date_step(-3'600'000'000'000);
  change.node = "web1";
  change.key = "timeguard";
  change.process.auid.reset();
  change.process.auid_name.clear();
  change.process.uid_name.clear();
  change.process.tty = "pts0";
  change.process.parent_exe = "/usr/bin/bash";
  change.process.systemd_unit = "session-3.scope";
  change.process.proctitle = "date -s @0";
  CHECK(format_time_change(change) ==
        "wall clock stepped back 3600.000 s by date[4242] exe=/usr/bin/date ppid=4200 "
        "parent_exe=/usr/bin/bash unit=session-3.scope auid=unset uid=0 tty=pts0 "
        "syscall=clock_settime key=timeguard serial=42 node=web1 proctitle=\"date -s @0\"");
}

TEST_CASE("format: denied, read and unknown process", "[format]") {
  TimeChange denied = date_step(0);
  denied.kind = ChangeKind::denied;
  denied.delta_ns.reset();
  denied.success = false;
  CHECK(format_time_change(denied) ==
        "wall clock change denied: clock_settime by date[4242] exe=/usr/bin/date ppid=4200 "
        "auid=ops uid=root serial=42");

  TimeChange read = chronyd_adjust();
  read.kind = ChangeKind::read;
  read.adjustments.clear();
  CHECK(format_time_change(read) ==
        "clock syscall changed nothing: adjtimex by chronyd[820] exe=/usr/sbin/chronyd ppid=1 "
        "unit=chronyd.service auid=unset uid=chrony serial=4237");

  TimeChange orphan;
  orphan.kind = ChangeKind::step;
  orphan.delta_ns = -3345;
  orphan.serial = 9;
  orphan.success = true;
  CHECK(format_time_change(orphan) ==
        "wall clock stepped back 3.345 µs by unknown process serial=9");
}

TEST_CASE("format: adjustment lines", "[format]") {
  TimeChange change = chronyd_adjust();
  CHECK(format_time_change(change) ==
        "ntp adjustment freq -8.662 ppm -> -8.670 ppm by chronyd[820] exe=/usr/sbin/chronyd "
        "ppid=1 unit=chronyd.service auid=unset uid=chrony syscall=adjtimex serial=4237");

  change.adjustments = {{"freq", 61699325952000, 142290059264000}, {"tick", 10000, 9980}};
  CHECK(format_time_change(change).rfind(
            "ntp adjustment freq 14.365 ppm -> 33.129 ppm, tick 10000 µs -> 9980 µs by chronyd[820]",
            0) == 0);
}

TEST_CASE("format: hostile strings are escaped", "[format]") {
  TimeChange change = date_step(1'000'000'000);
  change.process.comm = "da\nte";
  change.process.exe = "/tmp/my \"date\"\x1b";
  change.process.proctitle = "date\n-s";
  CHECK(format_time_change(change) ==
        "wall clock stepped forward 1.000 s by da\\x0ate[4242] "
        "exe=\"/tmp/my \\x22date\\x22\\x1b\" ppid=4200 auid=ops uid=root syscall=clock_settime "
        "serial=42 proctitle=date\\x0a-s");
}

TEST_CASE("json: audit time in UTC with milliseconds", "[json]") {
  CHECK(format_audit_time(0, 0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_audit_time(1796413370, 123) == "2026-12-04T19:42:50.123Z");
  CHECK(format_audit_time(1640024915, 264) == "2021-12-20T18:28:35.264Z");
  CHECK(format_audit_time(-1, 999) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("json: step object shape", "[json]") {
  TimeChange change = date_step(-3345);
  change.process.ses = 3;
  nlohmann::json object = to_json(change);

  const std::vector<std::string> keys = {
      "type", "time", "serial", "node", "delta_ns", "adjustments", "syscall", "arch", "success",
      "pid", "ppid", "uid", "auid", "uid_name", "auid_name", "ses", "tty", "comm", "exe",
      "proctitle", "key", "parent_exe", "parent_cmdline", "systemd_unit"};
  for (const std::string& key : keys) {
    INFO(key);
    CHECK(object.contains(key));
  }
  CHECK(object.size() == keys.size());
  CHECK(object["type"] == "step");
  CHECK(object["time"] == "2026-12-04T19:42:50.123Z");
  CHECK(object["serial"] == 42);
  CHECK(object["delta_ns"].is_number_integer());
  CHECK(object["delta_ns"] == -3345);
  CHECK(object["adjustments"].is_array());
  CHECK(object["adjustments"].empty());
  CHECK(object["success"] == true);
  CHECK(object["pid"] == 4242);
  CHECK(object["uid"] == 0);
  CHECK(object["auid"] == 1000);
  CHECK(object["auid_name"] == "ops");
  CHECK(object["ses"] == 3);
  CHECK(object["comm"] == "date");
}

TEST_CASE("json: adjust object and nulls", "[json]") {
  nlohmann::json object = to_json(chronyd_adjust());
  CHECK(object["type"] == "adjust");
  CHECK(object["delta_ns"].is_null());
  CHECK(object["auid"].is_null());
  CHECK(object["ses"].is_null());
  REQUIRE(object["adjustments"].size() == 1);
  const nlohmann::json& adjustment = object["adjustments"][0];
  CHECK(adjustment["op"] == "freq");
  CHECK(adjustment["old"] == -37201248256000);
  CHECK(adjustment["new"] == -37237817344000);
  CHECK(adjustment["old_human"] == "-8.662 ppm");
  CHECK(adjustment["new_human"] == "-8.670 ppm");
  CHECK(object["systemd_unit"] == "chronyd.service");
}

TEST_CASE("json: invalid UTF-8 in a line", "[json]") {
  TimeChange change = date_step(1);
  change.process.comm = "bad\xff";
  CHECK_THROWS(to_json(change).dump());
  std::string line = to_json_line(change);
  CHECK(line.find("\"comm\":\"bad\xef\xbf\xbd\"") != std::string::npos);
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("change kind: names", "[format]") {
  CHECK(to_string(ChangeKind::step) == "step");
  CHECK(to_string(ChangeKind::adjust) == "adjust");
  CHECK(to_string(ChangeKind::read) == "read");
  CHECK(to_string(ChangeKind::denied) == "denied");
}

TEST_CASE("format: step size with direction", "[format]") {
  CHECK(timeguard::format_step_size(-3'600'000'000'000) == "back 3600.000 s");
  CHECK(timeguard::format_step_size(1'000) == "forward 1.000 µs");
  CHECK(timeguard::format_step_size(0) == "0 ns");
  CHECK(timeguard::format_step_size(INT64_MIN) == "back " + timeguard::format_duration_ns(INT64_MAX));
}

TEST_CASE("json: unknown pid is null", "[format]") {
  timeguard::TimeChange change;
  change.kind = timeguard::ChangeKind::step;
  change.delta_ns = -1'000;
  const nlohmann::json object = timeguard::to_json(change);
  CHECK(object["pid"].is_null());
  CHECK(object["ppid"].is_null());
}
