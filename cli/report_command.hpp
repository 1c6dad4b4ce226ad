#pragma once

namespace timeguard {

// `timeguard report [--json] FILE...`: summarizes the clock changes in saved audit logs.
// argv[0] is "report". Returns the exit code: 0 ok, 1 a file could not be read, 2 usage.
int run_report_command(int argc, char** argv);

}  // namespace timeguard
