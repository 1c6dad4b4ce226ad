#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "dhcp_client_discovery.hpp"
#include "interface_report.hpp"
#include "result.hpp"

namespace timeguard::cli {

// Options that every report-style subcommand accepts.
struct ReportOptions {
  bool json = false;
  bool help = false;
  ClockOverrides clocks;
  DiscoveryRoots roots;
};

// An option a single subcommand adds, such as --step. `handle` receives the value and returns
// an error naming the bad value and the fix.
struct ExtraOption {
  std::string_view name;  // with the leading dashes, e.g. "--step"
  std::function<Status(std::string_view value)> handle;
};

// Parses --json, --clock=IFACE=CLOCK, --root=DIR, --proc=DIR, -h/--help and `extra`. Values
// may follow as `--name=value` or as the next argument (which may start with '-', as in
// `--step -1h`). The error names the offending argument.
Result<ReportOptions> parse_report_options(const Arguments& args, const std::vector<ExtraOption>& extra);

// Help text for the shared options, to append to a subcommand's own usage.
extern const char* const kReportOptionsHelp;

// Prints `reason` and a pointer to the help of `command`, and returns kExitUsage.
int usage_error(std::string_view command, const std::string& reason);

// Collects the report for `options`, evaluates it for a step of `delta_ns` from the current wall
// clock and prints it as text or JSON. A `simulated` text report names the step in its header.
// Returns the exit status.
int print_report(std::string_view command, const ReportOptions& options, std::int64_t delta_ns,
                 bool simulated);

}  // namespace timeguard::cli
