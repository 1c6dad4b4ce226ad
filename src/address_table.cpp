#include "address_table.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <map>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <tuple>

namespace timeguard {

namespace {

// The kernel's INFINITY_LIFE_TIME: the lifetime never runs out.
constexpr std::uint32_t kForever = 0xFFFFFFFFu;

// A dump interrupted by a concurrent change (NLE_DUMP_INTR) is repeated this many times.
constexpr int kDumpAttempts = 3;

struct CacheDeleter {
  void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};
using CachePtr = std::unique_ptr<nl_cache, CacheDeleter>;

std::string libnl_error(std::string_view operation, int code) {
  return std::string(operation) + " failed: " + nl_geterror(code) + " (libnl error " +
         std::to_string(-code) + ")";
}

std::optional<std::uint32_t> lifetime(std::uint32_t seconds) {
  if (seconds == kForever) return std::nullopt;
  return seconds;
}

std::string interface_name(nl_cache* links, rtnl_addr* address) {
  const int ifindex = rtnl_addr_get_ifindex(address);
  char name[64] = {};
  if (links != nullptr && rtnl_link_i2name(links, ifindex, name, sizeof name) != nullptr) return name;
  return "if" + std::to_string(ifindex);
}

// Converts one libnl address object, or returns nothing when it is not a global IPv4/IPv6 one.
std::optional<KernelAddress> to_kernel_address(nl_cache* links, rtnl_addr* address) {
  const int family = rtnl_addr_get_family(address);
  if (family != AF_INET && family != AF_INET6) return std::nullopt;
  if (rtnl_addr_get_scope(address) != RT_SCOPE_UNIVERSE) return std::nullopt;

  nl_addr* local = rtnl_addr_get_local(address);
  if (local == nullptr) return std::nullopt;
  const unsigned expected_length = family == AF_INET ? 4 : 16;
  if (nl_addr_get_len(local) != expected_length) return std::nullopt;

  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, nl_addr_get_binary_addr(local), text, sizeof text) == nullptr) return std::nullopt;

  KernelAddress out;
  out.interface = interface_name(links, address);
  out.ifindex = rtnl_addr_get_ifindex(address);
  out.family = family;
  out.address = text;
  out.prefix_length = rtnl_addr_get_prefixlen(address);
  out.dynamic = (rtnl_addr_get_flags(address) & IFA_F_PERMANENT) == 0;
  out.valid_lft_s = lifetime(rtnl_addr_get_valid_lifetime(address));
  out.preferred_lft_s = lifetime(rtnl_addr_get_preferred_lifetime(address));
  return out;
}

auto sort_key(const KernelAddress& address) {
  return std::tie(address.ifindex, address.family, address.address, address.prefix_length);
}

Result<CachePtr> dump_cache(nl_sock* socket, bool links) {
  int error = 0;
  for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
    nl_cache* cache = nullptr;
    error = links ? rtnl_link_alloc_cache(socket, AF_UNSPEC, &cache) : rtnl_addr_alloc_cache(socket, &cache);
    if (error == 0) return CachePtr(cache);
    if (error != -NLE_DUMP_INTR) break;
  }
  return fail(libnl_error(links ? "dumping network links" : "dumping addresses", error));
}

Result<std::vector<KernelAddress>> dump_addresses(nl_sock* socket) {
  auto links = dump_cache(socket, true);
  if (!links) return links.error();
  auto addresses = dump_cache(socket, false);
  if (!addresses) return addresses.error();

  std::vector<KernelAddress> table;
  for (nl_object* object = nl_cache_get_first(addresses->get()); object != nullptr;
       object = nl_cache_get_next(object)) {
    auto converted = to_kernel_address(links->get(), reinterpret_cast<rtnl_addr*>(object));
    if (converted) table.push_back(std::move(*converted));
  }

  std::sort(table.begin(), table.end(),
            [](const KernelAddress& a, const KernelAddress& b) { return sort_key(a) < sort_key(b); });
  return table;
}

Result<nl_sock*> connect_route_socket() {
  nl_sock* socket = nl_socket_alloc();
  if (socket == nullptr) return fail("allocating a netlink socket failed: out of memory");
  const int error = nl_connect(socket, NETLINK_ROUTE);
  if (error != 0) {
    nl_socket_free(socket);
    return fail(libnl_error("connecting to rtnetlink", error));
  }
  return socket;
}

bool lifetimes_differ(std::optional<std::uint32_t> a, std::optional<std::uint32_t> b,
                      std::uint32_t tolerance_s) {
  if (a.has_value() != b.has_value()) return true;
  if (!a) return false;
  const std::uint32_t gap = *a > *b ? *a - *b : *b - *a;
  return gap > tolerance_s;
}

bool differs(const KernelAddress& before, const KernelAddress& after, std::uint32_t tolerance_s) {
  return before.interface != after.interface || before.dynamic != after.dynamic ||
         lifetimes_differ(before.valid_lft_s, after.valid_lft_s, tolerance_s) ||
         lifetimes_differ(before.preferred_lft_s, after.preferred_lft_s, tolerance_s);
}

// Drains the notification queue. Message content is ignored because process() re-dumps.
int discard_message(nl_msg*, void*) { return NL_OK; }

}  // namespace

std::string_view to_string(AddressChange::Kind kind) {
  switch (kind) {
    case AddressChange::Kind::added: return "added";
    case AddressChange::Kind::removed: return "removed";
    case AddressChange::Kind::updated: return "updated";
  }
  return "unknown";
}

Result<std::vector<KernelAddress>> read_kernel_addresses() {
  auto socket = connect_route_socket();
  if (!socket) return socket.error();
  auto table = dump_addresses(*socket);
  nl_socket_free(*socket);
  return table;
}

std::vector<KernelAddress> age_addresses(std::vector<KernelAddress> addresses, std::uint64_t elapsed_s) {
  const auto age = [elapsed_s](std::optional<std::uint32_t>& remaining) {
    if (!remaining) return;
    remaining = elapsed_s >= *remaining ? 0 : static_cast<std::uint32_t>(*remaining - elapsed_s);
  };
  for (KernelAddress& address : addresses) {
    age(address.valid_lft_s);
    age(address.preferred_lft_s);
  }
  return addresses;
}

std::vector<AddressChange> diff_addresses(const std::vector<KernelAddress>& before,
                                          const std::vector<KernelAddress>& after,
                                          std::uint32_t tolerance_s) {
  using Key = std::tuple<int, int, std::string, int>;
  const auto key = [](const KernelAddress& a) { return Key{a.ifindex, a.family, a.address, a.prefix_length}; };

  std::map<Key, const KernelAddress*> old_by_key;
  for (const KernelAddress& address : before) old_by_key[key(address)] = &address;

  std::vector<AddressChange> changes;
  for (const KernelAddress& address : after) {
    const auto found = old_by_key.find(key(address));
    if (found == old_by_key.end()) {
      changes.push_back({AddressChange::Kind::added, address});
      continue;
    }
    if (differs(*found->second, address, tolerance_s)) changes.push_back({AddressChange::Kind::updated, address});
    old_by_key.erase(found);
  }

  for (const auto& [unused, address] : old_by_key) changes.push_back({AddressChange::Kind::removed, *address});
  return changes;
}

void AddressMonitor::SocketDeleter::operator()(nl_sock* socket) const { nl_socket_free(socket); }

AddressMonitor::AddressMonitor(std::unique_ptr<nl_sock, SocketDeleter> socket, std::vector<KernelAddress> table)
    : socket_(std::move(socket)), table_(std::move(table)), read_at_(std::chrono::steady_clock::now()) {}

AddressMonitor::AddressMonitor(AddressMonitor&&) noexcept = default;
AddressMonitor& AddressMonitor::operator=(AddressMonitor&&) noexcept = default;
AddressMonitor::~AddressMonitor() = default;

Result<AddressMonitor> AddressMonitor::open() {
  auto connected = connect_route_socket();
  if (!connected) return connected.error();
  std::unique_ptr<nl_sock, SocketDeleter> socket(*connected);

  // Notifications carry sequence number 0, so the sequence check must go.
  nl_socket_disable_seq_check(socket.get());
  nl_socket_modify_cb(socket.get(), NL_CB_VALID, NL_CB_CUSTOM, discard_message, nullptr);
  int error = nl_socket_add_memberships(socket.get(), RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                                        RTNLGRP_LINK, 0);
  if (error != 0) return fail(libnl_error("subscribing to address notifications", error));

  // The dump uses its own socket so that its replies never mix with notifications.
  auto table = read_kernel_addresses();
  if (!table) return table.error();

  error = nl_socket_set_nonblocking(socket.get());
  if (error != 0) return fail(libnl_error("making the netlink socket non-blocking", error));
  return AddressMonitor(std::move(socket), std::move(*table));
}

int AddressMonitor::fd() const { return nl_socket_get_fd(socket_.get()); }

Result<std::vector<AddressChange>> AddressMonitor::process() {
  // Drain until the queue is empty. An overrun (reported as NLE_NOMEM for ENOBUFS) loses
  // messages, which the dump below makes up for.
  int pending = 0;
  for (;;) {
    const int received = nl_recvmsgs_default(socket_.get());
    if (received == -NLE_AGAIN) break;
    if (received < 0 && received != -NLE_NOMEM) {
      return fail(libnl_error("reading address notifications", received));
    }
    ++pending;
  }
  if (pending == 0) return std::vector<AddressChange>{};

  // Notifications that arrive during the dump are read by the next process() call.
  auto fresh = read_kernel_addresses();
  if (!fresh) return fresh.error();

  auto changes = diff_addresses(addresses(), *fresh);
  table_ = std::move(*fresh);
  read_at_ = std::chrono::steady_clock::now();
  return changes;
}

std::vector<KernelAddress> AddressMonitor::addresses() const {
  const auto elapsed = std::chrono::steady_clock::now() - read_at_;
  const auto elapsed_s = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  return age_addresses(table_, static_cast<std::uint64_t>(std::max<std::int64_t>(0, elapsed_s)));
}

}  // namespace timeguard
