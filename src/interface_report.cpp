#include "interface_report.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <sys/socket.h>

#include "address_table.hpp"

namespace timeguard {

namespace {

// Parses a textual address of `family` into its bytes; std::nullopt when it does not parse.
std::optional<std::array<unsigned char, 16>> address_bytes(int family, const std::string& text) {
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(family, text.c_str(), bytes.data()) != 1) return std::nullopt;
  return bytes;
}

bool same_address(int family, const std::string& a, const std::string& b) {
  const auto left = address_bytes(family, a);
  const auto right = address_bytes(family, b);
  return left && right && *left == *right;
}

std::string describe_missing_lease(const ClientState& state, const KernelAddress& address) {
  if (state.client == DhcpClient::none) return "no DHCP client found for this interface";
  if (!state.problem.empty()) return state.problem;
  if (!state.leases) return "no lease file found";

  for (const DhcpLease& lease : state.leases->current) {
    if (lease.family == address.family) return "the current lease is for " + lease.address;
  }
  return address.family == AF_INET6 ? "no DHCPv6 lease" : "no DHCPv4 lease";
}

ReportRow join_one(const KernelAddress& address, const ClientState* state, const ClockOverrides& overrides) {
  ReportRow row;
  row.interface = address.interface;
  row.ifindex = address.ifindex;
  row.address = address.address;
  row.family = address.family;
  row.prefix_length = address.prefix_length;
  row.dynamic = address.dynamic;
  row.valid_lft_s = address.valid_lft_s;
  row.preferred_lft_s = address.preferred_lft_s;

  const ClientState none;
  const ClientState& client = state != nullptr ? *state : none;
  row.client = client.client;
  row.client_clock = client.clock;
  row.client_alive = client.alive;
  row.client_pid = client.pid;
  row.lease_file = client.lease_file;

  if (const auto lease = find_lease(client, address)) {
    row.lease_found = true;
    row.renew = lease->renew;
    row.rebind = lease->rebind;
    row.expire = lease->expire;
    if (!lease->lease_file.empty()) row.lease_file = lease->lease_file;
  } else {
    row.lease_problem = describe_missing_lease(client, address);
  }

  // NOTE: a dead DHCPv6 client whose lease file was not found also lands here and is then
  // reported as SLAAC instead of no_client.
  row.router_advertised = address.family == AF_INET6 && address.dynamic && !row.lease_found && !client.alive;

  if (const auto found = overrides.find(address.interface); found != overrides.end()) {
    row.client_clock = found->second;
  }
  return row;
}

VerdictResult evaluate_row(const ReportRow& row, std::int64_t delta_ns, std::int64_t now_s) {
  if (row.router_advertised) {
    std::optional<std::int64_t> loss;
    if (row.valid_lft_s) loss = *row.valid_lft_s;
    return VerdictResult{Verdict::ok, loss, std::nullopt,
                         "IPv6 address without a DHCPv6 client or lease, taken as SLAAC: the kernel "
                         "renews it from router advertisements, which wall-clock steps do not affect"};
  }

  VerdictInput input;
  input.step_delta_ns = delta_ns;
  input.now_s = now_s;
  if (row.lease_found) input.lease = LeaseSchedule{row.renew, row.rebind, row.expire};
  input.client_clock = row.client_clock;
  input.client_alive = row.client_alive;
  input.valid_lft_s = row.valid_lft_s;
  input.preferred_lft_s = row.preferred_lft_s;
  input.dynamic = row.dynamic;
  return decide_verdict(input);
}

}  // namespace

std::optional<DhcpLease> find_lease(const ClientState& state, const KernelAddress& address) {
  if (!state.leases) return std::nullopt;
  for (const DhcpLease& lease : state.leases->current) {
    if (lease.family == address.family && same_address(address.family, lease.address, address.address)) {
      return lease;
    }
  }
  return std::nullopt;
}

InterfaceReport InterfaceReport::join(const std::vector<KernelAddress>& addresses,
                                      const std::map<std::string, ClientState>& clients,
                                      const ClockOverrides& overrides) {
  std::vector<ReportRow> rows;
  rows.reserve(addresses.size());
  for (const KernelAddress& address : addresses) {
    const auto found = clients.find(address.interface);
    rows.push_back(join_one(address, found != clients.end() ? &found->second : nullptr, overrides));
  }
  return InterfaceReport(std::move(rows));
}

std::vector<ReportRow> InterfaceReport::evaluate_step(std::int64_t delta_ns, std::int64_t now_s) const {
  std::vector<ReportRow> evaluated = rows_;
  for (ReportRow& row : evaluated) {
    row.step_delta_ns = delta_ns;
    row.now_s = now_s;
    row.result = evaluate_row(row, delta_ns, now_s);
  }
  return evaluated;
}

std::vector<ReportRow> standing_dangers(std::vector<ReportRow> rows) {
  std::vector<ReportRow> attention;
  for (ReportRow& row : rows) {
    const Verdict verdict = row.result.verdict;
    if (verdict == Verdict::no_client || verdict == Verdict::lifetime_shorter_than_renewal) {
      attention.push_back(std::move(row));
    }
  }
  return attention;
}

std::vector<ReportRow> InterfaceReport::standing_check(std::int64_t now_s) const {
  return standing_dangers(evaluate_step(0, now_s));
}

std::map<std::string, ClientState> discover_clients(const std::vector<KernelAddress>& addresses,
                                                    const DiscoveryRoots& roots) {
  std::map<std::string, ClientState> clients;
  for (const KernelAddress& address : addresses) {
    if (clients.count(address.interface) != 0) continue;
    clients.emplace(address.interface, discover_client(address.interface, address.ifindex, roots));
  }
  return clients;
}

Result<InterfaceReport> collect_interface_report(const DiscoveryRoots& roots, const ClockOverrides& overrides) {
  auto addresses = read_kernel_addresses();
  if (!addresses) return addresses.error();
  return InterfaceReport::join(*addresses, discover_clients(*addresses, roots), overrides);
}

}  // namespace timeguard
