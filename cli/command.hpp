#pragma once

#include <string_view>
#include <vector>

namespace timeguard::cli {

// Exit statuses shared by every subcommand.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the command could not do its work (netlink, files)
constexpr int kExitUsage = 2;    // bad command line

// A subcommand receives the arguments after its own name.
using Arguments = std::vector<std::string_view>;

int run_status(const Arguments& args);
int run_simulate(const Arguments& args);
int run_report(const Arguments& args);

}  // namespace timeguard::cli
