#include <cstdio>
#include <optional>

#include "command.hpp"
#include "report_options.hpp"
#include "step_duration.hpp"

namespace timeguard::cli {

namespace {

void print_simulate_help() {
  std::printf(
      "Usage: timeguard simulate --step=DURATION [--json] [--clock=IFACE=CLOCK]... [--root=DIR]\n"
      "                          [--proc=DIR]\n"
      "\n"
      "Shows the same report as 'timeguard status' as if the wall clock stepped by DURATION\n"
      "now. The clock is not touched.\n"
      "\n"
      "Options:\n"
      "  --step=DURATION      size of the step: an optional sign and whole numbers with units\n"
      "                       ns, us (or µs), ms, s, m, h or d, each once and largest first,\n"
      "                       e.g. -1h, +90m, -3600s, 1d, 250ms, 1h30m; negative moves the\n"
      "                       clock back\n%s",
      kReportOptionsHelp);
}

}  // namespace

int run_simulate(const Arguments& args) {
  std::optional<std::int64_t> step_ns;
  const ExtraOption step_option{"--step", [&](std::string_view value) -> Status {
                                  auto parsed = parse_step_duration(value);
                                  if (!parsed) return parsed.error();
                                  step_ns = *parsed;
                                  return ok_status();
                                }};

  const auto options = parse_report_options(args, {step_option});
  if (!options) return usage_error("simulate", options.error().reason);
  if (options->help) {
    print_simulate_help();
    return kExitOk;
  }
  if (!step_ns) return usage_error("simulate", "missing --step; write e.g. --step=-1h");
  return print_report("simulate", *options, *step_ns, true);
}

}  // namespace timeguard::cli
