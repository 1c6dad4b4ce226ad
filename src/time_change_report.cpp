#include "time_change_report.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "time_change_classifier.hpp"
#include "time_change_format.hpp"
#include "time_change_json.hpp"

namespace timeguard {
namespace {

constexpr std::size_t kProblemsKept = 20;

void note_problem(TimeChangeReport& report, std::string problem) {
  if (report.problems.size() < kProblemsKept) report.problems.push_back(std::move(problem));
}

// Feeds one file to the intake. A last line without a newline is ended here, so that it is not
// joined to the first line of the next file.
Status read_stream(int fd, const std::string& name, AuditIntake& intake) {
  std::vector<char> buffer(1 << 20);
  char last_byte = '\n';
  for (;;) {
    const ssize_t got = read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail("cannot read " + name + ": " + std::strerror(errno));
    if (got == 0) break;
    intake.consume(std::string_view(buffer.data(), static_cast<std::size_t>(got)), MonotonicClock::now());
    last_byte = buffer[static_cast<std::size_t>(got) - 1];
  }
  if (last_byte != '\n') intake.consume("\n", MonotonicClock::now());
  return ok_status();
}

Status read_one(const std::string& path, AuditIntake& intake) {
  if (path == "-") return read_stream(STDIN_FILENO, "standard input", intake);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open " + path + ": " + std::strerror(errno));
  Status status = read_stream(fd, path, intake);
  close(fd);
  return status;
}

std::string process_label(const ProcessInfo& process) {
  return fmt::format("{}[{}]", escape_control_characters(process.comm), process.pid);
}

std::string auid_label(const ProcessInfo& process) {
  if (!process.auid_name.empty()) return process.auid_name;
  return process.auid ? std::to_string(*process.auid) : "unset";
}

void render_changes(std::string& out, const char* title, const std::vector<TimeChange>& changes) {
  out += fmt::format("\n{} ({})\n", title, changes.size());
  if (changes.empty()) return;
  out += fmt::format("  {:<25} {:>16}  {:<22} {:<28} {:<10} {}\n", "TIME (UTC)", "DELTA", "PROCESS", "EXE",
                     "AUID", "SYSCALL");
  for (const TimeChange& change : changes) {
    const std::string delta = change.delta_ns ? format_duration_ns(*change.delta_ns) : "-";
    out += fmt::format("  {:<25} {:>16}  {:<22} {:<28} {:<10} {}\n", format_audit_time(change.time_sec, change.time_msec),
                       delta, process_label(change.process), escape_control_characters(change.process.exe),
                       auid_label(change.process), change.syscall);
  }
}

}  // namespace

void add_to_report(TimeChangeReport& report, TimeChange change) {
  const std::string exe = change.process.exe.empty() ? change.process.comm : change.process.exe;
  switch (change.kind) {
    case ChangeKind::step: report.steps.push_back(std::move(change)); break;
    case ChangeKind::denied: report.denied.push_back(std::move(change)); break;
    case ChangeKind::adjust: ++report.by_exe[exe].adjustments; break;
    case ChangeKind::read: ++report.by_exe[exe].reads; break;
  }
}

Result<TimeChangeReport> read_audit_logs(const std::vector<std::string>& paths) {
  TimeChangeReport report;
  report.files = paths;
  const ClockSyscalls syscalls;
  AuditIntake intake(syscalls, AssemblerLimits{}, [&report](std::string_view reason, std::string_view line) {
    note_problem(report, std::string(reason) + ": " + escape_control_characters(line.substr(0, 200)));
  });

  for (const std::string& path : paths) {
    if (Status read = read_one(path, intake); !read) return read.error();
  }
  intake.finish(MonotonicClock::now());

  for (const AuditEvent& event : intake.take_completed()) {
    Result<TimeChange> change = classify(event);
    if (!change) {
      ++report.unclassified_events;
      note_problem(report, fmt::format("event {}: {}", event.serial, change.error().reason));
      continue;
    }
    add_to_report(report, std::move(*change));
  }
  report.intake = intake.stats();
  return report;
}

std::string render_report_text(const TimeChangeReport& report) {
  std::uint64_t adjustments = 0;
  std::uint64_t reads = 0;
  for (const auto& [exe, counts] : report.by_exe) {
    adjustments += counts.adjustments;
    reads += counts.reads;
  }
  std::string out = fmt::format(
      "Read {} lines from {} file(s), {} malformed: {} steps, {} denied attempts, {} NTP adjustments, "
      "{} read-only calls, {} events not classified.\n",
      report.intake.lines, report.files.size(), report.intake.malformed_lines + report.intake.overlong_lines,
      report.steps.size(), report.denied.size(), adjustments, reads, report.unclassified_events);

  render_changes(out, "Steps", report.steps);
  render_changes(out, "Denied attempts", report.denied);

  out += fmt::format("\nNTP adjustments and read-only calls by executable ({})\n", report.by_exe.size());
  if (!report.by_exe.empty()) out += fmt::format("  {:<40} {:>12} {:>12}\n", "EXE", "ADJUSTMENTS", "READS");
  for (const auto& [exe, counts] : report.by_exe) {
    out += fmt::format("  {:<40} {:>12} {:>12}\n", escape_control_characters(exe), counts.adjustments, counts.reads);
  }

  if (!report.problems.empty()) out += "\nProblems (first " + std::to_string(report.problems.size()) + ")\n";
  for (const std::string& problem : report.problems) out += "  " + problem + "\n";
  return out;
}

nlohmann::json render_report_json(const TimeChangeReport& report) {
  nlohmann::json out;
  out["files"] = report.files;
  out["lines"] = report.intake.lines;
  out["malformed_lines"] = report.intake.malformed_lines + report.intake.overlong_lines;
  out["unclassified_events"] = report.unclassified_events;
  out["steps"] = nlohmann::json::array();
  for (const TimeChange& change : report.steps) out["steps"].push_back(to_json(change));
  out["denied"] = nlohmann::json::array();
  for (const TimeChange& change : report.denied) out["denied"].push_back(to_json(change));
  out["by_exe"] = nlohmann::json::array();
  for (const auto& [exe, counts] : report.by_exe) {
    out["by_exe"].push_back({{"exe", exe}, {"adjustments", counts.adjustments}, {"reads", counts.reads}});
  }
  out["problems"] = report.problems;
  return out;
}

}  // namespace timeguard
