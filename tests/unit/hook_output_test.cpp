#include <catch2/catch.hpp>

#include "hook_output.hpp"

using namespace timeguard;

TEST_CASE("bounded output: keeps limit, counts the rest", "[hook_output]") {
  BoundedOutput output(10);
  output.append("12345");
  output.append("6789abcdef");
  output.append("xyz");
  CHECK(output.kept() == "123456789a");
  CHECK(output.dropped_bytes() == 8);

  BoundedOutput none(0);
  none.append("abc");
  CHECK(none.kept().empty());
  CHECK(none.dropped_bytes() == 3);
}

TEST_CASE("log escaping: control bytes and quotes", "[hook_output]") {
  CHECK(escape_for_log("plain text") == "plain text");
  CHECK(escape_for_log("a\nb\tc") == "a\\nb\\tc");
  CHECK(escape_for_log("say \"hi\" \\") == "say \\\"hi\\\" \\\\");
  CHECK(escape_for_log(std::string("\x1b[31m\0\xff", 7)) == "\\x1b[31m\\x00\\xff");
  CHECK(format_argv({"/bin/x", "a b", "$(id)"}) == "\"/bin/x\" \"a b\" \"$(id)\"");
}
