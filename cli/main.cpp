#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "command.hpp"

namespace {

using timeguard::cli::Arguments;

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Arguments& args);
};

// To add a subcommand, declare its run function in command.hpp, define it in its own file
// and list it here.
constexpr Command kCommands[] = {
    {"status", "show each address, its DHCP lease, kernel lifetimes and verdict", timeguard::cli::run_status},
    {"simulate", "show the same as status as if the wall clock stepped now (--step=-1h)",
     timeguard::cli::run_simulate},
    {"report", "list the clock changes in saved audit logs and who made them", timeguard::cli::run_report},
};

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "Usage: timeguard COMMAND [OPTIONS]\n\n"
               "Checks whether a wall-clock step would make this host lose a DHCP address.\n\n"
               "Commands:\n");
  for (const Command& command : kCommands) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(command.name.size()), command.name.data(),
                 static_cast<int>(command.summary.size()), command.summary.data());
  }
  std::fprintf(out, "\nRun 'timeguard COMMAND --help' for the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return timeguard::cli::kExitUsage;
  }

  const std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    print_usage(stdout);
    return timeguard::cli::kExitOk;
  }

  if (name == "--version") {
    std::puts("timeguard 0.1.0");
    return timeguard::cli::kExitOk;
  }

  const Arguments args(argv + 2, argv + argc);
  for (const Command& command : kCommands) {
    if (command.name != name) continue;
    const int status = command.run(args);
    // A full disk or a closed pipe must not pass for success.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      std::fprintf(stderr, "timeguard: cannot write the output: %s\n", std::strerror(errno));
      return timeguard::cli::kExitFailure;
    }
    return status;
  }

  std::fprintf(stderr, "timeguard: unknown command \"%.*s\"; run 'timeguard --help' for the list\n",
               static_cast<int>(name.size()), name.data());
  return timeguard::cli::kExitUsage;
}
