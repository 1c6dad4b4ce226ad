#include <catch2/catch.hpp>

#include "jump_correlator.hpp"

using timeguard::ClockJump;
using timeguard::JumpCorrelator;
using namespace std::chrono_literals;

namespace {

const JumpCorrelator::Clock::time_point kStart = JumpCorrelator::Clock::time_point{} + 1h;

ClockJump jump_of(std::int64_t delta_ns) {
  ClockJump jump;
  jump.delta_ns = delta_ns;
  return jump;
}

}  // namespace

TEST_CASE("jump correlator: audit step after the jump explains it", "[jump_correlator]") {
  JumpCorrelator correlator(3000ms, 10'000'000);
  correlator.add_jump(jump_of(-3'600'004'000'000), kStart);
  REQUIRE(correlator.next_deadline() == kStart + 3000ms);
  correlator.add_audit_step(-3'600'000'000'000, kStart + 500ms);
  CHECK(correlator.take_unexplained(kStart + 10s).empty());
  CHECK_FALSE(correlator.next_deadline().has_value());
}

TEST_CASE("jump correlator: audit step before the jump explains it", "[jump_correlator]") {
  JumpCorrelator correlator(3000ms, 10'000'000);
  correlator.add_audit_step(3'600'000'000'000, kStart);
  correlator.add_jump(jump_of(3'600'000'300'000), kStart + 100ms);
  CHECK(correlator.take_unexplained(kStart + 10s).empty());
}

TEST_CASE("jump correlator: jump without audit step is unexplained", "[jump_correlator]") {
  JumpCorrelator correlator(3000ms, 10'000'000);
  correlator.add_jump(jump_of(-3'600'000'000'000), kStart);
  CHECK(correlator.take_unexplained(kStart + 2999ms).empty());
  auto unexplained = correlator.take_unexplained(kStart + 3000ms);
  REQUIRE(unexplained.size() == 1);
  CHECK(unexplained[0].delta_ns == -3'600'000'000'000);
}

TEST_CASE("jump correlator: different size or old step does not match", "[jump_correlator]") {
  JumpCorrelator correlator(3000ms, 10'000'000);
  correlator.add_audit_step(-1'000'000'000, kStart);              // 1 s back
  correlator.add_jump(jump_of(-3'600'000'000'000), kStart + 1s);  // 1 h back: no match
  auto first = correlator.take_unexplained(kStart + 4s);
  REQUIRE(first.size() == 1);
  CHECK(first[0].delta_ns == -3'600'000'000'000);

  correlator.add_audit_step(5'000'000'000, kStart + 10s);
  correlator.add_jump(jump_of(5'000'000'000), kStart + 20s);  // the step is 10 s old by now
  auto second = correlator.take_unexplained(kStart + 23s);
  REQUIRE(second.size() == 1);
  CHECK(second[0].delta_ns == 5'000'000'000);
}

TEST_CASE("jump correlator: tolerance scales with the step", "[jump_correlator]") {
  JumpCorrelator correlator(3000ms, 10'000'000);
  // 10 ms absolute + 0.1 % of 3600 s = 3.61 s allowed.
  correlator.add_audit_step(-3'600'000'000'000, kStart);
  correlator.add_jump(jump_of(-3'603'600'000'000), kStart);
  CHECK(correlator.take_unexplained(kStart + 5s).empty());
  correlator.add_audit_step(-1'000'000'000, kStart + 10s);
  correlator.add_jump(jump_of(-1'012'000'000), kStart + 10s);  // 12 ms off > 11 ms allowed
  CHECK(correlator.take_unexplained(kStart + 15s).size() == 1);
}
