#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "audit_intake.hpp"
#include "skip.hpp"
#include "time_change_classifier.hpp"

using namespace timeguard;

namespace {

const std::string kStamp = "msg=audit(1700000000.123:42): ";

AuditEvent event_of(std::vector<std::string> lines) {
  AuditEvent event;
  event.serial = 42;
  event.time_sec = 1700000000;
  event.time_msec = 123;
  event.lines = std::move(lines);
  return event;
}

std::string syscall_line(const std::string& arch, int number, const std::string& success = "yes") {
  return "type=SYSCALL " + kStamp + "arch=" + arch + " syscall=" + std::to_string(number) +
         " success=" + success + " exit=0 a0=0 a1=7ffd a2=0 a3=0 items=0 ppid=4200 pid=4242" +
         " auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0" +
         " ses=4294967295 comm=\"date\" exe=\"/usr/bin/date\" key=\"timeguard\"";
}

std::string injoffset_line(const std::string& sec, const std::string& nsec) {
  return "type=TIME_INJOFFSET " + kStamp + "sec=" + sec + " nsec=" + nsec;
}

std::string adjntpval_line(const std::string& op, const std::string& old_value,
                           const std::string& new_value) {
  return "type=TIME_ADJNTPVAL " + kStamp + "op=" + op + " old=" + old_value + " new=" + new_value;
}

std::string proctitle_line(const std::string& value) {
  return "type=PROCTITLE " + kStamp + "proctitle=" + value;
}

// Finds the corpus of real audit logs: $TIMEGUARD_CORPUS_DIR, or shared/corpus/audit beside
// the checkout or beside the folder that contains the checkout.
std::optional<std::filesystem::path> corpus_dir() {
  if (const char* env = std::getenv("TIMEGUARD_CORPUS_DIR")) {
    return std::filesystem::is_directory(env) ? std::optional<std::filesystem::path>(env)
                                              : std::nullopt;
  }
  const std::filesystem::path source(TIMEGUARD_SOURCE_DIR);
  for (const auto& candidate : {source / ".." / "shared/corpus/audit",
                                source / ".." / ".." / "shared/corpus/audit"}) {
    if (std::filesystem::is_directory(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

// Extracts the audit lines of one event, found by its "sec.msec:serial" stamp, from a log
// or from a test source (YAML, C++) that embeds the lines with indentation or a prefix.
std::vector<std::string> corpus_event(const std::filesystem::path& file, const std::string& stamp) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  const std::string marker = "msg=audit(" + stamp + "):";
  while (std::getline(in, line)) {
    std::size_t start = line.find("type=");
    std::size_t node = line.find("node=");
    if (node != std::string::npos && node < start) {
      start = node;
    }
    if (start != std::string::npos && line.find(marker) != std::string::npos) {
      lines.push_back(line.substr(start));
    }
  }
  return lines;
}

}  // namespace

TEST_CASE("classifier: step from clock_settime", "[classifier]") {
  auto change = classify(event_of({injoffset_line("-3600", "0"), syscall_line("c000003e", 227),
                                   proctitle_line("64617465002D73002D31686F7572")}));
  REQUIRE(change);
  CHECK(change->kind == ChangeKind::step);
  CHECK(change->delta_ns == -3'600'000'000'000);
  CHECK(change->syscall == "clock_settime");
  CHECK(change->arch == "x86_64");
  CHECK(change->success);
  CHECK(change->serial == 42);
  CHECK(change->time_sec == 1700000000);
  CHECK(change->time_msec == 123);
  CHECK(change->node.empty());
  CHECK(change->key == "timeguard");
  CHECK(change->adjustments.empty());
  CHECK(change->process.pid == 4242);
  CHECK(change->process.ppid == 4200);
  CHECK(change->process.uid == 0u);
  CHECK(change->process.uid_name == "root");
  CHECK_FALSE(change->process.auid);
  CHECK(change->process.auid_name.empty());
  CHECK_FALSE(change->process.ses);
  CHECK(change->process.tty == "pts0");
  CHECK(change->process.comm == "date");
  CHECK(change->process.exe == "/usr/bin/date");
  CHECK(change->process.proctitle == "date -s -1hour");
}

TEST_CASE("classifier: injected offset to nanoseconds", "[classifier]") {
  struct Case {
    const char* sec;
    const char* nsec;
    std::int64_t expected_ns;
  };
  const std::vector<Case> cases = {
      {"-1", "999996655", -3345},
      {"0", "3345", 3345},
      {"0", "0", 0},
      {"3600", "0", 3'600'000'000'000},
      {"-3600", "0", -3'600'000'000'000},
      {"-1", "0", -1'000'000'000},
      {"1", "999999999", 1'999'999'999},
      {"-9223372037", "145224192", INT64_MIN},
      {"-9223372036", "0", -9'223'372'036'000'000'000},
      {"9223372036", "854775807", INT64_MAX},
  };
  for (const Case& c : cases) {
    INFO("sec=" << c.sec << " nsec=" << c.nsec);
    auto change = classify(event_of({injoffset_line(c.sec, c.nsec), syscall_line("c000003e", 227)}));
    REQUIRE(change);
    CHECK(change->kind == ChangeKind::step);
    CHECK(change->delta_ns == c.expected_ns);
  }
}

TEST_CASE("classifier: syscall names follow the arch", "[classifier]") {
  struct Case {
    const char* arch;
    int number;
    const char* syscall;
    const char* arch_name;
  };
  const std::vector<Case> cases = {
      {"c000003e", 227, "clock_settime", "x86_64"},
      {"c000003e", 159, "adjtimex", "x86_64"},
      {"c000003e", 164, "settimeofday", "x86_64"},
      {"c000003e", 305, "clock_adjtime", "x86_64"},
      {"40000003", 264, "clock_settime", "i386"},
      {"40000003", 124, "adjtimex", "i386"},
      {"40000003", 227, "lsetxattr", "i386"},  // x86_64 clock_settime number, not a clock call
      {"c00000b7", 112, "clock_settime", "aarch64"},
      {"c00000b7", 171, "adjtimex", "aarch64"},
  };
  for (const Case& c : cases) {
    INFO("arch=" << c.arch << " syscall=" << c.number);
    auto change = classify(event_of({syscall_line(c.arch, c.number)}));
    REQUIRE(change);
    CHECK(change->syscall == c.syscall);
    CHECK(change->arch == c.arch_name);
  }
}

TEST_CASE("classifier: kind from records and success", "[classifier]") {
  struct Case {
    const char* name;
    std::vector<std::string> lines;
    ChangeKind kind;
    bool success;
    bool has_delta;
    std::size_t adjustments;
  };
  const std::vector<Case> cases = {
      {"step", {injoffset_line("5", "0"), syscall_line("c000003e", 227)},
       ChangeKind::step, true, true, 0},
      {"read", {syscall_line("c000003e", 159)}, ChangeKind::read, true, false, 0},
      {"adjust", {adjntpval_line("freq", "1", "2"), syscall_line("c000003e", 159)},
       ChangeKind::adjust, true, false, 1},
      {"denied", {syscall_line("c000003e", 227, "no")}, ChangeKind::denied, false, false, 0},
      {"denied wins over a TIME record",
       {injoffset_line("5", "0"), syscall_line("c000003e", 227, "no")},
       ChangeKind::denied, false, false, 0},
      {"step with NTP values", {injoffset_line("0", "0"), adjntpval_line("status", "64", "8256"),
                                syscall_line("c000003e", 159)},
       ChangeKind::step, true, true, 1},
      {"step without SYSCALL", {injoffset_line("-1", "999996655")}, ChangeKind::step, true, true, 0},
      {"adjust without SYSCALL", {adjntpval_line("tick", "10000", "9980")},
       ChangeKind::adjust, true, false, 1},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto change = classify(event_of(c.lines));
    REQUIRE(change);
    CHECK(change->kind == c.kind);
    CHECK(change->success == c.success);
    CHECK(change->delta_ns.has_value() == c.has_delta);
    CHECK(change->adjustments.size() == c.adjustments);
  }
}

TEST_CASE("classifier: event without SYSCALL has no attribution", "[classifier]") {
  auto change = classify(event_of({injoffset_line("-1", "999996655")}));
  REQUIRE(change);
  CHECK(change->delta_ns == -3345);
  CHECK(change->process.pid == 0);
  CHECK(change->process.comm.empty());
  CHECK(change->syscall.empty());
  CHECK(change->arch.empty());
  CHECK(change->serial == 42);
}

TEST_CASE("classifier: node prefix and names", "[classifier]") {
  std::vector<std::string> lines = {
      "node=web1 " + injoffset_line("-1", "999996655"),
      "node=web1 " + syscall_line("40000003", 264),
      "node=web1 " + proctitle_line("\"date\""),
  };
  auto change = classify(event_of(lines));
  REQUIRE(change);
  CHECK(change->node == "web1");
  CHECK(change->syscall == "clock_settime");
  CHECK(change->arch == "i386");
  CHECK(change->delta_ns == -3345);
  CHECK(change->process.proctitle == "date");
}

TEST_CASE("classifier: enriched names come from the record", "[classifier]") {
  // uid 54321 and auid 54322 have no passwd entry here, so the names must come from the
  // enriched part after 0x1D.
  const std::string line =
      "type=SYSCALL " + kStamp +
      "arch=c000003e syscall=227 success=yes exit=0 a0=0 a1=7ffd a2=0 a3=0 items=0 ppid=4200 "
      "pid=4242 auid=54322 uid=54321 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts1 "
      "ses=7 comm=\"date\" exe=\"/usr/bin/date\" key=(null)\x1d"
      "ARCH=x86_64 SYSCALL=clock_settime AUID=\"ops\" UID=\"timekeeper\" GID=\"root\" "
      "EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"";
  auto change = classify(event_of({injoffset_line("-3600", "0"), line}));
  REQUIRE(change);
  CHECK(change->syscall == "clock_settime");
  CHECK(change->process.uid == 54321u);
  CHECK(change->process.uid_name == "timekeeper");
  CHECK(change->process.auid == 54322u);
  CHECK(change->process.auid_name == "ops");
  CHECK(change->process.ses == 7u);
  CHECK(change->key.empty());
}

TEST_CASE("classifier: hex strings and joined keys", "[classifier]") {
  // "comm with space" and the keys "timeguard" and "time-change" joined by 0x01.
  const std::string line = "type=SYSCALL " + kStamp +
                           "arch=c000003e syscall=227 success=yes exit=0 items=0 ppid=1 pid=9 "
                           "auid=0 uid=0 tty=(none) ses=1 comm=636F6D6D2077697468207370616365 "
                           "exe=(null) key=74696D6567756172640174696D652D6368616E6765";
  auto change = classify(event_of({line}));
  REQUIRE(change);
  CHECK(change->process.comm == "comm with space");
  CHECK(change->process.exe.empty());
  CHECK(change->process.tty.empty());
  CHECK(change->process.auid == 0u);
  CHECK(change->process.auid_name == "root");
  CHECK(change->key == "timeguard,time-change");
}

TEST_CASE("classifier: missing attribution fields stay empty", "[classifier]") {
  const std::string line = "type=SYSCALL " + kStamp + "arch=c000003e syscall=227 success=yes";
  auto change = classify(event_of({injoffset_line("-3600", "0"), line}));
  REQUIRE(change);
  CHECK(change->kind == ChangeKind::step);
  CHECK(change->process.pid == 0);
  CHECK(change->process.ppid == 0);
  CHECK_FALSE(change->process.uid);
  CHECK_FALSE(change->process.auid);
  CHECK(change->process.comm.empty());
  CHECK(change->process.exe.empty());
  CHECK(change->key.empty());
}

TEST_CASE("classifier: malformed attribution fields stay empty", "[classifier]") {
  const std::string line = "type=SYSCALL " + kStamp +
                           "arch=c000003e syscall=227 success=yes pid=42x ppid=-- uid=abc "
                           "auid=99999999999 ses=";
  auto change = classify(event_of({injoffset_line("1", "0"), line}));
  REQUIRE(change);
  CHECK(change->process.pid == 0);
  CHECK(change->process.ppid == 0);
  CHECK_FALSE(change->process.uid);
  CHECK_FALSE(change->process.auid);
  CHECK_FALSE(change->process.ses);
}

TEST_CASE("classifier: rejects bad events with a reason", "[classifier]") {
  struct Case {
    std::vector<std::string> lines;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{injoffset_line("0", "1000000000")},
       "TIME_INJOFFSET nsec=1000000000 is outside [0, 999999999]"},
      {{injoffset_line("0", "-1")}, "TIME_INJOFFSET nsec=-1 is outside [0, 999999999]"},
      {{injoffset_line("0", "12x")}, "TIME_INJOFFSET nsec=12x is not an integer"},
      {{injoffset_line("0", "+5")}, "TIME_INJOFFSET nsec=+5 is not an integer"},
      {{injoffset_line("0", "0x10")}, "TIME_INJOFFSET nsec=0x10 is not an integer"},
      {{injoffset_line("one", "0")}, "TIME_INJOFFSET sec=one is not an integer"},
      {{injoffset_line("99999999999999999999", "0")},
       "TIME_INJOFFSET sec=99999999999999999999 is not an integer"},
      {{injoffset_line("9223372037", "0")},
       "TIME_INJOFFSET sec=9223372037 overflows int64 nanoseconds"},
      {{injoffset_line("9223372036", "854775808")},
       "TIME_INJOFFSET sec=9223372036 overflows int64 nanoseconds"},
      {{injoffset_line("-9223372037", "145224191")},
       "TIME_INJOFFSET sec=-9223372037 overflows int64 nanoseconds"},
      {{"type=TIME_INJOFFSET " + kStamp + "sec=1"}, "TIME_INJOFFSET record has no nsec field"},
      {{"type=TIME_INJOFFSET " + kStamp + "nsec=1"}, "TIME_INJOFFSET record has no sec field"},
      {{"type=TIME_ADJNTPVAL " + kStamp + "old=1 new=2"}, "TIME_ADJNTPVAL record has no op field"},
      {{"type=TIME_ADJNTPVAL " + kStamp + "op=freq new=2"},
       "TIME_ADJNTPVAL record has no old field"},
      {{"type=TIME_ADJNTPVAL " + kStamp + "op=freq old=1"},
       "TIME_ADJNTPVAL record has no new field"},
      {{adjntpval_line("freq", "1.5", "2")},
       "TIME_ADJNTPVAL op=freq old=1.5 new=2 is not a pair of integers"},
      {{proctitle_line("64617465")},
       "audit event has no SYSCALL, TIME_INJOFFSET or TIME_ADJNTPVAL record"},
      {{"type=SYSCALL " + kStamp + "arch=c000003e syscall=227 pid=1"},
       "SYSCALL record has no success field and the event has no TIME_* record"},
      {{}, "audit event serial=42 has no lines"},
      {{"this is not an audit record"},
       "auparse found no audit record in 1 lines, first line: this is not an audit record"},
      {{syscall_line("c000003e", 227),
        "type=TIME_INJOFFSET msg=audit(1700000000.123:43): sec=1 nsec=0"},
       "lines of audit event serial=42 include another event, serial=43"},
  };
  for (const Case& c : cases) {
    INFO((c.lines.empty() ? std::string("(no lines)") : c.lines.front()));
    auto change = classify(event_of(c.lines));
    REQUIRE_FALSE(change);
    CHECK(change.error().reason == c.reason);
  }
}

TEST_CASE("classifier: real chronyd events from the corpus", "[classifier][corpus]") {
  auto dir = corpus_dir();
  if (!dir) {
    TIMEGUARD_SKIP("corpus of real audit logs not found; set TIMEGUARD_CORPUS_DIR");
  }

  struct Case {
    const char* file;
    const char* stamp;
    ChangeKind kind;
    std::string syscall;
    pid_t pid;
    std::optional<std::uint32_t> uid;
    std::string uid_name;  // "" when the record has no enriched name (host-dependent)
    std::string proctitle;
    std::vector<NtpAdjustment> adjustments;
  };
  const std::vector<Case> cases = {
      {"laurel/record-adjntpval.txt", "1640024915.264:4237", ChangeKind::adjust, "adjtimex", 820,
       995, "chrony", "", {{"freq", -37201248256000, -37237817344000}}},
      {"go-libaudit/aucoalesce/ubuntu-21.10-linux-5.13.yaml", "1643150874.899:880",
       ChangeKind::adjust, "clock_adjtime", 20294, 0, "root", "/usr/sbin/chronyd -F 1",
       {{"status", 8257, 64}}},
      // This YAML copy lost the 0x1D before the enriched part, so auparse finds no names.
      {"go-libaudit/aucoalesce/ubuntu-21.10-linux-5.13.yaml", "1643150881.711:884",
       ChangeKind::adjust, "clock_adjtime", 20294, 112, "", "/usr/sbin/chronyd -F 1",
       {{"freq", 61699380790580, 61699325952000}}},
      {"go-libaudit/aucoalesce/ubuntu-21.10-linux-5.13.yaml", "1643150881.711:885",
       ChangeKind::adjust, "clock_adjtime", 20294, 112, "", "/usr/sbin/chronyd -F 1",
       {{"freq", 61699325952000, 142290059264000}, {"tick", 10000, 9980}}},
      {"go-libaudit/aucoalesce/random-internet.yaml", "1530616044.507:7", ChangeKind::step,
       "adjtimex", 629, 0, "root", "chronyd -q", {{"status", 64, 8256}}},
      {"go-libaudit/aucoalesce/rhel-7-linux-3.10.0.yaml", "1492798541.391:20246",
       ChangeKind::read, "adjtimex", 1075, 38, "", "", {}},
      {"go-libaudit/aucoalesce/ubuntu-16.10-linux-4.8.0.yaml", "1492783775.673:11516",
       ChangeKind::read, "adjtimex", 1596, 112, "",
       "/usr/sbin/ntpd -p /var/run/ntpd.pid -g -c /var/lib/ntp/ntp.conf.dhcp -u 112:116", {}},
      {"oms-auditd-plugin/TestEventData.cpp", "1563459621.014:574", ChangeKind::read, "adjtimex",
       1655, 123, "", "/usr/sbin/chronyd", {}},
  };
  for (const Case& c : cases) {
    INFO(c.file << " " << c.stamp);
    auto lines = corpus_event(*dir / c.file, c.stamp);
    REQUIRE_FALSE(lines.empty());
    auto change = classify(event_of(lines));
    REQUIRE(change);
    CHECK(change->kind == c.kind);
    CHECK(change->syscall == c.syscall);
    CHECK(change->arch == "x86_64");
    CHECK(change->success);
    CHECK(change->process.pid == c.pid);
    CHECK(change->process.uid == c.uid);
    if (!c.uid_name.empty()) {
      CHECK(change->process.uid_name == c.uid_name);
    }
    CHECK(change->process.proctitle == c.proctitle);
    REQUIRE(change->adjustments.size() == c.adjustments.size());
    for (std::size_t i = 0; i < c.adjustments.size(); ++i) {
      CHECK(change->adjustments[i].op == c.adjustments[i].op);
      CHECK(change->adjustments[i].old_value == c.adjustments[i].old_value);
      CHECK(change->adjustments[i].new_value == c.adjustments[i].new_value);
    }
  }
}

TEST_CASE("classifier: corpus step of zero and its attribution", "[classifier][corpus]") {
  auto dir = corpus_dir();
  if (!dir) {
    TIMEGUARD_SKIP("corpus of real audit logs not found; set TIMEGUARD_CORPUS_DIR");
  }
  auto lines = corpus_event(*dir / "go-libaudit/aucoalesce/random-internet.yaml",
                            "1530616044.507:7");
  auto change = classify(event_of(lines));
  REQUIRE(change);
  CHECK(change->delta_ns == 0);
  CHECK(change->process.ppid == 626);
  CHECK(change->process.auid == 0u);
  CHECK(change->process.auid_name == "root");
  CHECK(change->process.ses == 1u);
  CHECK(change->process.comm == "chronyd");
  CHECK(change->process.exe == "/usr/sbin/chronyd");
  CHECK(change->time_sec == 1530616044);
  CHECK(change->time_msec == 507);
  CHECK(change->serial == 7);
}

TEST_CASE("classifier: events from the intake", "[classifier][corpus]") {
  auto dir = corpus_dir();
  if (!dir) {
    TIMEGUARD_SKIP("corpus of real audit logs not found; set TIMEGUARD_CORPUS_DIR");
  }
  std::ifstream in(*dir / "laurel/record-adjntpval.txt", std::ios::binary);
  const std::string stream((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const ClockSyscalls syscalls;
  std::vector<std::string> bad_lines;
  AuditIntake intake(syscalls, AssemblerLimits{},
                     [&](std::string_view reason, std::string_view) {
                       bad_lines.emplace_back(reason);
                     });
  const auto now = MonotonicClock::time_point{} + std::chrono::hours(1);
  intake.consume(stream, now);
  intake.finish(now);

  auto events = intake.take_completed();
  CHECK(bad_lines.empty());
  REQUIRE(events.size() == 1);
  auto change = classify(events.front());
  REQUIRE(change);
  CHECK(change->kind == ChangeKind::adjust);
  CHECK(change->serial == 4237);
  CHECK(change->syscall == "adjtimex");
  CHECK(change->process.comm == "chronyd");
  CHECK(change->process.uid_name == "chrony");
  REQUIRE(change->adjustments.size() == 1);
  CHECK(change->adjustments.front().op == "freq");
}
