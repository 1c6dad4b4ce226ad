#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace timeguard {

// The values a hook command can refer to. Empty strings mean "not known".
struct HookContext {
  std::string interface;
  std::string address;
  std::string lease_file;
  std::string pid_file;
  std::int64_t delta_s = 0;  // the wall-clock step in seconds; positive = moved forward
  std::string verdict;
};

// Checks one argv element for placeholder syntax: `{interface}`, `{address}`, `{lease_file}`,
// `{pid_file}`, `{delta_s}`, `{verdict}`, and `{{` / `}}` for literal braces. Used at config time.
Status check_placeholders(std::string_view element);

// Expands each element on its own and returns the resulting argv. A value is copied byte for
// byte into its element, so spaces, quotes, `;`, `$()` and newlines stay inside that one
// argument. Fails when a used placeholder has an empty value or a value contains a NUL byte.
Result<std::vector<std::string>> expand_argv(const std::vector<std::string>& argv_template,
                                             const HookContext& context);

}  // namespace timeguard
