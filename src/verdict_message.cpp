#include "verdict_message.hpp"

#include <fmt/format.h>

#include "time_change_format.hpp"

namespace timeguard {
namespace {

std::string seconds_text(std::optional<std::int64_t> seconds) {
  return seconds ? fmt::format("{} s", *seconds) : std::string("never");
}

std::string client_name(const ReportRow& row) {
  if (row.client == DhcpClient::none || row.client == DhcpClient::unknown) return "the DHCP client";
  return std::string(to_string(row.client));
}

std::string verdict_words(const ReportRow& row) {
  const VerdictResult& result = row.result;
  const std::string client = client_name(row);
  switch (result.verdict) {
    case Verdict::lost_before_renewal:
      return fmt::format("the kernel removes this address in {} but {} will not renew for {}",
                         seconds_text(result.seconds_to_loss), client, seconds_text(result.seconds_to_renewal));
    case Verdict::expired_by_step:
      return fmt::format("the step jumped past the lease expiry, so {} drops this address now", client);
    case Verdict::no_client:
      return fmt::format("no running DHCP client renews this address; the kernel removes it in {}",
                         seconds_text(result.seconds_to_loss));
    case Verdict::lifetime_shorter_than_renewal:
      return fmt::format("the kernel removes this address in {}, before {} renews in {}",
                         seconds_text(result.seconds_to_loss), client, seconds_text(result.seconds_to_renewal));
    case Verdict::renews_early:
      return fmt::format("{} renews early, in {}", client, seconds_text(result.seconds_to_renewal));
    case Verdict::ok:
      return "ok, " + result.reason;
  }
  return "unknown verdict";
}

std::string cause_words(VerdictTrigger trigger, const TimeChange* step, std::optional<std::int64_t> jump_delta_ns) {
  if (trigger == VerdictTrigger::audit_step && step != nullptr && step->delta_ns) {
    // pid 0: the event had no SYSCALL record, so nothing names the process.
    if (step->process.pid == 0) {
      return fmt::format("wall clock stepped {} by unknown process", format_step_size(*step->delta_ns));
    }
    const std::string comm = step->process.comm.empty() ? "pid" : escape_control_characters(step->process.comm);
    return fmt::format("wall clock stepped {} by {}[{}]", format_step_size(*step->delta_ns), comm, step->process.pid);
  }
  if (trigger == VerdictTrigger::clock_jump && jump_delta_ns) {
    return fmt::format("wall clock stepped {} with no audit record naming a process", format_step_size(*jump_delta_ns));
  }
  return "found by the standing check";
}

}  // namespace

std::string_view to_string(VerdictTrigger trigger) {
  switch (trigger) {
    case VerdictTrigger::audit_step: return "audit_step";
    case VerdictTrigger::clock_jump: return "clock_jump";
    case VerdictTrigger::standing: return "standing";
  }
  return "standing";
}

spdlog::level::level_enum verdict_level(Verdict verdict) {
  switch (verdict) {
    case Verdict::lost_before_renewal:
    case Verdict::expired_by_step:
      return spdlog::level::critical;
    case Verdict::no_client:
    case Verdict::lifetime_shorter_than_renewal:
      return spdlog::level::warn;
    case Verdict::renews_early:
      return spdlog::level::info;
    case Verdict::ok:
      return spdlog::level::debug;
  }
  return spdlog::level::warn;
}

std::string format_verdict_message(const ReportRow& row, VerdictTrigger trigger, const TimeChange* step,
                                   std::optional<std::int64_t> jump_delta_ns) {
  return fmt::format("{} {}: {}; {}", row.interface, row.address, verdict_words(row),
                     cause_words(trigger, step, jump_delta_ns));
}

}  // namespace timeguard
