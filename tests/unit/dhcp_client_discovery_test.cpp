// Discovery reads /proc and lease directories. These tests build both trees in a temporary
// directory: the fake /proc is a mock of running DHCP clients, which cannot be arranged here
// without starting real clients on real interfaces. The real dhclient check is in
// tests/integration/lease_discovery_netns.sh.
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dhcp_client_discovery.hpp"
#include "dhcp_process.hpp"
#include "lease_fixture.hpp"

namespace fs = std::filesystem;
using timeguard::ClientClock;
using timeguard::DhcpClient;
using timeguard::discover_client;

namespace {

// A temporary root tree and /proc tree, removed on destruction.
class FakeSystem {
 public:
  FakeSystem() {
    std::string pattern = (fs::temp_directory_path() / "tg-discovery-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    REQUIRE(made != nullptr);
    base_ = made;
    fs::create_directories(base_ / "proc");
    fs::create_directories(base_ / "root");
  }
  ~FakeSystem() {
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }
  FakeSystem(const FakeSystem&) = delete;
  FakeSystem& operator=(const FakeSystem&) = delete;

  timeguard::DiscoveryRoots roots() const {
    return {(base_ / "proc").string(), (base_ / "root").string()};
  }

  std::string path(const std::string& relative) const { return (base_ / "root" / relative).string(); }

  void write(const std::string& relative, const std::string& content) const {
    fs::path target = base_ / "root" / relative;
    fs::create_directories(target.parent_path());
    std::ofstream(target, std::ios::binary) << content;
  }

  // Sets a file's modification time, in Unix seconds.
  void touch(const std::string& relative, std::int64_t mtime_unix_s) const {
    struct timespec times[2] = {{mtime_unix_s, 0}, {mtime_unix_s, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path(relative).c_str(), times, 0) == 0);
  }

  void add_process(int pid, const std::string& comm, const std::vector<std::string>& argv) const {
    fs::path dir = base_ / "proc" / std::to_string(pid);
    fs::create_directories(dir);
    std::ofstream(dir / "comm") << comm << "\n";
    std::string cmdline;
    for (const std::string& argument : argv) {
      cmdline += argument;
      cmdline.push_back('\0');
    }
    std::ofstream(dir / "cmdline", std::ios::binary) << cmdline;
  }

 private:
  fs::path base_;
};

const std::string kDhclientEth0 =
    "lease {\n  interface \"eth0\";\n  fixed-address 10.4.0.9;\n"
    "  renew epoch 2000000000;\n  rebind epoch 2000001000;\n  expire epoch 2000002000;\n}\n";

}  // namespace

TEST_CASE("discovery: dhclient -lf from cmdline", "[discovery]") {
  FakeSystem system;
  system.write("tmp/custom/eth0.leases", kDhclientEth0);
  system.add_process(812, "dhclient",
                     {"/sbin/dhclient", "-4", "-v", "-pf", "/run/dhclient.eth0.pid", "-lf",
                      "/tmp/custom/eth0.leases", "-I", "eth0"});
  system.write("var/lib/dhcp/dhclient.eth0.leases", kDhclientEth0);  // stale default file

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.client == DhcpClient::dhclient);
  CHECK(state.clock == ClientClock::realtime);
  CHECK(state.alive);
  CHECK(state.pid == 812);
  CHECK(state.lease_file == system.path("tmp/custom/eth0.leases"));
  CHECK(state.pid_file == "/run/dhclient.eth0.pid");
  CHECK(state.problem.empty());
  REQUIRE(state.leases.has_value());
  REQUIRE(state.leases->current.size() == 1);
  CHECK(state.leases->current.front().address == "10.4.0.9");
  CHECK(state.leases->current.front().expire == 2000002000);
  CHECK(state.leases->current.front().lease_file == state.lease_file);
}

TEST_CASE("discovery: dhclient serving all interfaces", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/dhcp/dhclient.eth0.leases", kDhclientEth0);
  system.add_process(77, "dhclient", {"dhclient", "-d"});

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.client == DhcpClient::dhclient);
  CHECK(state.alive);
  CHECK(state.pid == 77);
  CHECK(state.lease_file == system.path("var/lib/dhcp/dhclient.eth0.leases"));
}

TEST_CASE("discovery: dhclient for another interface", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/dhclient/dhclient-eth0.leases", kDhclientEth0);
  system.add_process(78, "dhclient", {"dhclient", "-lf", "/var/lib/dhclient/eth1.leases", "eth1"});

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.client == DhcpClient::dhclient);
  CHECK_FALSE(state.alive);
  CHECK_FALSE(state.pid.has_value());
  CHECK(state.lease_file == system.path("var/lib/dhclient/dhclient-eth0.leases"));
}

TEST_CASE("discovery: dhclient pid file liveness", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/dhclient/dhclient-5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03-eth0.lease", kDhclientEth0);
  system.write("run/dhclient-eth0.pid", "4242\n");

  SECTION("pid names a dhclient") {
    system.add_process(4242, "dhclient", {"/sbin/dhclient"});
    fs::remove_all(fs::path(system.roots().proc) / "4242" / "cmdline");
    auto state = discover_client("eth0", 2, system.roots());
    // The process scan finds it too; it serves every interface, so it is the live client.
    CHECK(state.alive);
    CHECK(state.pid == 4242);
  }
  SECTION("stale pid now names another program") {
    system.add_process(4242, "bash", {"-bash"});
    auto state = discover_client("eth0", 2, system.roots());
    CHECK(state.client == DhcpClient::dhclient);
    CHECK_FALSE(state.alive);
    CHECK(state.pid == 4242);
    CHECK(state.pid_file == "/run/dhclient-eth0.pid");
  }
  SECTION("pid file without a process") {
    auto state = discover_client("eth0", 2, system.roots());
    CHECK_FALSE(state.alive);
    CHECK(state.pid_file == "/run/dhclient-eth0.pid");
  }
}

TEST_CASE("discovery: dhclient -4 and -6 merged", "[discovery]") {
  FakeSystem system;
  system.write("run/v4.leases", kDhclientEth0);
  system.write("run/v6.leases", read_lease_fixture("dhclient6-eth0.leases"));
  system.add_process(300, "dhclient", {"dhclient", "-4", "-lf", "/run/v4.leases", "eth0"});
  system.add_process(301, "dhclient", {"dhclient", "-6", "-lf", "/run/v6.leases", "eth0"});

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.pid == 300);
  CHECK(state.lease_file == system.path("run/v4.leases"));
  REQUIRE(state.leases.has_value());
  REQUIRE(state.leases->current.size() == 2);
  CHECK(state.leases->current[0].family == AF_INET);
  CHECK(state.leases->current[1].family == AF_INET6);
  CHECK(state.leases->current[1].address == "2001:db8:40::1c2");
  CHECK(state.leases->current[1].lease_file == system.path("run/v6.leases"));
}

TEST_CASE("discovery: networkd by ifindex", "[discovery]") {
  FakeSystem system;
  system.write("run/systemd/netif/leases/3", read_lease_fixture("networkd-2.lease"));
  system.touch("run/systemd/netif/leases/3", 1796400000);
  system.add_process(501, "systemd-network", {"/lib/systemd/systemd-networkd"});

  auto state = discover_client("ens3", 3, system.roots());
  CHECK(state.client == DhcpClient::networkd);
  CHECK(state.clock == ClientClock::boottime);
  CHECK(state.alive);
  CHECK(state.pid == 501);
  REQUIRE(state.leases.has_value());
  CHECK(state.leases->current.front().interface == "ens3");
  CHECK(state.leases->current.front().expire == 1796400000 + 86400);
}

TEST_CASE("discovery: NetworkManager internal client", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/NetworkManager/internal-0b3f4c5e-8a9d-4e21-b7c6-2f1d0e9a8b7c-wlp2s0.lease",
               read_lease_fixture("networkmanager-internal.lease"));
  system.add_process(900, "NetworkManager", {"/usr/sbin/NetworkManager", "--no-daemon"});

  auto state = discover_client("wlp2s0", 4, system.roots());
  CHECK(state.client == DhcpClient::networkmanager);
  CHECK(state.clock == ClientClock::boottime);
  CHECK(state.alive);
  REQUIRE(state.leases.has_value());
  CHECK_FALSE(state.leases->current.front().schedule_known);
}

TEST_CASE("discovery: dhcpcd for other interface", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/dhcpcd/eth0.lease", read_lease_fixture("dhcpcd-eth0.lease"));
  system.add_process(610, "dhcpcd", {"dhcpcd", "-q", "eth1"});

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.client == DhcpClient::dhcpcd);
  CHECK(state.clock == ClientClock::monotonic);
  CHECK_FALSE(state.alive);
  REQUIRE(state.leases.has_value());
  CHECK(state.leases->current.front().address == "192.168.7.42");
}

TEST_CASE("discovery: wicked after shared dhclient file", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/dhcp/dhclient.leases",
               "lease { interface \"eth1\"; fixed-address 10.9.0.1; expire never; }\n");
  system.write("var/lib/wicked/lease-eth0-dhcp-ipv4.xml", read_lease_fixture("wicked-eth0.xml"));

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.client == DhcpClient::wicked);
  CHECK_FALSE(state.alive);
  REQUIRE(state.leases.has_value());
  CHECK(state.leases->current.front().address == "10.160.4.31");
}

TEST_CASE("discovery: live client beats newer file", "[discovery]") {
  FakeSystem system;
  system.write("var/lib/dhcp/dhclient.eth0.leases", kDhclientEth0);
  system.touch("var/lib/dhcp/dhclient.eth0.leases", 1796000000);
  system.write("var/lib/dhcpcd/eth0.lease", read_lease_fixture("dhcpcd-eth0.lease"));
  system.touch("var/lib/dhcpcd/eth0.lease", 1796400000);
  system.add_process(33, "dhclient", {"dhclient", "eth0"});

  auto state = discover_client("eth0", 2, system.roots());
  CHECK(state.client == DhcpClient::dhclient);
  CHECK(state.alive);

  fs::remove_all(fs::path(system.roots().proc) / "33");
  auto without_process = discover_client("eth0", 2, system.roots());
  CHECK(without_process.client == DhcpClient::dhcpcd);  // newest file when nothing runs
}

TEST_CASE("discovery: problems are specific", "[discovery]") {
  FakeSystem system;

  SECTION("nothing found") {
    auto state = discover_client("eth0", 2, system.roots());
    CHECK(state.client == DhcpClient::none);
    CHECK_FALSE(state.alive);
    CHECK_FALSE(state.leases.has_value());
    CHECK(state.problem.starts_with("no lease file for eth0 (ifindex 2) in " + system.path("var/lib/dhclient")));
    CHECK(state.problem.find(system.path("var/lib/wicked")) != std::string::npos);
  }
  SECTION("udhcpc has no lease file") {
    system.add_process(55, "udhcpc", {"udhcpc", "-i", "eth0", "-f"});
    auto state = discover_client("eth0", 2, system.roots());
    CHECK(state.client == DhcpClient::udhcpc);
    CHECK(state.clock == ClientClock::monotonic);
    CHECK(state.alive);
    CHECK(state.pid == 55);
    CHECK(state.problem.starts_with("udhcpc keeps no lease file; no lease file for eth0"));
  }
  SECTION("parse error with line") {
    system.write("var/lib/dhcp/dhclient.eth0.leases", "lease {\n interface \"eth0\";\n expire 9;\n}\n");
    auto state = discover_client("eth0", 2, system.roots());
    CHECK(state.client == DhcpClient::dhclient);
    CHECK_FALSE(state.leases.has_value());
    CHECK(state.problem == system.path("var/lib/dhcp/dhclient.eth0.leases") +
                               ": line 3: invalid expire time \"9\": expected \"W YYYY/MM/DD "
                               "HH:MM:SS\", \"epoch N\" or \"never\"");
  }
  SECTION("lease file named by dhclient missing") {
    system.add_process(90, "dhclient", {"dhclient", "-lf", "/var/lib/x/eth0.leases", "eth0"});
    auto state = discover_client("eth0", 2, system.roots());
    CHECK(state.alive);
    CHECK(state.problem == system.path("var/lib/x/eth0.leases") + ": failed to open " +
                               system.path("var/lib/x/eth0.leases"));
  }
  SECTION("shared file skipped is listed") {
    system.write("var/db/dhclient.leases", "lease { interface \"eth9\"; fixed-address 10.9.0.1; }\n");
    auto state = discover_client("eth0", 2, system.roots());
    CHECK(state.client == DhcpClient::none);
    CHECK(state.problem.ends_with("; " + system.path("var/db/dhclient.leases") +
                                  ": no lease block for interface eth0"));
  }
}

TEST_CASE("dhcp process: dhclient arguments", "[discovery]") {
  using timeguard::parse_dhclient_arguments;
  auto nm = parse_dhclient_arguments({"/sbin/dhclient", "-d", "-q", "-sf", "/usr/libexec/nm-dhcp-helper",
                                      "-pf", "/run/NetworkManager/dhclient-eth0.pid", "-lf",
                                      "/var/lib/NetworkManager/dhclient-uuid-eth0.lease", "-cf",
                                      "/var/lib/NetworkManager/dhclient-eth0.conf", "eth0"});
  CHECK(nm.lease_file == "/var/lib/NetworkManager/dhclient-uuid-eth0.lease");
  CHECK(nm.pid_file == "/run/NetworkManager/dhclient-eth0.pid");
  CHECK_FALSE(nm.ipv6);
  CHECK(nm.interfaces == std::vector<std::string>{"eth0"});

  auto v6 = parse_dhclient_arguments({"dhclient", "-6", "-e", "IF_METRIC=100", "-D", "LL", "eth0", "eth1"});
  CHECK(v6.ipv6);
  CHECK(v6.interfaces == std::vector<std::string>{"eth0", "eth1"});
  CHECK(v6.lease_file.empty());

  auto dangling = parse_dhclient_arguments({"dhclient", "-lf"});
  CHECK(dangling.lease_file.empty());
  CHECK(dangling.interfaces.empty());
}

TEST_CASE("dhcp process: interface arguments", "[discovery]") {
  using timeguard::client_interface_arguments;
  CHECK(client_interface_arguments(DhcpClient::udhcpc, {"udhcpc", "-b", "-i", "eth0", "-x", "hostname:a"}) ==
        std::vector<std::string>{"eth0"});
  CHECK(client_interface_arguments(DhcpClient::udhcpc, {"udhcpc", "--interface=wan"}) ==
        std::vector<std::string>{"wan"});
  CHECK(client_interface_arguments(DhcpClient::udhcpc, {"udhcpc", "-ilan"}) == std::vector<std::string>{"lan"});
  CHECK(client_interface_arguments(DhcpClient::dhcpcd, {"dhcpcd", "-q", "-b"}).empty());
  CHECK(client_interface_arguments(DhcpClient::dhcpcd, {"dhcpcd", "-4", "eth0"}) ==
        std::vector<std::string>{"eth0"});
}

TEST_CASE("dhcp process: names and cmdline", "[discovery]") {
  using timeguard::client_for_process_name;
  CHECK(client_for_process_name("systemd-network") == DhcpClient::networkd);
  CHECK(client_for_process_name("wickedd-dhcp4") == DhcpClient::wicked);
  CHECK(client_for_process_name("NetworkManager") == DhcpClient::networkmanager);
  CHECK_FALSE(client_for_process_name("dhclient-script").has_value());
  CHECK(timeguard::split_cmdline(std::string("a\0-lf\0b\0", 8)) == std::vector<std::string>{"a", "-lf", "b"});
  CHECK(timeguard::split_cmdline(std::string("a\0\0b", 4)) == std::vector<std::string>{"a", "", "b"});
  CHECK(timeguard::split_cmdline("").empty());
}

TEST_CASE("dhcp lease: names round trip", "[discovery]") {
  for (DhcpClient client : {DhcpClient::dhclient, DhcpClient::networkd, DhcpClient::networkmanager,
                            DhcpClient::dhcpcd, DhcpClient::wicked, DhcpClient::udhcpc, DhcpClient::unknown,
                            DhcpClient::none}) {
    CHECK(timeguard::parse_dhcp_client(timeguard::to_string(client)) == client);
  }
  for (ClientClock clock : {ClientClock::realtime, ClientClock::boottime, ClientClock::monotonic}) {
    CHECK(timeguard::parse_client_clock(timeguard::to_string(clock)) == clock);
  }
  CHECK_FALSE(timeguard::parse_dhcp_client("DHClient").has_value());
  CHECK_FALSE(timeguard::parse_client_clock("").has_value());
  CHECK(timeguard::default_clock(DhcpClient::dhclient) == ClientClock::realtime);
  CHECK(timeguard::default_clock(DhcpClient::unknown) == ClientClock::realtime);
  CHECK(timeguard::default_clock(DhcpClient::networkd) == ClientClock::boottime);
  CHECK(timeguard::default_clock(DhcpClient::udhcpc) == ClientClock::monotonic);
}

// Run by tests/integration/lease_discovery_netns.sh after it has started a real dhclient inside
// network namespaces of its own; hidden from the normal unit test run.
TEST_CASE("discovery: real dhclient in netns", "[.][netns]") {
  const char* interface = std::getenv("TIMEGUARD_NETNS_INTERFACE");
  const char* lease_file = std::getenv("TIMEGUARD_NETNS_LEASE_FILE");
  const char* pid_file = std::getenv("TIMEGUARD_NETNS_PID_FILE");
  const char* pid = std::getenv("TIMEGUARD_NETNS_DHCLIENT_PID");
  if (interface == nullptr || lease_file == nullptr || pid_file == nullptr || pid == nullptr) {
    WARN("SKIPPED: run by tests/integration/lease_discovery_netns.sh only");
    return;
  }

  auto state = discover_client(interface, 0, timeguard::DiscoveryRoots{});
  INFO("problem: " << state.problem);
  CHECK(state.client == DhcpClient::dhclient);
  CHECK(state.alive);
  CHECK(state.pid == std::atoi(pid));
  CHECK(state.lease_file == lease_file);
  CHECK(state.pid_file == pid_file);
  REQUIRE(state.leases.has_value());
  REQUIRE(state.leases->current.size() == 2);  // the -4 and the -6 dhclient

  const auto& lease = state.leases->current.front();
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  CHECK(lease.address.starts_with("10.231.0."));
  CHECK(lease.family == AF_INET);
  REQUIRE(lease.renew.has_value());
  REQUIRE(lease.rebind.has_value());
  REQUIRE(lease.expire.has_value());
  CHECK(*lease.renew < *lease.rebind);
  CHECK(*lease.rebind < *lease.expire);
  CHECK(*lease.expire > now);
  CHECK(*lease.expire <= now + 120);  // dnsmasq grants 2-minute leases
  CHECK_FALSE(lease.released);

  const auto& lease6 = state.leases->current.back();
  CHECK(lease6.family == AF_INET6);
  CHECK(lease6.address.starts_with("fd5e:231::"));
  CHECK(lease6.lease_file != lease_file);
  REQUIRE(lease6.starts.has_value());
  REQUIRE(lease6.renew.has_value());
  REQUIRE(lease6.expire.has_value());
  CHECK(*lease6.starts <= now);
  CHECK(*lease6.renew > *lease6.starts);
  CHECK(*lease6.expire > now);
  CHECK(*lease6.expire <= now + 120);
}
