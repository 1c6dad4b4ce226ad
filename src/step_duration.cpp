#include "step_duration.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace timeguard {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t nanoseconds;
};

constexpr std::array<Unit, 8> kUnits{{
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // µs, as the plugin writes durations
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"d", 86'400'000'000'000},
}};

constexpr std::string_view kUnitList = "ns, us (or µs), ms, s, m, h, d";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Error invalid(std::string_view text, const std::string& problem) {
  return fail("invalid step " + quoted(text) + ": " + problem);
}

Error out_of_range(std::string_view text) {
  return invalid(text, "out of range; the limit is about 292 years (106751d)");
}

// Advances `cursor` past the leading run of characters for which `accept` holds.
template <typename Predicate>
std::string_view take_while(std::string_view& cursor, Predicate accept) {
  std::size_t length = 0;
  while (length < cursor.size() && accept(cursor[length])) ++length;
  const std::string_view taken = cursor.substr(0, length);
  cursor.remove_prefix(length);
  return taken;
}

const Unit* find_unit(std::string_view name) {
  for (const Unit& unit : kUnits) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

// Parses one "<number><unit>" term from the front of `cursor` into nanoseconds (unsigned).
// `previous_unit_ns` is the unit of the term before (0 for the first): units must shrink from
// term to term, so that "1h1h" or "30m1h" is caught as a typo instead of being added up.
Result<std::int64_t> parse_term(std::string_view text, std::string_view& cursor, std::int64_t& previous_unit_ns) {
  const std::string_view digits = take_while(cursor, is_digit);
  if (digits.empty()) return invalid(text, "expected a number at " + quoted(cursor));

  if (!cursor.empty() && (cursor.front() == '.' || cursor.front() == ',')) {
    return invalid(text, "fractions are not supported; use a smaller unit, e.g. 90m instead of 1.5h");
  }

  // The micro sign (U+00B5, two bytes in UTF-8) is the one unit letter outside ASCII.
  const std::string_view unit_name =
      take_while(cursor, [](char c) { return is_letter(c) || c == '\xC2' || c == '\xB5'; });
  if (unit_name.empty()) {
    return invalid(text, "missing unit after " + std::string(digits) + "; append one of " +
                             std::string(kUnitList));
  }
  const Unit* unit = find_unit(unit_name);
  if (unit == nullptr) {
    return invalid(text, "unknown unit " + quoted(unit_name) + "; use one of " + std::string(kUnitList));
  }

  if (previous_unit_ns != 0 && unit->nanoseconds >= previous_unit_ns) {
    return invalid(text, "unit " + quoted(unit_name) + " repeats or follows a smaller one; write each unit once, "
                         "largest first, e.g. 1h30m");
  }
  previous_unit_ns = unit->nanoseconds;

  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  std::int64_t nanoseconds = 0;
  if (error != std::errc() || end != digits.data() + digits.size() ||
      __builtin_mul_overflow(count, unit->nanoseconds, &nanoseconds)) {
    return out_of_range(text);
  }
  return nanoseconds;
}

}  // namespace

Result<std::int64_t> parse_step_duration(std::string_view text) {
  if (text.empty()) return fail("invalid step \"\": empty; write a number with a unit, e.g. -1h, +90m or 250ms");

  std::string_view cursor = text;
  bool negative = false;
  if (cursor.front() == '+' || cursor.front() == '-') {
    negative = cursor.front() == '-';
    cursor.remove_prefix(1);
  }
  if (cursor.empty()) return invalid(text, "no number after the sign; write e.g. -1h");

  std::int64_t magnitude = 0;
  std::int64_t previous_unit_ns = 0;
  while (!cursor.empty()) {
    auto term = parse_term(text, cursor, previous_unit_ns);
    if (!term) return term.error();
    if (__builtin_add_overflow(magnitude, *term, &magnitude)) return out_of_range(text);
  }
  return negative ? -magnitude : magnitude;
}

std::string format_step(std::int64_t delta_ns) {
  const char sign = delta_ns < 0 ? '-' : '+';
  // Magnitude as unsigned, because -INT64_MIN does not fit in int64.
  const std::uint64_t magnitude = delta_ns < 0 ? 0 - static_cast<std::uint64_t>(delta_ns)
                                               : static_cast<std::uint64_t>(delta_ns);
  const std::uint64_t whole = magnitude / 1'000'000'000;
  const std::uint64_t fraction = magnitude % 1'000'000'000;

  std::string text = std::string(1, sign) + std::to_string(whole);
  if (fraction != 0) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%09llu", static_cast<unsigned long long>(fraction));
    std::string_view trimmed = digits;
    while (!trimmed.empty() && trimmed.back() == '0') trimmed.remove_suffix(1);
    text += "." + std::string(trimmed);
  }
  return text + " s";
}

}  // namespace timeguard
