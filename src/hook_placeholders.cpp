#include "hook_placeholders.hpp"

#include <array>
#include <optional>

namespace timeguard {
namespace {

constexpr std::array<std::string_view, 6> placeholder_names{
    "interface", "address", "lease_file", "pid_file", "delta_s", "verdict"};

bool is_placeholder_name(std::string_view name) {
  for (std::string_view known : placeholder_names) {
    if (name == known) return true;
  }
  return false;
}

std::string allowed_list() {
  std::string list;
  for (std::string_view name : placeholder_names) {
    if (!list.empty()) list += ", ";
    list += "{" + std::string(name) + "}";
  }
  return list;
}

std::string value_of(std::string_view name, const HookContext& context) {
  if (name == "interface") return context.interface;
  if (name == "address") return context.address;
  if (name == "lease_file") return context.lease_file;
  if (name == "pid_file") return context.pid_file;
  if (name == "delta_s") return std::to_string(context.delta_s);
  return context.verdict;
}

// Walks `element`, appending literal text to `out` and, for each placeholder, its value as
// returned by `lookup`. Without a lookup only the syntax is checked.
template <typename Lookup>
Status substitute(std::string_view element, std::string& out, Lookup lookup) {
  std::string_view rest = element;
  while (!rest.empty()) {
    const char c = rest.front();
    const bool doubled = rest.size() >= 2 && rest[1] == c;
    if ((c == '{' || c == '}') && doubled) {
      out += c;
      rest.remove_prefix(2);
      continue;
    }
    if (c == '}') {
      return fail("unmatched '}' in \"" + std::string(element) + "\"; write '}}' for a literal brace");
    }
    if (c != '{') {
      out += c;
      rest.remove_prefix(1);
      continue;
    }

    const std::size_t close = rest.find('}');
    if (close == std::string_view::npos) {
      return fail("unterminated '{' in \"" + std::string(element) + "\"; write '{{' for a literal brace");
    }
    const std::string_view name = rest.substr(1, close - 1);
    if (!is_placeholder_name(name)) {
      return fail("unknown placeholder {" + std::string(name) + "} in \"" + std::string(element) +
                  "\"; allowed: " + allowed_list());
    }
    Status looked_up = lookup(name, out);
    if (!looked_up) return looked_up;
    rest.remove_prefix(close + 1);
  }
  return ok_status();
}

}  // namespace

Status check_placeholders(std::string_view element) {
  std::string ignored;
  return substitute(element, ignored, [](std::string_view, std::string&) { return ok_status(); });
}

Result<std::vector<std::string>> expand_argv(const std::vector<std::string>& argv_template,
                                             const HookContext& context) {
  std::vector<std::string> argv;
  argv.reserve(argv_template.size());

  for (const std::string& element : argv_template) {
    std::string expanded;
    Status status = substitute(element, expanded, [&](std::string_view name, std::string& out) {
      const std::string value = value_of(name, context);
      if (value.empty()) {
        return Status(fail("placeholder {" + std::string(name) + "} has no value for interface " +
                           context.interface));
      }
      if (value.find('\0') != std::string::npos) {
        return Status(fail("placeholder {" + std::string(name) + "} contains a NUL byte"));
      }
      out += value;
      return ok_status();
    });
    if (!status) return status.error();
    argv.push_back(std::move(expanded));
  }
  return argv;
}

}  // namespace timeguard
