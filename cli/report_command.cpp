#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "time_change_report.hpp"

namespace timeguard::cli {
namespace {

constexpr const char* kReportUsage =
    "Usage: timeguard report [--json] FILE...\n"
    "\n"
    "Summarizes every wall-clock change in saved audit logs (raw or enriched, as auditd writes\n"
    "them, or `ausearch --raw` output): each step with its size and process, each denied attempt,\n"
    "and NTP adjustments and read-only calls counted per executable. FILE '-' reads stdin.\n"
    "\n"
    "  --json   print one JSON object instead of tables\n";

}  // namespace

int run_report(const Arguments& args) {
  bool json = false;
  std::vector<std::string> files;
  for (const std::string_view arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(kReportUsage, stdout);
      return kExitOk;
    }
    if (arg == "--json") {
      json = true;
    } else if (arg.size() > 1 && arg.front() == '-') {
      std::fprintf(stderr, "timeguard report: unknown option '%.*s'; see timeguard report --help\n",
                   static_cast<int>(arg.size()), arg.data());
      return kExitUsage;
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) {
    std::fputs("timeguard report: no audit log given; e.g. timeguard report /var/log/audit/audit.log\n", stderr);
    return kExitUsage;
  }

  Result<TimeChangeReport> report = read_audit_logs(files);
  if (!report) {
    std::fprintf(stderr, "timeguard report: %s\n", report.error().reason.c_str());
    return kExitFailure;
  }
  if (json) {
    std::puts(render_report_json(*report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fputs(render_report_text(*report).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace timeguard::cli
