#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dhcp_lease.hpp"

namespace timeguard {

// Effect of a wall-clock step on one address.
enum class Verdict {
  ok,                              // the client renews before the address is lost
  renews_early,                    // a forward step brings the renewal closer, still before expiry
  lost_before_renewal,             // a backward step pushes the renewal past the loss
  expired_by_step,                 // a forward step jumps over the lease expiry
  no_client,                       // a dynamic address with no running client to renew it
  lifetime_shorter_than_renewal,   // the address is lost before renewal even without a step
};

std::string_view to_string(Verdict verdict);

// The client's lease timers as Unix seconds on the wall clock; std::nullopt means "never".
struct LeaseSchedule {
  std::optional<std::int64_t> renew;
  std::optional<std::int64_t> rebind;
  std::optional<std::int64_t> expire;
};

// Everything the verdict depends on. All inputs are plain values so the verdict is a pure function.
struct VerdictInput {
  // Size of the step in nanoseconds; positive = the wall clock moved forward. 0 = no step.
  std::int64_t step_delta_ns = 0;
  // Wall-clock reading the step starts from, Unix seconds. After a real step this is the
  // reading before it, i.e. the current time minus the step.
  std::int64_t now_s = 0;
  // The lease that matches the address; std::nullopt when no lease was found.
  std::optional<LeaseSchedule> lease;
  ClientClock client_clock = ClientClock::realtime;
  bool client_alive = false;
  // Kernel lifetimes remaining, seconds; std::nullopt = forever.
  std::optional<std::uint32_t> valid_lft_s;
  std::optional<std::uint32_t> preferred_lft_s;
  // True when the kernel will remove the address on its own (finite valid lifetime).
  bool dynamic = false;
};

// The verdict with the two deadlines it rests on, both in real elapsed seconds after the step.
struct VerdictResult {
  Verdict verdict = Verdict::ok;
  // Until the address disappears if nothing renews it: the kernel's valid lifetime, or the
  // running client's own lease expiry when that comes first. std::nullopt = never.
  std::optional<std::int64_t> seconds_to_loss;
  // Until the client's next renew attempt; 0 = at once; std::nullopt = never or unknown.
  std::optional<std::int64_t> seconds_to_renewal;
  std::string reason;
};

// Decides what a step of `input.step_delta_ns` does to one address. The rules, first match wins:
//  1. dynamic address, client not running                       -> no_client
//  2. no lease, or the lease expired before the step (now >= expire) -> ok, renewal unknown;
//     a permanent address whose client is not running -> ok
//  3. client timers on boottime/monotonic: the step cannot move them, so only the standing
//     check applies -> lifetime_shorter_than_renewal if renewal >= loss, else ok
//  4. realtime client, now < expire <= now + step                 -> expired_by_step
//  5. renewal at or after loss: if that is also true without the step -> lifetime_shorter_than_renewal,
//     otherwise (the backward step caused it)                     -> lost_before_renewal
//  6. forward step of at least 1 s that brings a future renewal closer -> renews_early
//  7. otherwise                                                   -> ok
// Renewal exactly at the moment of loss counts as lost, because a renewal needs a round trip
// to the server after the first request leaves. Arithmetic saturates, so steps of any size
// (±292 years) and lease instants anywhere in the int64 range are safe.
VerdictResult decide_verdict(const VerdictInput& input);

// Returns the real seconds until the wall clock reaches `instant` after a step of
// `step_delta_ns` from `now_s`, negative when already past. The result is rounded up because a
// realtime timer never fires early.
std::int64_t seconds_until(std::int64_t instant, std::int64_t now_s, std::int64_t step_delta_ns);

}  // namespace timeguard
