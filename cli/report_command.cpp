#include "report_command.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "time_change_report.hpp"

namespace timeguard {
namespace {

constexpr const char* kReportUsage =
    "usage: timeguard report [--json] FILE...\n"
    "\n"
    "Summarizes every wall-clock change in saved audit logs (raw or enriched, as auditd writes\n"
    "them, or `ausearch --raw` output): each step with its size and process, each denied attempt,\n"
    "and NTP adjustments and read-only calls counted per executable. FILE '-' reads stdin.\n"
    "\n"
    "  --json   print one JSON object instead of tables\n";

}  // namespace

int run_report_command(int argc, char** argv) {
  bool json = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kReportUsage, stdout);
      return 0;
    }
    if (arg == "--json") {
      json = true;
    } else if (arg.size() > 1 && arg.front() == '-') {
      std::fprintf(stderr, "timeguard report: unknown option '%s'; see timeguard report --help\n", argv[i]);
      return 2;
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) {
    std::fputs("timeguard report: no audit log given; e.g. timeguard report /var/log/audit/audit.log\n", stderr);
    return 2;
  }

  Result<TimeChangeReport> report = read_audit_logs(files);
  if (!report) {
    std::fprintf(stderr, "timeguard report: %s\n", report.error().reason.c_str());
    return 1;
  }
  if (json) {
    std::puts(render_report_json(*report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fputs(render_report_text(*report).c_str(), stdout);
  }
  return 0;
}

}  // namespace timeguard
