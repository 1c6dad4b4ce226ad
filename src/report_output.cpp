#include "report_output.hpp"

#include <ctime>
#include <sys/socket.h>

namespace timeguard {

namespace {

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

nlohmann::json text_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

std::string family_name(int family) { return family == AF_INET6 ? "ipv6" : "ipv4"; }

// Real seconds until the client acts on `instant`: realtime timers feel the step, others do not.
std::string relative_time(const ReportRow& row, std::int64_t instant) {
  const std::int64_t step_ns = row.client_clock == ClientClock::realtime ? row.step_delta_ns : 0;
  const std::int64_t seconds = seconds_until(instant, row.now_s, step_ns);
  if (seconds < 0) return std::to_string(-seconds) + " s ago";
  return "in " + std::to_string(seconds) + " s";
}

std::string schedule_line(const ReportRow& row, const char* label, const std::optional<std::int64_t>& instant) {
  std::string line = std::string("  ") + label;
  if (!row.lease_found) return line + "-\n";
  if (!instant) return line + "never\n";
  return line + format_utc(*instant) + " (" + relative_time(row, *instant) + ")\n";
}

std::string lifetime_text(const std::optional<std::uint32_t>& seconds) {
  return seconds ? std::to_string(*seconds) + " s" : "forever";
}

std::string deadline_text(const std::optional<std::int64_t>& seconds, const char* absent) {
  return seconds ? "in " + std::to_string(*seconds) + " s" : absent;
}

std::string client_line(const ReportRow& row) {
  std::string line = "  client      " + std::string(to_string(row.client));
  // Without a client there are no timers, so no clock to name.
  if (row.client == DhcpClient::none) return line + "\n";
  if (row.client_pid) line += " pid " + std::to_string(*row.client_pid);
  line += row.client_alive ? ", running" : ", not running";
  return line + ", " + std::string(to_string(row.client_clock)) + " clock\n";
}

std::string format_row(const ReportRow& row) {
  std::string text = row.interface + " " + row.address + "/" + std::to_string(row.prefix_length) + " (" +
                     family_name(row.family) + (row.dynamic ? ", dynamic" : ", permanent") + ")\n";
  text += client_line(row);
  text += "  lease file  " + (row.lease_file.empty() ? std::string("-") : row.lease_file) + "\n";
  if (!row.lease_found) text += "  lease       none: " + row.lease_problem + "\n";

  text += schedule_line(row, "renew       ", row.renew);
  text += schedule_line(row, "rebind      ", row.rebind);
  text += schedule_line(row, "expire      ", row.expire);
  text += "  valid       " + lifetime_text(row.valid_lft_s) + "\n";
  text += "  preferred   " + lifetime_text(row.preferred_lft_s) + "\n";

  const VerdictResult& result = row.result;
  text += "  verdict     " + std::string(to_string(result.verdict)) + ": " + result.reason + "\n";
  text += "  loss        " + deadline_text(result.seconds_to_loss, "never") + "\n";
  text += "  renewal     " + deadline_text(result.seconds_to_renewal, "none scheduled") + "\n";
  return text;
}

}  // namespace

std::string format_utc(std::int64_t unix_s) {
  const std::time_t seconds = static_cast<std::time_t>(unix_s);
  std::tm parts{};
  char text[64];
  if (gmtime_r(&seconds, &parts) == nullptr ||
      std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts) == 0) {
    return "@" + std::to_string(unix_s);  // beyond what struct tm can hold
  }
  return text;
}

nlohmann::json row_to_json(const ReportRow& row) {
  const VerdictResult& result = row.result;
  return nlohmann::json{
      {"interface", row.interface},
      {"address", row.address},
      {"family", family_name(row.family)},
      {"prefix_length", row.prefix_length},
      {"dynamic", row.dynamic},
      {"client", to_string(row.client)},
      {"client_clock", to_string(row.client_clock)},
      {"client_alive", row.client_alive},
      {"client_pid", optional_json(row.client_pid)},
      {"lease_file", text_or_null(row.lease_file)},
      {"lease_problem", text_or_null(row.lease_problem)},
      {"renew", optional_json(row.renew)},
      {"rebind", optional_json(row.rebind)},
      {"expire", optional_json(row.expire)},
      {"valid_lft_s", optional_json(row.valid_lft_s)},
      {"preferred_lft_s", optional_json(row.preferred_lft_s)},
      {"verdict", to_string(result.verdict)},
      {"reason", result.reason},
      {"seconds_to_loss", optional_json(result.seconds_to_loss)},
      {"seconds_to_renewal", optional_json(result.seconds_to_renewal)},
      {"step_delta_ns", row.step_delta_ns},
      {"now", row.now_s},
  };
}

nlohmann::json rows_to_json(const std::vector<ReportRow>& rows) {
  nlohmann::json array = nlohmann::json::array();
  for (const ReportRow& row : rows) array.push_back(row_to_json(row));
  return array;
}

std::string format_rows_text(const std::vector<ReportRow>& rows) {
  if (rows.empty()) return "no global IPv4 or IPv6 address found\n";
  std::string text;
  for (const ReportRow& row : rows) {
    if (!text.empty()) text += "\n";
    text += format_row(row);
  }
  return text;
}

}  // namespace timeguard
