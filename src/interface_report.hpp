#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "dhcp_client_discovery.hpp"
#include "kernel_address.hpp"
#include "lease_verdict.hpp"
#include "result.hpp"

namespace timeguard {

// Per-interface client clocks that replace the clock discovery assumed for the client,
// e.g. {"eth0", ClientClock::boottime} for a dhclient built with a boottime timer patch.
using ClockOverrides = std::map<std::string, ClientClock, std::less<>>;

// One kernel address joined with its DHCP client and lease, and the verdict of the last
// evaluation. Instants are Unix seconds on the wall clock (std::nullopt = never or no lease),
// lifetimes are seconds remaining when the addresses were read (std::nullopt = forever).
struct ReportRow {
  std::string interface;
  int ifindex = 0;
  std::string address;
  int family = 0;
  int prefix_length = 0;
  bool dynamic = false;

  DhcpClient client = DhcpClient::none;
  ClientClock client_clock = ClientClock::realtime;
  bool client_alive = false;
  std::optional<pid_t> client_pid;
  std::string lease_file;
  bool lease_found = false;
  std::optional<std::int64_t> renew;
  std::optional<std::int64_t> rebind;
  std::optional<std::int64_t> expire;
  // Reason no lease matched, e.g. the discovery problem or "the current lease is for 10.0.0.9".
  std::string lease_problem;
  // A dynamic IPv6 address with no DHCPv6 lease or client, taken as SLAAC: the kernel renews it from
  // router advertisements, so it needs no DHCP client.
  bool router_advertised = false;

  std::optional<std::uint32_t> valid_lft_s;
  std::optional<std::uint32_t> preferred_lft_s;

  // Input and outcome of the last evaluation.
  std::int64_t step_delta_ns = 0;
  std::int64_t now_s = 0;
  VerdictResult result;
};

// Finds the lease for `address` in `state`: a current lease with the same family whose address
// is the same once parsed (so IPv6 spellings compare equal). Fallback leases do not count,
// because the client does not renew them. Returns std::nullopt when none matches.
std::optional<DhcpLease> find_lease(const ClientState& state, const KernelAddress& address);

// The kernel addresses joined with their clients, ready to be evaluated.
// Keeps the rows that need attention regardless of any step (no_client and
// lifetime_shorter_than_renewal) from rows evaluated without a step.
std::vector<ReportRow> standing_dangers(std::vector<ReportRow> rows);

class InterfaceReport {
 public:
  InterfaceReport() = default;
  explicit InterfaceReport(std::vector<ReportRow> rows) : rows_(std::move(rows)) {}

  // Joins each address with the ClientState of its interface (missing = no client) and that
  // client's lease for the address, then applies `overrides` to the client clock. Pure.
  static InterfaceReport join(const std::vector<KernelAddress>& addresses,
                              const std::map<std::string, ClientState>& clients,
                              const ClockOverrides& overrides);

  // The rows as joined, not yet evaluated.
  const std::vector<ReportRow>& rows() const { return rows_; }

  // Evaluates every row against a step of `delta_ns` (positive = forward) from the wall-clock
  // reading `now_s` (Unix seconds) taken before the step. Pure. The lifetimes are the ones
  // joined, so rebuild the report from fresh addresses before evaluating a later step.
  std::vector<ReportRow> evaluate_step(std::int64_t delta_ns, std::int64_t now_s) const;

  // Evaluates without a step and returns only the rows that need attention regardless of any
  // step: no_client and lifetime_shorter_than_renewal.
  std::vector<ReportRow> standing_check(std::int64_t now_s) const;

 private:
  std::vector<ReportRow> rows_;
};

// Calls discover_client once for each interface that has an address.
std::map<std::string, ClientState> discover_clients(const std::vector<KernelAddress>& addresses,
                                                    const DiscoveryRoots& roots);

// Reads the kernel addresses, discovers their clients and joins them.
Result<InterfaceReport> collect_interface_report(const DiscoveryRoots& roots,
                                                 const ClockOverrides& overrides);

}  // namespace timeguard
