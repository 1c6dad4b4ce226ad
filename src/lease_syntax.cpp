#include "lease_syntax.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <chrono>
#include <limits>

namespace timeguard {

namespace {

struct TimeUnit {
  std::string_view suffix;
  std::uint64_t microseconds;
};

// Longest suffixes first, so that "min" and "ms" win over "m" and "s". As in systemd time spans,
// m is minutes, M is months (30.44 days) and y is 365.25 days.
constexpr std::array<TimeUnit, 25> kUnits{{
    {"seconds", 1'000'000},        {"second", 1'000'000},
    {"minutes", 60'000'000},       {"minute", 60'000'000},
    {"months", 2'629'800'000'000}, {"month", 2'629'800'000'000},
    {"hours", 3'600'000'000},      {"hour", 3'600'000'000},
    {"weeks", 604'800'000'000},    {"days", 86'400'000'000},
    {"years", 31'557'600'000'000}, {"msec", 1'000},
    {"usec", 1},                   {"min", 60'000'000},
    {"sec", 1'000'000},            {"hr", 3'600'000'000},
    {"ms", 1'000},                 {"us", 1},
    {"h", 3'600'000'000},          {"d", 86'400'000'000},
    {"w", 604'800'000'000},        {"m", 60'000'000},
    {"s", 1'000'000},              {"M", 2'629'800'000'000},
    {"y", 31'557'600'000'000},
}};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Matches a unit at the start of `text` and requires a space, a digit or the end after it.
const TimeUnit* match_unit(std::string_view text) {
  for (const TimeUnit& unit : kUnits) {
    if (!text.starts_with(unit.suffix)) {
      continue;
    }
    std::string_view rest = text.substr(unit.suffix.size());
    if (rest.empty() || is_space(rest.front()) || is_digit(rest.front())) {
      return &unit;
    }
  }
  return nullptr;
}

}  // namespace

Result<std::uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty()) {
    return fail("empty number");
  }
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    return fail("number out of range: \"" + std::string(text) + "\"");
  }
  if (ec != std::errc() || ptr != end) {
    return fail("invalid number \"" + std::string(text) + "\"");
  }
  return value;
}

Result<std::uint64_t> parse_timespan_seconds(std::string_view text) {
  std::string_view cursor = trim(text);
  if (cursor.empty()) {
    return fail("empty time span");
  }
  if (auto plain = parse_unsigned(cursor); plain.ok()) {
    return *plain;
  }

  std::uint64_t total_us = 0;
  while (!cursor.empty()) {
    std::uint64_t count = 0;
    auto [ptr, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), count);
    if (ec != std::errc()) {
      return fail("invalid time span \"" + std::string(text) + "\": expected a number");
    }
    cursor.remove_prefix(static_cast<std::size_t>(ptr - cursor.data()));
    cursor = trim(cursor);  // systemd accepts "5 min" as well as "5min"

    const TimeUnit* unit = match_unit(cursor);
    if (unit == nullptr) {
      return fail("invalid time span \"" + std::string(text) + "\": unknown unit");
    }
    cursor.remove_prefix(unit->suffix.size());
    if (count > (std::numeric_limits<std::uint64_t>::max() - total_us) / unit->microseconds) {
      return fail("time span out of range: \"" + std::string(text) + "\"");
    }
    total_us += count * unit->microseconds;
    cursor = trim(cursor);
  }
  return total_us / 1'000'000;
}

bool is_ip_address(std::string_view text, int family) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) {
    return false;
  }
  std::string copy(text);
  std::array<unsigned char, sizeof(in6_addr)> buffer{};
  return inet_pton(family, copy.c_str(), buffer.data()) == 1;
}

Result<std::vector<std::pair<std::string, std::string>>> split_key_values(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> fields;
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;

    line = trim(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return fail("line " + std::to_string(line_number) + ": expected KEY=VALUE, got \"" +
                  std::string(line) + "\"");
    }
    fields.emplace_back(std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
  }
  return fields;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::int64_t utc_to_unix_seconds(int year, unsigned month, unsigned day, unsigned hour,
                                 unsigned minute, unsigned second) {
  using namespace std::chrono;
  sys_days date = year_month_day{std::chrono::year{year}, std::chrono::month{month},
                                 std::chrono::day{day}};
  std::int64_t days = date.time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace timeguard
