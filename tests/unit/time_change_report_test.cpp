#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "time_change_report.hpp"

namespace {

// Four events as a kernel would log them: a step by date, a denied clock_settime, a chronyd
// frequency adjustment and a chronyd read-only adjtimex; plus one corrupt line.
const char* kLog =
    "type=SYSCALL msg=audit(1733341370.123:42): arch=c000003e syscall=227 success=yes exit=0 a0=0 a1=7ffd "
    "a2=0 a3=0 items=0 ppid=4200 pid=4242 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
    "fsgid=0 tty=pts0 ses=4294967295 comm=\"date\" exe=\"/usr/bin/date\" key=\"timeguard\"\n"
    "type=TIME_INJOFFSET msg=audit(1733341370.123:42): sec=-3601 nsec=500000000\n"
    "type=EOE msg=audit(1733341370.123:42): \n"
    "type=SYSCALL msg=audit(1733341371.000:43): arch=c000003e syscall=227 success=no exit=-1 a0=0 a1=7ffd "
    "a2=0 a3=0 items=0 ppid=4200 pid=4243 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 "
    "egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"date\" exe=\"/usr/bin/date\" key=\"timeguard\"\n"
    "type=EOE msg=audit(1733341371.000:43): \n"
    "this line is corrupt\n"
    "type=SYSCALL msg=audit(1733341372.000:44): arch=c000003e syscall=305 success=yes exit=0 a0=0 a1=7ffd "
    "a2=0 a3=0 items=0 ppid=1 pid=512 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
    "fsgid=0 tty=(none) ses=4294967295 comm=\"chronyd\" exe=\"/usr/sbin/chronyd\" key=\"timeguard\"\n"
    "type=TIME_ADJNTPVAL msg=audit(1733341372.000:44): op=freq old=-567748706304 new=-567746609152\n"
    "type=EOE msg=audit(1733341372.000:44): \n"
    "type=SYSCALL msg=audit(1733341373.000:45): arch=c000003e syscall=305 success=yes exit=0 a0=0 a1=7ffd "
    "a2=0 a3=0 items=0 ppid=1 pid=512 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
    "fsgid=0 tty=(none) ses=4294967295 comm=\"chronyd\" exe=\"/usr/sbin/chronyd\" key=\"timeguard\"\n"
    "type=EOE msg=audit(1733341373.000:45): \n";

std::string write_temp_log() {
  const std::string path = "/tmp/timeguard-report-test-" + std::to_string(getpid()) + ".log";
  std::ofstream(path) << kLog;
  return path;
}

}  // namespace

TEST_CASE("report: counts each kind of change", "[report]") {
  const std::string path = write_temp_log();
  auto report = timeguard::read_audit_logs({path});
  std::remove(path.c_str());
  REQUIRE(report.ok());

  REQUIRE(report->steps.size() == 1);
  CHECK(report->steps[0].delta_ns == -3600500000000);
  CHECK(report->steps[0].process.pid == 4242);
  REQUIRE(report->denied.size() == 1);
  CHECK(report->denied[0].process.pid == 4243);
  REQUIRE(report->by_exe.count("/usr/sbin/chronyd") == 1);
  CHECK(report->by_exe.at("/usr/sbin/chronyd").adjustments == 1);
  CHECK(report->by_exe.at("/usr/sbin/chronyd").reads == 1);
  CHECK(report->intake.malformed_lines == 1);
  REQUIRE(report->problems.size() == 1);
  CHECK(report->problems[0] == "missing type= field: this line is corrupt");
}

TEST_CASE("report: text names the step and who made it", "[report]") {
  const std::string path = write_temp_log();
  auto report = timeguard::read_audit_logs({path});
  std::remove(path.c_str());
  REQUIRE(report.ok());
  const std::string text = timeguard::render_report_text(*report);
  CHECK(text.find("1 steps, 1 denied attempts, 1 NTP adjustments, 1 read-only calls") != std::string::npos);
  CHECK(text.find("-3600.500 s") != std::string::npos);
  CHECK(text.find("date[4242]") != std::string::npos);
  CHECK(text.find("/usr/sbin/chronyd") != std::string::npos);

  const nlohmann::json json = timeguard::render_report_json(*report);
  CHECK(json["steps"][0]["delta_ns"] == -3600500000000);
  CHECK(json["denied"][0]["pid"] == 4243);
  CHECK(json["malformed_lines"] == 1);
}

TEST_CASE("report: missing file is an error", "[report]") {
  auto report = timeguard::read_audit_logs({"/nonexistent/audit.log"});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().reason == "cannot open /nonexistent/audit.log: No such file or directory");
}

TEST_CASE("report: file without final newline", "[report]") {
  const std::string first = "/tmp/timeguard-report-first-" + std::to_string(getpid()) + ".log";
  const std::string second = write_temp_log();
  std::ofstream(first) << "type=PATH msg=audit(1.000:1): item=0 name=\"/etc\"";  // no newline
  auto report = timeguard::read_audit_logs({first, second});
  std::remove(first.c_str());
  std::remove(second.c_str());
  REQUIRE(report.ok());
  REQUIRE(report->steps.size() == 1);
  CHECK(report->steps[0].process.pid == 4242);
  CHECK(report->intake.malformed_lines == 1);
}
