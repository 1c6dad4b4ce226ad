#include "dhcp_client_discovery.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "dhcp_process.hpp"
#include "lease_dhclient.hpp"
#include "lease_dhcpcd.hpp"
#include "lease_networkd.hpp"
#include "lease_networkmanager.hpp"
#include "lease_wicked.hpp"

namespace timeguard {

namespace {

namespace fs = std::filesystem;

// A lease file location, relative to DiscoveryRoots::root. A file matches when its name is
// `prefix` + `suffix` exactly, or, with `wildcard`, `prefix` + anything + `suffix` (the part in
// between is a connection UUID or name). A shared file lists several interfaces.
struct LeaseLocation {
  std::string directory;
  std::string prefix;
  std::string suffix;
  bool wildcard = false;
  bool shared = false;
  DhcpClient client = DhcpClient::unknown;
};

// A lease file that may belong to the interface, with what is known about its client.
struct Candidate {
  DhcpClient client = DhcpClient::unknown;
  fs::path path;
  bool shared = false;
  bool named_by_process = false;   // a running dhclient passed this file with -lf
  std::optional<pid_t> pid;
  std::string pid_file;
  bool alive = false;
  std::int64_t mtime_unix_s = 0;
};

std::vector<LeaseLocation> standard_locations(const std::string& interface, int ifindex) {
  const std::string lease = "-" + interface + ".lease";
  const std::string leases = "-" + interface + ".leases";
  const DhcpClient dhclient = DhcpClient::dhclient;
  return {
      // RHEL, Fedora, Amazon Linux (initscripts and dhclient-script).
      {"var/lib/dhclient", "dhclient-", lease, true, false, dhclient},
      {"var/lib/dhclient", "dhclient6-", lease, true, false, dhclient},
      {"var/lib/dhclient", "dhclient", leases, false, false, dhclient},
      {"var/lib/dhclient", "dhclient6", leases, false, false, dhclient},
      // Debian and Ubuntu ifupdown, then dhclient's compiled-in default there.
      {"var/lib/dhcp", "dhclient.", interface + ".leases", false, false, dhclient},
      {"var/lib/dhcp", "dhclient6.", interface + ".leases", false, false, dhclient},
      {"var/lib/dhcp", "dhclient.leases", "", false, true, dhclient},
      {"var/lib/dhcp", "dhclient6.leases", "", false, true, dhclient},
      // NetworkManager running dhclient, and its internal client.
      {"var/lib/NetworkManager", "dhclient-", lease, true, false, dhclient},
      {"var/lib/NetworkManager", "dhclient6-", lease, true, false, dhclient},
      {"run/NetworkManager", "dhclient-", lease, true, false, dhclient},
      {"run/NetworkManager", "dhclient6-", lease, true, false, dhclient},
      {"var/lib/NetworkManager", "internal-", lease, true, false, DhcpClient::networkmanager},
      {"run/NetworkManager", "internal-", lease, true, false, DhcpClient::networkmanager},
      // Upstream ISC default.
      {"var/db", "dhclient.leases", "", false, true, dhclient},
      {"var/db", "dhclient6.leases", "", false, true, dhclient},
      // systemd-networkd names the file after the interface index.
      {"run/systemd/netif/leases", std::to_string(ifindex), "", false, false, DhcpClient::networkd},
      {"var/lib/dhcpcd", interface, ".lease", false, false, DhcpClient::dhcpcd},
      {"var/lib/dhcpcd", "dhcpcd-", interface + ".lease", false, false, DhcpClient::dhcpcd},
      {"var/db/dhcpcd", interface, ".lease", false, false, DhcpClient::dhcpcd},
      {"var/lib/wicked", "lease-", interface + "-dhcp-ipv4.xml", false, false, DhcpClient::wicked},
  };
}

bool name_matches(const std::string& name, const LeaseLocation& location) {
  if (!location.wildcard) {
    return name == location.prefix + location.suffix;
  }
  return name.size() > location.prefix.size() + location.suffix.size() &&
         name.starts_with(location.prefix) && name.ends_with(location.suffix);
}

std::int64_t mtime_of(const fs::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return 0;
  }
  return static_cast<std::int64_t>(status.st_mtim.tv_sec);
}

void add_matches(const fs::path& root, const LeaseLocation& location, std::vector<Candidate>& out) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root / location.directory, error)) {
    if (!entry.is_regular_file(error) || !name_matches(entry.path().filename().string(), location)) {
      continue;
    }
    Candidate candidate;
    candidate.client = location.client;
    candidate.path = entry.path();
    candidate.shared = location.shared;
    candidate.mtime_unix_s = mtime_of(entry.path());
    out.push_back(std::move(candidate));
  }
}

fs::path under_root(const std::string& root, std::string_view absolute) {
  while (absolute.starts_with('/')) {
    absolute.remove_prefix(1);
  }
  return fs::path(root) / absolute;
}

bool serves(const std::vector<std::string>& interfaces, const std::string& interface) {
  return interfaces.empty() || std::find(interfaces.begin(), interfaces.end(), interface) != interfaces.end();
}

// Returns the process of `client` that manages `interface`, if one runs. networkd, NetworkManager
// and wicked manage every interface they are configured for, which the process table cannot show.
const DhcpProcess* serving_process(const std::vector<DhcpProcess>& processes, DhcpClient client,
                                   const std::string& interface) {
  for (const DhcpProcess& process : processes) {
    if (process.client != client) {
      continue;
    }
    if (client == DhcpClient::dhclient) {
      if (serves(parse_dhclient_arguments(process.argv).interfaces, interface)) {
        return &process;
      }
    } else if (client == DhcpClient::dhcpcd || client == DhcpClient::udhcpc) {
      std::vector<std::string> interfaces = client_interface_arguments(client, process.argv);
      if (serves(interfaces, interface) && !(client == DhcpClient::udhcpc && interfaces.empty())) {
        return &process;
      }
    } else {
      return &process;
    }
  }
  return nullptr;
}

// Lease files named on the command line of running dhclients that serve the interface.
void add_process_files(const DiscoveryRoots& roots, const std::vector<DhcpProcess>& processes,
                       const std::string& interface, std::vector<Candidate>& out) {
  for (const DhcpProcess& process : processes) {
    if (process.client != DhcpClient::dhclient) {
      continue;
    }
    DhclientArguments arguments = parse_dhclient_arguments(process.argv);
    if (arguments.lease_file.empty() || !serves(arguments.interfaces, interface)) {
      continue;
    }
    Candidate candidate;
    candidate.client = DhcpClient::dhclient;
    candidate.path = under_root(roots.root, arguments.lease_file);
    candidate.shared = true;  // dhclient -lf files may list several interfaces
    candidate.named_by_process = true;
    candidate.pid = process.pid;
    candidate.pid_file = arguments.pid_file;
    candidate.alive = true;
    candidate.mtime_unix_s = mtime_of(candidate.path);
    out.push_back(std::move(candidate));
  }
}

std::optional<pid_t> read_pid_file(const fs::path& path) {
  std::ifstream file(path);
  long long value = 0;
  if (!(file >> value) || value <= 0 || value > 0x3fffffff) {
    return std::nullopt;
  }
  return static_cast<pid_t>(value);
}

// Pid files that dhclient-script, ifupdown and NetworkManager pass with -pf.
std::vector<std::string> dhclient_pid_files(const std::string& interface) {
  return {"/run/dhclient-" + interface + ".pid",  "/run/dhclient." + interface + ".pid",
          "/run/dhclient6-" + interface + ".pid", "/run/dhclient6." + interface + ".pid",
          "/var/run/dhclient-" + interface + ".pid", "/run/NetworkManager/dhclient-" + interface + ".pid",
          "/run/dhclient.pid"};
}

void mark_from_pid_files(const DiscoveryRoots& roots, const std::string& interface, Candidate& candidate) {
  for (const std::string& pid_file : dhclient_pid_files(interface)) {
    std::optional<pid_t> pid = read_pid_file(under_root(roots.root, pid_file));
    if (!pid) {
      continue;
    }
    candidate.pid_file = pid_file;
    candidate.pid = pid;
    candidate.alive = process_is_client(roots.proc, *pid, DhcpClient::dhclient);
    if (candidate.alive) {
      return;
    }
  }
}

// Fills pid and alive for candidates found on disk.
void mark_liveness(const DiscoveryRoots& roots, const std::vector<DhcpProcess>& processes,
                   const std::string& interface, Candidate& candidate) {
  if (candidate.named_by_process) {
    return;
  }
  const DhcpProcess* process = serving_process(processes, candidate.client, interface);
  bool dhclient_with_own_file = process != nullptr && candidate.client == DhcpClient::dhclient &&
                                !parse_dhclient_arguments(process->argv).lease_file.empty();
  if (process != nullptr && !dhclient_with_own_file) {
    candidate.pid = process->pid;
    candidate.alive = true;
    return;
  }
  if (candidate.client == DhcpClient::dhclient) {
    mark_from_pid_files(roots, interface, candidate);
  }
}

// Live clients first, then files a process named, then the newest file.
void rank(std::vector<Candidate>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.alive != b.alive) {
      return a.alive;
    }
    if (a.named_by_process != b.named_by_process) {
      return a.named_by_process;
    }
    return a.mtime_unix_s > b.mtime_unix_s;
  });
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail("failed to open " + path.string());
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

Result<LeaseFileContents> parse_for_client(const Candidate& candidate, const std::string& text,
                                           const std::string& interface) {
  switch (candidate.client) {
    case DhcpClient::dhclient:
      return parse_dhclient_leases(text, interface, static_cast<std::int64_t>(std::time(nullptr)));
    case DhcpClient::networkd:
      return parse_networkd_lease(text, interface, candidate.mtime_unix_s);
    case DhcpClient::networkmanager:
      return parse_networkmanager_lease(text, interface, candidate.mtime_unix_s);
    case DhcpClient::dhcpcd:
      return parse_dhcpcd_lease(text, interface, candidate.mtime_unix_s);
    case DhcpClient::wicked:
      return parse_wicked_lease(text, interface);
    default:
      return fail("no lease reader for client " + std::string(to_string(candidate.client)));
  }
}

void record_file(std::vector<DhcpLease>& leases, const std::string& path) {
  for (DhcpLease& lease : leases) {
    lease.lease_file = path;
  }
}

ClientState state_for(const Candidate& candidate) {
  ClientState state;
  state.client = candidate.client;
  state.clock = default_clock(candidate.client);
  state.alive = candidate.alive;
  state.pid = candidate.pid;
  state.lease_file = candidate.path.string();
  state.pid_file = candidate.pid_file;
  return state;
}

std::string searched_directories(const std::vector<LeaseLocation>& locations, const DiscoveryRoots& roots) {
  std::vector<std::string> directories;
  for (const LeaseLocation& location : locations) {
    std::string directory = (fs::path(roots.root) / location.directory).string();
    if (std::find(directories.begin(), directories.end(), directory) == directories.end()) {
      directories.push_back(directory);
    }
  }
  std::string joined;
  for (const std::string& directory : directories) {
    joined += (joined.empty() ? "" : ", ") + directory;
  }
  return joined;
}

// The state when no lease file could be read: a running client without a usable file, or none.
ClientState state_without_lease(const std::vector<DhcpProcess>& processes, const std::string& interface,
                                std::string problem) {
  ClientState state;
  for (DhcpClient client : {DhcpClient::dhclient, DhcpClient::dhcpcd, DhcpClient::networkd,
                            DhcpClient::networkmanager, DhcpClient::wicked, DhcpClient::udhcpc}) {
    if (const DhcpProcess* process = serving_process(processes, client, interface)) {
      state.client = client;
      state.clock = default_clock(client);
      state.alive = true;
      state.pid = process->pid;
      break;
    }
  }
  if (state.client == DhcpClient::udhcpc) {
    problem = "udhcpc keeps no lease file; " + problem;
  }
  state.problem = std::move(problem);
  return state;
}

bool has_family(const std::vector<DhcpLease>& leases, int family) {
  return std::any_of(leases.begin(), leases.end(), [family](const DhcpLease& lease) { return lease.family == family; });
}

// dhclient runs one process per family (-4 and -6), each with its own lease file. Adds the
// families missing from `contents` out of the files that other running dhclients named.
void merge_other_families(const std::vector<Candidate>& candidates, const Candidate& chosen,
                          const std::string& interface, LeaseFileContents& contents) {
  for (const Candidate& other : candidates) {
    if (&other == &chosen || !other.named_by_process || other.path == chosen.path) {
      continue;
    }
    auto text = read_file(other.path);
    auto parsed = text ? parse_for_client(other, *text, interface) : Result<LeaseFileContents>(text.error());
    if (!parsed) {
      continue;
    }
    record_file(parsed->current, other.path.string());
    record_file(parsed->fallbacks, other.path.string());
    for (const DhcpLease& lease : parsed->current) {
      if (has_family(contents.current, lease.family)) {
        continue;
      }
      contents.current.push_back(lease);
      std::copy_if(parsed->fallbacks.begin(), parsed->fallbacks.end(), std::back_inserter(contents.fallbacks),
                   [&lease](const DhcpLease& fallback) { return fallback.family == lease.family; });
    }
  }
}

}  // namespace

ClientState discover_client(const std::string& interface, int ifindex, const DiscoveryRoots& roots) {
  std::vector<DhcpProcess> processes = scan_dhcp_processes(roots.proc);
  std::vector<LeaseLocation> locations = standard_locations(interface, ifindex);

  std::vector<Candidate> candidates;
  add_process_files(roots, processes, interface, candidates);
  for (const LeaseLocation& location : locations) {
    add_matches(fs::path(roots.root), location, candidates);
  }
  for (Candidate& candidate : candidates) {
    mark_liveness(roots, processes, interface, candidate);
  }
  rank(candidates);

  std::string skipped;
  for (const Candidate& candidate : candidates) {
    ClientState state = state_for(candidate);
    auto text = read_file(candidate.path);
    auto contents = text ? parse_for_client(candidate, *text, interface) : Result<LeaseFileContents>(text.error());
    if (contents && !contents->current.empty()) {
      record_file(contents->current, state.lease_file);
      record_file(contents->fallbacks, state.lease_file);
      if (candidate.client == DhcpClient::dhclient) {
        merge_other_families(candidates, candidate, interface, *contents);
      }
      state.leases = std::move(*contents);
      return state;
    }
    // A shared file without a block for this interface is normal. A file that a running
    // dhclient named is its lease even when still empty, so it is reported, not skipped.
    bool other_interfaces_only = candidate.shared && !candidate.named_by_process && text && !contents &&
                                 contents.error().reason.starts_with("no lease block");
    if (other_interfaces_only) {
      skipped += "; " + state.lease_file + ": " + contents.error().reason;
      continue;
    }
    state.problem = state.lease_file + ": " + (contents ? "no lease in file" : contents.error().reason);
    return state;
  }

  return state_without_lease(processes, interface,
                             "no lease file for " + interface + " (ifindex " + std::to_string(ifindex) +
                                 ") in " + searched_directories(locations, roots) + skipped);
}

}  // namespace timeguard
