#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "step_duration.hpp"

using timeguard::format_step;
using timeguard::parse_step_duration;

TEST_CASE("step duration: accepted inputs", "[duration]") {
  struct Case {
    const char* text;
    std::int64_t nanoseconds;
  };
  const Case cases[] = {
      {"-1h", -3'600'000'000'000},
      {"+90m", 5'400'000'000'000},
      {"-3600s", -3'600'000'000'000},
      {"1d", 86'400'000'000'000},
      {"250ms", 250'000'000},
      {"-250ms", -250'000'000},
      {"1us", 1'000},
      {"1\xC2\xB5s", 1'000},
      {"7ns", 7},
      {"0s", 0},
      {"-0s", 0},
      {"1h30m", 5'400'000'000'000},
      {"-1d2h3m4s5ms", -(93'784'005'000'000)},
      {"3650d", 315'360'000'000'000'000},
      {"-3650d", -315'360'000'000'000'000},
      {"106751d", 9'223'286'400'000'000'000},
      {"9223372036854775807ns", std::numeric_limits<std::int64_t>::max()},
      {"-9223372036854775807ns", -std::numeric_limits<std::int64_t>::max()},
      {"0001s", 1'000'000'000},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto parsed = parse_step_duration(c.text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == c.nanoseconds);
  }
}

TEST_CASE("step duration: rejected inputs", "[duration]") {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "invalid step \"\": empty; write a number with a unit, e.g. -1h, +90m or 250ms"},
      {"-", "invalid step \"-\": no number after the sign; write e.g. -1h"},
      {"+", "invalid step \"+\": no number after the sign; write e.g. -1h"},
      {"-3600", "invalid step \"-3600\": missing unit after 3600; append one of ns, us (or µs), ms, s, m, h, d"},
      {"1h30", "invalid step \"1h30\": missing unit after 30; append one of ns, us (or µs), ms, s, m, h, d"},
      {"1x", "invalid step \"1x\": unknown unit \"x\"; use one of ns, us (or µs), ms, s, m, h, d"},
      {"1H", "invalid step \"1H\": unknown unit \"H\"; use one of ns, us (or µs), ms, s, m, h, d"},
      {"1hh", "invalid step \"1hh\": unknown unit \"hh\"; use one of ns, us (or µs), ms, s, m, h, d"},
      {"1sec", "invalid step \"1sec\": unknown unit \"sec\"; use one of ns, us (or µs), ms, s, m, h, d"},
      {"1.5h", "invalid step \"1.5h\": fractions are not supported; use a smaller unit, e.g. 90m instead of 1.5h"},
      {"1,5h", "invalid step \"1,5h\": fractions are not supported; use a smaller unit, e.g. 90m instead of 1.5h"},
      {"h", "invalid step \"h\": expected a number at \"h\""},
      {"--1h", "invalid step \"--1h\": expected a number at \"-1h\""},
      {"1h-5m", "invalid step \"1h-5m\": expected a number at \"-5m\""},
      {" 1h", "invalid step \" 1h\": expected a number at \" 1h\""},
      {"1h ", "invalid step \"1h \": expected a number at \" \""},
      {"1 h", "invalid step \"1 h\": missing unit after 1; append one of ns, us (or µs), ms, s, m, h, d"},
      {"106752d", "invalid step \"106752d\": out of range; the limit is about 292 years (106751d)"},
      {"9223372036854775808ns",
       "invalid step \"9223372036854775808ns\": out of range; the limit is about 292 years (106751d)"},
      {"99999999999999999999999s",
       "invalid step \"99999999999999999999999s\": out of range; the limit is about 292 years (106751d)"},
      {"106751d24h",
       "invalid step \"106751d24h\": out of range; the limit is about 292 years (106751d)"},
      {"1h1h",
       "invalid step \"1h1h\": unit \"h\" repeats or follows a smaller one; write each unit once, "
       "largest first, e.g. 1h30m"},
      {"30m1h",
       "invalid step \"30m1h\": unit \"h\" repeats or follows a smaller one; write each unit once, "
       "largest first, e.g. 1h30m"},
      {"1us1\xC2\xB5s",
       "invalid step \"1us1\xC2\xB5s\": unit \"\xC2\xB5s\" repeats or follows a smaller one; write each unit "
       "once, largest first, e.g. 1h30m"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto parsed = parse_step_duration(c.text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().reason == c.reason);
  }
}

TEST_CASE("step duration: formatting", "[duration]") {
  CHECK(format_step(-3'600'000'000'000) == "-3600 s");
  CHECK(format_step(0) == "+0 s");
  CHECK(format_step(250'000'000) == "+0.25 s");
  CHECK(format_step(-1) == "-0.000000001 s");
  CHECK(format_step(std::numeric_limits<std::int64_t>::min()) == "-9223372036.854775808 s");
}
