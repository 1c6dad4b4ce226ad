#include "lease_verdict.hpp"

#include <algorithm>
#include <limits>

namespace timeguard {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (!__builtin_sub_overflow(a, b, &out)) return out;
  return b < 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (!__builtin_add_overflow(a, b, &out)) return out;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

std::string seconds_text(std::int64_t seconds) { return std::to_string(seconds) + " s"; }

std::optional<std::int64_t> renewal_after(const VerdictInput& input, std::int64_t step_ns) {
  if (!input.lease || !input.lease->renew) return std::nullopt;
  return std::max<std::int64_t>(0, seconds_until(*input.lease->renew, input.now_s, step_ns));
}

// The earlier of the kernel's removal and the running client's own removal at lease expiry.
std::optional<std::int64_t> loss_after(const VerdictInput& input, std::int64_t step_ns) {
  std::optional<std::int64_t> loss;
  if (input.valid_lft_s) loss = *input.valid_lft_s;

  if (input.client_alive && input.lease && input.lease->expire) {
    const std::int64_t client_drop =
        std::max<std::int64_t>(0, seconds_until(*input.lease->expire, input.now_s, step_ns));
    loss = loss ? std::min(*loss, client_drop) : client_drop;
  }
  return loss;
}

// A renewal that never comes, or comes no earlier than the loss, cannot save the address.
bool renewal_too_late(std::optional<std::int64_t> renewal, std::optional<std::int64_t> loss) {
  if (!loss) return false;
  return !renewal || *renewal >= *loss;
}

std::string shortfall_reason(std::optional<std::int64_t> renewal, std::int64_t loss) {
  if (!renewal) return "the address is lost in " + seconds_text(loss) + " and the client never renews";
  return "the address is lost in " + seconds_text(loss) + " but the client renews only in " +
         seconds_text(*renewal);
}

std::string ok_reason(std::optional<std::int64_t> renewal, std::optional<std::int64_t> loss) {
  if (!loss) return renewal ? "the address is never lost; renewal in " + seconds_text(*renewal)
                            : "the address is never lost and the lease never renews";
  return "renewal in " + seconds_text(*renewal) + ", before the loss in " + seconds_text(loss.value());
}

VerdictResult make_result(Verdict verdict, std::optional<std::int64_t> loss,
                          std::optional<std::int64_t> renewal, std::string reason) {
  return VerdictResult{verdict, loss, renewal, std::move(reason)};
}

VerdictResult decide_immune(const VerdictInput& input) {
  const auto renewal = renewal_after(input, 0);
  const auto loss = loss_after(input, 0);
  const std::string clock = input.client_clock == ClientClock::boottime ? "CLOCK_BOOTTIME"
                                                                        : "CLOCK_MONOTONIC";
  if (renewal_too_late(renewal, loss)) {
    return make_result(Verdict::lifetime_shorter_than_renewal, loss, renewal,
                       shortfall_reason(renewal, *loss) + " (client timers run on " + clock +
                           ", so steps do not matter)");
  }
  return make_result(Verdict::ok, loss, renewal,
                     "client timers run on " + clock + ", immune to wall-clock steps; " +
                         ok_reason(renewal, loss));
}

VerdictResult decide_realtime(const VerdictInput& input) {
  const std::int64_t step_ns = input.step_delta_ns;
  const auto& lease = *input.lease;

  if (lease.expire && seconds_until(*lease.expire, input.now_s, step_ns) <= 0) {
    const std::int64_t overshoot = -seconds_until(*lease.expire, input.now_s, step_ns);
    return make_result(Verdict::expired_by_step, 0, 0,
                       "the step moves the wall clock " + seconds_text(overshoot) +
                           " past the lease expiry; the client drops the address and restarts "
                           "discovery at once");
  }

  const auto renewal = renewal_after(input, step_ns);
  const auto loss = loss_after(input, step_ns);
  if (renewal_too_late(renewal, loss)) {
    const auto renewal_without_step = renewal_after(input, 0);
    const auto loss_without_step = loss_after(input, 0);
    if (step_ns == 0 || renewal_too_late(renewal_without_step, loss_without_step)) {
      return make_result(Verdict::lifetime_shorter_than_renewal, loss, renewal,
                         shortfall_reason(renewal, *loss));
    }
    return make_result(Verdict::lost_before_renewal, loss, renewal,
                       "the step delays the renewal from " + seconds_text(*renewal_without_step) +
                           " to " + seconds_text(renewal.value_or(0)) +
                           ", after the address is lost in " + seconds_text(*loss));
  }

  const auto renewal_without_step = renewal_after(input, 0);
  if (step_ns >= kNanosPerSecond && renewal && renewal_without_step && *renewal < *renewal_without_step) {
    return make_result(Verdict::renews_early, loss, renewal,
                       "the step brings the renewal forward from " +
                           seconds_text(*renewal_without_step) + " to " + seconds_text(*renewal) +
                           ", still before the lease expires");
  }
  return make_result(Verdict::ok, loss, renewal, ok_reason(renewal, loss));
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::renews_early: return "renews_early";
    case Verdict::lost_before_renewal: return "lost_before_renewal";
    case Verdict::expired_by_step: return "expired_by_step";
    case Verdict::no_client: return "no_client";
    case Verdict::lifetime_shorter_than_renewal: return "lifetime_shorter_than_renewal";
  }
  return "unknown";
}

std::int64_t seconds_until(std::int64_t instant, std::int64_t now_s, std::int64_t step_delta_ns) {
  const std::int64_t whole_step_s = step_delta_ns / kNanosPerSecond;
  const std::int64_t fraction_ns = step_delta_ns % kNanosPerSecond;  // same sign as the step

  // instant - (now + step), rounded up: a negative fraction leaves part of a second to wait.
  const std::int64_t whole = saturating_sub(saturating_sub(instant, now_s), whole_step_s);
  return fraction_ns < 0 ? saturating_add(whole, 1) : whole;
}

VerdictResult decide_verdict(const VerdictInput& input) {
  if (input.dynamic && !input.client_alive) {
    std::optional<std::int64_t> loss;
    if (input.valid_lft_s) loss = *input.valid_lft_s;
    const std::string when = loss ? "in " + seconds_text(*loss) : "when its lifetime ends";
    return make_result(Verdict::no_client, loss, std::nullopt,
                       "dynamic address with no DHCP client running to renew it; the kernel "
                       "removes it " + when);
  }

  if (!input.lease) {
    const auto loss = loss_after(input, 0);
    return make_result(Verdict::ok, loss, std::nullopt,
                       loss ? "no lease for this address, so no renewal is scheduled"
                            : "permanent address without a lease; nothing expires");
  }

  if (input.lease->expire && input.now_s >= *input.lease->expire) {
    std::optional<std::int64_t> loss;
    if (input.valid_lft_s) loss = *input.valid_lft_s;
    return make_result(Verdict::ok, loss, std::nullopt,
                       "the lease expired " +
                           seconds_text(saturating_sub(input.now_s, *input.lease->expire)) +
                           " before the step, so the client no longer renews it by this lease");
  }

  if (!input.client_alive) {
    // Rule 1 caught dynamic addresses, so this one is permanent: nothing renews or removes it.
    std::optional<std::int64_t> loss;
    if (input.valid_lft_s) loss = *input.valid_lft_s;
    return make_result(Verdict::ok, loss, std::nullopt,
                       "permanent address and no client running; nothing removes it");
  }
  if (input.client_clock != ClientClock::realtime) return decide_immune(input);
  return decide_realtime(input);
}

}  // namespace timeguard
