#include "report_options.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "report_output.hpp"
#include "step_duration.hpp"

namespace timeguard::cli {

const char* const kReportOptionsHelp =
    "  --json               print a JSON array with one object per address\n"
    "  --clock=IFACE=CLOCK  treat the DHCP client on IFACE as running its timers on CLOCK\n"
    "                       (realtime, boottime or monotonic); may be repeated\n"
    "  --root=DIR           look for lease and pid files under DIR instead of /\n"
    "  --proc=DIR           read the process table from DIR instead of /proc\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage error.\n";

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Status parse_clock_override(std::string_view value, ClockOverrides& clocks) {
  const std::size_t equals = value.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return fail("invalid --clock value " + quoted(value) + ": expected IFACE=CLOCK, e.g. --clock=eth0=boottime");
  }
  const std::string_view interface = value.substr(0, equals);
  const std::string_view clock_name = value.substr(equals + 1);
  const auto clock = parse_client_clock(clock_name);
  if (!clock) {
    return fail("invalid clock " + quoted(clock_name) + " in --clock=" + std::string(value) +
                ": use realtime, boottime or monotonic");
  }
  clocks[std::string(interface)] = *clock;
  return ok_status();
}

Status require_directory_value(std::string_view name, std::string_view value, std::string& target) {
  if (value.empty()) return fail("missing directory after " + std::string(name) + "; write e.g. " + std::string(name) + "=/");
  target = std::string(value);
  return ok_status();
}

// Splits "--name=value" into name and value; a bare "--name" has no value yet.
std::pair<std::string_view, std::optional<std::string_view>> split_option(std::string_view arg) {
  const std::size_t equals = arg.find('=');
  if (equals == std::string_view::npos) return {arg, std::nullopt};
  return {arg.substr(0, equals), arg.substr(equals + 1)};
}

}  // namespace

Result<ReportOptions> parse_report_options(const Arguments& args, const std::vector<ExtraOption>& extra) {
  ReportOptions options;
  std::vector<ExtraOption> valued = extra;
  valued.push_back({"--clock", [&](std::string_view v) { return parse_clock_override(v, options.clocks); }});
  valued.push_back({"--root", [&](std::string_view v) { return require_directory_value("--root", v, options.roots.root); }});
  valued.push_back({"--proc", [&](std::string_view v) { return require_directory_value("--proc", v, options.roots.proc); }});

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
      continue;
    }
    if (arg == "--json") {
      options.json = true;
      continue;
    }

    const auto [name, inline_value] = split_option(arg);
    const ExtraOption* option = nullptr;
    for (const ExtraOption& candidate : valued) {
      if (candidate.name == name) option = &candidate;
    }
    if (option == nullptr) {
      if (arg.rfind("-", 0) == 0) return fail("unknown option " + quoted(arg));
      return fail("unexpected argument " + quoted(arg));
    }

    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail("missing value after " + std::string(name));
    }
    const Status handled = option->handle(value);
    if (!handled) return handled.error();
  }
  return options;
}

int usage_error(std::string_view command, const std::string& reason) {
  std::fprintf(stderr, "timeguard %.*s: %s\nRun 'timeguard %.*s --help' for usage.\n",
               static_cast<int>(command.size()), command.data(), reason.c_str(),
               static_cast<int>(command.size()), command.data());
  return kExitUsage;
}

int print_report(std::string_view command, const ReportOptions& options, std::int64_t delta_ns, bool simulated) {
  const auto report = collect_interface_report(options.roots, options.clocks);
  if (!report) {
    std::fprintf(stderr, "timeguard %.*s: %s\n", static_cast<int>(command.size()), command.data(),
                 report.error().reason.c_str());
    return kExitFailure;
  }

  const std::int64_t now_s = static_cast<std::int64_t>(std::time(nullptr));
  const auto rows = report->evaluate_step(delta_ns, now_s);
  if (options.json) {
    std::cout << rows_to_json(rows).dump(2) << "\n";
    return kExitOk;
  }

  if (simulated) {
    std::cout << "Simulated step " << format_step(delta_ns) << " at " << format_utc(now_s)
              << "; \"in N s\" is real time after the step.\n\n";
  } else {
    std::cout << "Now " << format_utc(now_s) << "\n\n";
  }
  std::cout << format_rows_text(rows);
  return kExitOk;
}

}  // namespace timeguard::cli
