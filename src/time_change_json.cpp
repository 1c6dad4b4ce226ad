#include "time_change_json.hpp"

#include <ctime>
#include <cstdio>

#include "time_change_format.hpp"

namespace timeguard {
namespace {

template <typename T>
nlohmann::json optional_number(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json adjustments_json(const std::vector<NtpAdjustment>& adjustments) {
  nlohmann::json list = nlohmann::json::array();
  for (const NtpAdjustment& adjustment : adjustments) {
    list.push_back({
        {"op", adjustment.op},
        {"old", adjustment.old_value},
        {"new", adjustment.new_value},
        {"old_human", ntp_value_in_human_units(adjustment.op, adjustment.old_value)},
        {"new_human", ntp_value_in_human_units(adjustment.op, adjustment.new_value)},
    });
  }
  return list;
}

void add_process(nlohmann::json& object, const ProcessInfo& process) {
  // 0 means the record did not name the process (no SYSCALL record, or init's parent). No
  // user-space process has pid 0, so null marks it unknown instead of a made-up number.
  object["pid"] = process.pid != 0 ? nlohmann::json(process.pid) : nlohmann::json(nullptr);
  object["ppid"] = process.ppid != 0 ? nlohmann::json(process.ppid) : nlohmann::json(nullptr);
  object["uid"] = optional_number(process.uid);
  object["auid"] = optional_number(process.auid);
  object["uid_name"] = process.uid_name;
  object["auid_name"] = process.auid_name;
  object["ses"] = optional_number(process.ses);
  object["tty"] = process.tty;
  object["comm"] = process.comm;
  object["exe"] = process.exe;
  object["proctitle"] = process.proctitle;
  object["parent_exe"] = process.parent_exe;
  object["parent_cmdline"] = process.parent_cmdline;
  object["systemd_unit"] = process.systemd_unit;
}

}  // namespace

std::string format_audit_time(std::int64_t sec, std::uint32_t msec) {
  const std::time_t seconds = static_cast<std::time_t>(sec);
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) {
    return std::to_string(sec) + "." + std::to_string(msec);
  }
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<unsigned>(msec % 1000));
  return text;
}

nlohmann::json to_json(const TimeChange& change) {
  nlohmann::json object = {
      {"type", std::string(to_string(change.kind))},
      {"time", format_audit_time(change.time_sec, change.time_msec)},
      {"serial", change.serial},
      {"node", change.node},
      {"delta_ns", optional_number(change.delta_ns)},
      {"adjustments", adjustments_json(change.adjustments)},
      {"syscall", change.syscall},
      {"arch", change.arch},
      {"success", change.success},
      {"key", change.key},
  };
  add_process(object, change.process);
  return object;
}

std::string to_json_line(const TimeChange& change) {
  return to_json(change).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace timeguard
