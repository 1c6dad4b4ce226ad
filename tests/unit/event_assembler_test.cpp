#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "audit_intake.hpp"

using namespace timeguard;
using namespace std::chrono_literals;

namespace {

const ClockSyscalls& syscalls() {
  static const ClockSyscalls table;
  return table;
}

std::string syscall_line(std::uint64_t serial, const char* arch, int number, const char* node = "") {
  std::string line = node[0] ? std::string("node=") + node + " " : "";
  return line + "type=SYSCALL msg=audit(1733341370.123:" + std::to_string(serial) + "): arch=" + arch +
         " syscall=" + std::to_string(number) + " success=yes exit=0 pid=4242 comm=\"date\"";
}
std::string injoffset_line(std::uint64_t serial) {
  return "type=TIME_INJOFFSET msg=audit(1733341370.123:" + std::to_string(serial) + "): sec=-3600 nsec=0";
}
std::string proctitle_line(std::uint64_t serial) {
  return "type=PROCTITLE msg=audit(1733341370.123:" + std::to_string(serial) + "): proctitle=64617465";
}
std::string path_line(std::uint64_t serial) {
  return "type=PATH msg=audit(1733341370.123:" + std::to_string(serial) + "): item=0 name=\"/etc\"";
}
std::string eoe_line(std::uint64_t serial) {
  return "type=EOE msg=audit(1733341370.123:" + std::to_string(serial) + "): ";
}

struct Harness {
  std::vector<std::string> bad;
  AuditIntake intake;
  MonotonicClock::time_point now = MonotonicClock::time_point{} + 1h;

  explicit Harness(AssemblerLimits limits = {})
      : intake(syscalls(), limits, [this](std::string_view reason, std::string_view) {
          bad.emplace_back(reason);
        }) {}

  void feed(const std::vector<std::string>& lines) {
    std::string stream;
    for (const std::string& line : lines) stream += line + "\n";
    intake.consume(stream, now);
  }
};

}  // namespace

TEST_CASE("clock syscalls: numbers are per arch", "[assembler]") {
  CHECK(syscalls().contains(0xc000003e, 227));   // x86_64 clock_settime
  CHECK(syscalls().contains(0xc000003e, 305));   // x86_64 clock_adjtime
  CHECK(syscalls().contains(0xc000003e, 164));   // x86_64 settimeofday
  CHECK(syscalls().contains(0xc000003e, 159));   // x86_64 adjtimex
  CHECK_FALSE(syscalls().contains(0x40000003, 227));  // i386 setxattr
  CHECK(syscalls().contains(0x40000003, 264));   // i386 clock_settime
  CHECK(syscalls().contains(0x40000003, 25));    // i386 stime
  CHECK(syscalls().contains(0x40000003, 404));   // i386 clock_settime64
  CHECK(syscalls().contains(0x40000003, 405));   // i386 clock_adjtime64
  CHECK_FALSE(syscalls().contains(0xc000003e, 2));
  CHECK_FALSE(syscalls().contains(0x12345678, 227));
}

TEST_CASE("assembler: keeps a clock event completed by EOE", "[assembler]") {
  Harness h;
  h.feed({syscall_line(10, "c000003e", 227), injoffset_line(10), path_line(10), proctitle_line(10)});
  CHECK(h.intake.take_completed().empty());
  h.feed({eoe_line(10)});
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK(events[0].serial == 10);
  CHECK(events[0].ended_by_eoe);
  CHECK(events[0].time_sec == 1733341370);
  CHECK(events[0].time_msec == 123);
  CHECK(events[0].lines == std::vector<std::string>{syscall_line(10, "c000003e", 227), injoffset_line(10),
                                                     proctitle_line(10)});
  CHECK(h.intake.in_flight() == 0);
}

TEST_CASE("assembler: TIME record before SYSCALL", "[assembler]") {
  Harness h;
  h.feed({injoffset_line(11), syscall_line(11, "c000003e", 227), eoe_line(11)});
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK(events[0].lines.size() == 2);
  CHECK(events[0].lines[0] == injoffset_line(11));
}

TEST_CASE("assembler: PROCTITLE before a clock SYSCALL is kept", "[assembler]") {
  Harness h;
  h.feed({proctitle_line(12), syscall_line(12, "c000003e", 305), eoe_line(12)});
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK(events[0].lines.size() == 2);
}

TEST_CASE("assembler: drops events of other syscalls", "[assembler]") {
  Harness h;
  h.feed({proctitle_line(13), syscall_line(13, "c000003e", 2), path_line(13), proctitle_line(13),
          eoe_line(13), syscall_line(14, "40000003", 227), eoe_line(14)});
  CHECK(h.intake.take_completed().empty());
  CHECK(h.intake.in_flight() == 0);
  CHECK(h.intake.assembler_stats().events_ignored == 2);
}

TEST_CASE("assembler: interleaved events and nodes stay apart", "[assembler]") {
  Harness h;
  h.feed({syscall_line(20, "c000003e", 227, "a"), syscall_line(20, "c000003e", 159, "b"),
          syscall_line(21, "c000003e", 2, "a"), injoffset_line(20), eoe_line(21),
          "node=a " + eoe_line(20), "node=b " + eoe_line(20)});
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 2);
  CHECK(events[0].node == "a");
  CHECK(events[0].lines.size() == 1);  // the TIME line without node= belongs to node ""
  CHECK(events[1].node == "b");
  h.intake.finish(h.now);
  auto rest = h.intake.take_completed();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].node.empty());
  CHECK_FALSE(rest[0].ended_by_eoe);
}

TEST_CASE("assembler: duplicated records are stored once", "[assembler]") {
  Harness h;
  h.feed({syscall_line(30, "c000003e", 227), syscall_line(30, "c000003e", 227), injoffset_line(30),
          injoffset_line(30), eoe_line(30)});
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK(events[0].lines.size() == 2);
  CHECK(h.intake.assembler_stats().duplicate_records == 2);
}

TEST_CASE("assembler: event without EOE completes by age", "[assembler]") {
  Harness h(AssemblerLimits{std::chrono::milliseconds(500), 16});
  h.feed({syscall_line(40, "c000003e", 227), injoffset_line(40)});
  h.intake.expire(h.now + 499ms);
  CHECK(h.intake.take_completed().empty());
  h.intake.expire(h.now + 500ms);
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK_FALSE(events[0].ended_by_eoe);
  CHECK(h.intake.assembler_stats().completed_by_age == 1);
}

TEST_CASE("assembler: cap on events in flight completes the oldest", "[assembler]") {
  Harness h(AssemblerLimits{std::chrono::milliseconds(60000), 2});
  h.feed({syscall_line(50, "c000003e", 227), syscall_line(51, "c000003e", 227),
          syscall_line(52, "c000003e", 227)});
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK(events[0].serial == 50);
  CHECK(h.intake.in_flight() == 2);
  CHECK(h.intake.assembler_stats().completed_by_cap == 1);
}

TEST_CASE("intake: lines split across reads and bad lines", "[assembler]") {
  Harness h;
  const std::string stream = syscall_line(60, "c000003e", 227) + "\ngarbage\n" + eoe_line(60) + "\n";
  for (char c : stream) h.intake.consume(std::string_view(&c, 1), h.now);
  auto events = h.intake.take_completed();
  REQUIRE(events.size() == 1);
  CHECK(events[0].lines[0] == syscall_line(60, "c000003e", 227));
  REQUIRE(h.bad.size() == 1);
  CHECK(h.bad[0] == "missing type= field");
  CHECK(h.intake.stats().malformed_lines == 1);
}

TEST_CASE("intake: overlong line is skipped and counted", "[assembler]") {
  Harness h;
  std::string huge = "type=PATH msg=audit(1.000:1): name=\"" + std::string(AuditIntake::kMaxLineBytes + 10, 'a');
  h.intake.consume(huge, h.now);
  h.intake.consume("\"\n" + syscall_line(70, "c000003e", 227) + "\n" + eoe_line(70) + "\n", h.now);
  CHECK(h.intake.stats().overlong_lines == 1);
  CHECK(h.intake.take_completed().size() == 1);
}

TEST_CASE("intake: unterminated last line is read at EOF", "[assembler]") {
  Harness h;
  h.intake.consume(syscall_line(80, "c000003e", 227), h.now);
  h.intake.finish(h.now);
  CHECK(h.intake.take_completed().size() == 1);
}
