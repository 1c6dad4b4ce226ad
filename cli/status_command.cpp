#include <cstdio>

#include "command.hpp"
#include "report_options.hpp"

namespace timeguard::cli {

namespace {

void print_status_help() {
  std::printf(
      "Usage: timeguard status [--json] [--clock=IFACE=CLOCK]... [--root=DIR] [--proc=DIR]\n"
      "\n"
      "Shows every global IPv4 and IPv6 address with its DHCP client and the clock its timers\n"
      "run on, the lease file, renew/rebind/expire (UTC and seconds from now), the kernel's\n"
      "valid and preferred lifetimes, whether the client runs, and the verdict without a step.\n"
      "\n"
      "Options:\n%s",
      kReportOptionsHelp);
}

}  // namespace

int run_status(const Arguments& args) {
  const auto options = parse_report_options(args, {});
  if (!options) return usage_error("status", options.error().reason);
  if (options->help) {
    print_status_help();
    return kExitOk;
  }
  return print_report("status", *options, 0, false);
}

}  // namespace timeguard::cli
