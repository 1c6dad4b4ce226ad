#include "dhcp_process.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace timeguard {

namespace {

constexpr std::array<std::pair<std::string_view, DhcpClient>, 7> kProcessNames{{
    {"dhclient", DhcpClient::dhclient},
    {"dhcpcd", DhcpClient::dhcpcd},
    {"systemd-networkd", DhcpClient::networkd},
    {"systemd-network", DhcpClient::networkd},
    {"NetworkManager", DhcpClient::networkmanager},
    {"wickedd-dhcp4", DhcpClient::wicked},
    {"udhcpc", DhcpClient::udhcpc},
}};

// dhclient options that take a value, from the argument loop of main() in client/dhclient.c
// (ISC DHCP 4.4). Distribution patches may add more.
constexpr std::array<std::string_view, 15> kDhclientValueOptions{
    "-p",  "-D",   "-cf", "-lf",  "-pf", "-sf", "-df", "-s", "-g", "-e", "-4o6",
    "--prefix-len-hint", "--decline-wait-time", "--address-prefix-len", "--dad-wait-time"};

std::string read_small_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

std::optional<pid_t> parse_pid(std::string_view text) {
  pid_t pid = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || ptr != text.data() + text.size() || pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

std::string_view strip_newline(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string base_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  // The kernel appends " (deleted)" to the exe link of a replaced binary, as after a package upgrade.
  constexpr std::string_view kDeleted = " (deleted)";
  if (name.ends_with(kDeleted)) {
    name.remove_suffix(kDeleted.size());
  }
  return std::string(name);
}

std::optional<DhcpClient> identify(const std::filesystem::path& process_dir, std::string& comm) {
  comm = std::string(strip_newline(read_small_file(process_dir / "comm")));
  if (auto client = client_for_process_name(comm)) {
    return client;
  }
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink(process_dir / "exe", error);
  if (error) {
    return std::nullopt;
  }
  return client_for_process_name(base_name(exe.string()));
}

}  // namespace

std::optional<DhcpClient> client_for_process_name(std::string_view name) {
  for (const auto& [known, client] : kProcessNames) {
    if (known == name) {
      return client;
    }
  }
  return std::nullopt;
}

std::vector<std::string> split_cmdline(std::string_view cmdline) {
  std::vector<std::string> argv;
  while (!cmdline.empty()) {
    std::size_t end = cmdline.find('\0');
    argv.emplace_back(cmdline.substr(0, end));
    cmdline.remove_prefix(end == std::string_view::npos ? cmdline.size() : end + 1);
  }
  return argv;
}

DhclientArguments parse_dhclient_arguments(const std::vector<std::string>& argv) {
  DhclientArguments arguments;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& argument = argv[i];
    bool takes_value = std::find(kDhclientValueOptions.begin(), kDhclientValueOptions.end(),
                                 argument) != kDhclientValueOptions.end();
    if (takes_value) {
      if (i + 1 < argv.size()) {
        if (argument == "-lf") {
          arguments.lease_file = argv[i + 1];
        } else if (argument == "-pf") {
          arguments.pid_file = argv[i + 1];
        }
      }
      ++i;
      continue;
    }
    if (argument == "-6") {
      arguments.ipv6 = true;
    } else if (argument == "-4") {
      arguments.ipv6 = false;
    } else if (!argument.empty() && argument.front() != '-') {
      arguments.interfaces.push_back(argument);
    }
  }
  return arguments;
}

std::vector<std::string> client_interface_arguments(DhcpClient client,
                                                    const std::vector<std::string>& argv) {
  std::vector<std::string> interfaces;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    std::string_view argument = argv[i];
    if (client == DhcpClient::udhcpc) {
      if ((argument == "-i" || argument == "--interface") && i + 1 < argv.size()) {
        interfaces.push_back(argv[++i]);
      } else if (argument.starts_with("--interface=")) {
        interfaces.emplace_back(argument.substr(12));
      } else if (argument.starts_with("-i") && argument.size() > 2) {
        interfaces.emplace_back(argument.substr(2));
      }
    } else if (!argument.empty() && argument.front() != '-') {
      // NOTE: dhcpcd options that take a separate value (-h NAME, -f FILE, ...) would make
      // their value look like an interface name. Only bare interface lists are read reliably.
      interfaces.emplace_back(argument);
    }
  }
  return interfaces;
}

std::vector<DhcpProcess> scan_dhcp_processes(const std::string& proc_root) {
  std::vector<DhcpProcess> processes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, error)) {
    std::optional<pid_t> pid = parse_pid(entry.path().filename().string());
    if (!pid) {
      continue;
    }
    DhcpProcess process;
    process.pid = *pid;
    std::optional<DhcpClient> client = identify(entry.path(), process.comm);
    if (!client) {
      continue;
    }
    process.client = *client;
    process.argv = split_cmdline(read_small_file(entry.path() / "cmdline"));
    processes.push_back(std::move(process));
  }
  std::sort(processes.begin(), processes.end(),
            [](const DhcpProcess& a, const DhcpProcess& b) { return a.pid < b.pid; });
  return processes;
}

bool process_is_client(const std::string& proc_root, pid_t pid, DhcpClient client) {
  std::filesystem::path process_dir = std::filesystem::path(proc_root) / std::to_string(pid);
  std::string comm;
  std::optional<DhcpClient> found = identify(process_dir, comm);
  return found && *found == client;
}

}  // namespace timeguard
