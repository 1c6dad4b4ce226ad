#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <poll.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "address_table.hpp"
#include "skip.hpp"

using timeguard::AddressChange;
using timeguard::AddressMonitor;
using timeguard::KernelAddress;
using timeguard::age_addresses;
using timeguard::diff_addresses;

namespace {

KernelAddress make_address(std::string text, std::optional<std::uint32_t> valid,
                           std::optional<std::uint32_t> preferred) {
  KernelAddress address;
  address.interface = "eth0";
  address.ifindex = 2;
  address.family = AF_INET;
  address.address = std::move(text);
  address.prefix_length = 24;
  address.dynamic = valid.has_value();
  address.valid_lft_s = valid;
  address.preferred_lft_s = preferred;
  return address;
}

// Runs `body` in a child process moved into a new, empty network namespace, so that it can
// add and remove addresses freely. Returns the body's error text, empty on success.
std::string run_in_private_netns(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::string error = unshare(CLONE_NEWNET) == 0 ? body() : "unshare(CLONE_NEWNET) failed";
    if (write(fds[1], error.data(), error.size()) < 0) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  std::string error;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) error.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) error += " (child exited abnormally)";
  return error;
}

// Waits up to 2 s for a notification, then lets the monitor process it.
std::string wait_and_process(AddressMonitor& monitor, std::vector<AddressChange>& changes) {
  pollfd entry{monitor.fd(), POLLIN, 0};
  if (poll(&entry, 1, 2000) != 1) return "no notification within 2 s";
  auto processed = monitor.process();
  if (!processed) return processed.error().reason;
  changes = std::move(*processed);
  return "";
}

bool can_unshare_network() { return geteuid() == 0; }

}  // namespace

TEST_CASE("address table: aging", "[address]") {
  const std::vector<KernelAddress> table{make_address("10.0.0.2", 120, 60),
                                         make_address("10.0.0.3", std::nullopt, std::nullopt)};
  const auto aged = age_addresses(table, 90);
  CHECK(aged[0].valid_lft_s == 30u);
  CHECK(aged[0].preferred_lft_s == 0u);
  CHECK_FALSE(aged[1].valid_lft_s.has_value());
  CHECK_FALSE(aged[1].preferred_lft_s.has_value());

  const auto far = age_addresses(table, 1ULL << 40);
  CHECK(far[0].valid_lft_s == 0u);
}

TEST_CASE("address table: diff", "[address]") {
  const auto a = make_address("10.0.0.2", 120, 120);
  const auto b = make_address("10.0.0.3", 120, 120);

  SECTION("identical tables") { CHECK(diff_addresses({a, b}, {a, b}).empty()); }

  SECTION("added and removed") {
    const auto changes = diff_addresses({a}, {b});
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].kind == AddressChange::Kind::added);
    CHECK(changes[0].address.address == "10.0.0.3");
    CHECK(changes[1].kind == AddressChange::Kind::removed);
    CHECK(changes[1].address.address == "10.0.0.2");
  }

  SECTION("kernel rounding stays within tolerance") {
    CHECK(diff_addresses({a}, {make_address("10.0.0.2", 119, 121)}).empty());
  }

  SECTION("lifetime refresh is an update") {
    const auto changes = diff_addresses({a}, {make_address("10.0.0.2", 20, 20)});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].kind == AddressChange::Kind::updated);
    CHECK(changes[0].address.valid_lft_s == 20u);
  }

  SECTION("finite to forever is an update") {
    const auto changes = diff_addresses({a}, {make_address("10.0.0.2", std::nullopt, std::nullopt)});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].kind == AddressChange::Kind::updated);
  }

  SECTION("rename is an update") {
    auto renamed = a;
    renamed.interface = "lan0";
    const auto changes = diff_addresses({a}, {renamed});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].address.interface == "lan0");
  }

  SECTION("prefix change is remove plus add") {
    auto wider = a;
    wider.prefix_length = 16;
    const auto changes = diff_addresses({a}, {wider});
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].kind == AddressChange::Kind::added);
    CHECK(changes[1].kind == AddressChange::Kind::removed);
  }
}

TEST_CASE("address table: kernel dump", "[address][kernel]") {
  const auto table = timeguard::read_kernel_addresses();
  REQUIRE(table.ok());
  for (const KernelAddress& address : *table) {
    CAPTURE(address.interface, address.address);
    CHECK((address.family == AF_INET || address.family == AF_INET6));
    CHECK_FALSE(address.interface.empty());
    CHECK(address.address != "127.0.0.1");
    CHECK(address.address != "::1");
    CHECK(address.address.rfind("fe80:", 0) == std::string::npos);
    CHECK(address.dynamic == address.valid_lft_s.has_value());
  }
}

TEST_CASE("address table: monitor reports changes", "[address][kernel]") {
  if (!can_unshare_network()) TIMEGUARD_SKIP("needs root to create a network namespace");

  const std::string error = run_in_private_netns([]() -> std::string {
    if (std::system("ip link set lo up") != 0) return "ip link set lo up failed";
    auto monitor = AddressMonitor::open();
    if (!monitor) return monitor.error().reason;
    if (!monitor->addresses().empty()) return "a new namespace should have no global address";

    std::vector<AddressChange> changes;
    if (std::system("ip addr add 10.77.1.5/24 dev lo valid_lft 100 preferred_lft 50") != 0) return "ip addr add failed";
    if (auto e = wait_and_process(*monitor, changes); !e.empty()) return "after add: " + e;
    if (changes.size() != 1 || changes[0].kind != AddressChange::Kind::added) return "add not reported";
    const KernelAddress& added = changes[0].address;
    if (added.interface != "lo" || added.address != "10.77.1.5" || added.prefix_length != 24) return "wrong address";
    if (!added.dynamic) return "address with valid_lft 100 should be dynamic";
    if (!added.valid_lft_s || *added.valid_lft_s > 100 || *added.valid_lft_s < 98) return "valid_lft not near 100";
    if (!added.preferred_lft_s || *added.preferred_lft_s > 50 || *added.preferred_lft_s < 48) return "preferred_lft not near 50";

    if (std::system("ip addr change 10.77.1.5/24 dev lo valid_lft 20 preferred_lft 20") != 0) return "ip addr change failed";
    if (auto e = wait_and_process(*monitor, changes); !e.empty()) return "after change: " + e;
    if (changes.size() != 1 || changes[0].kind != AddressChange::Kind::updated) return "update not reported";
    if (changes[0].address.valid_lft_s > 20u) return "valid_lft not lowered to 20";

    if (std::system("ip addr change 10.77.1.5/24 dev lo valid_lft forever preferred_lft forever") != 0) return "ip addr change to forever failed";
    if (auto e = wait_and_process(*monitor, changes); !e.empty()) return "after forever: " + e;
    if (changes.size() != 1 || changes[0].address.valid_lft_s.has_value()) return "forever not reported";
    if (changes[0].address.dynamic) return "forever address should be permanent";

    if (std::system("ip addr del 10.77.1.5/24 dev lo") != 0) return "ip addr del failed";
    if (auto e = wait_and_process(*monitor, changes); !e.empty()) return "after delete: " + e;
    if (changes.size() != 1 || changes[0].kind != AddressChange::Kind::removed) return "removal not reported";
    if (!monitor->addresses().empty()) return "table not empty after removal";
    return "";
  });
  CHECK(error == "");
}
