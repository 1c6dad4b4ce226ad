#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "json_line_sink.hpp"

using timeguard::JsonLineSink;

TEST_CASE("json sink: unwritable path is rejected", "[json_sink]") {
  auto status = JsonLineSink::check_writable("/nonexistent/dir/events.jsonl");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().reason ==
        "cannot open JSON output /nonexistent/dir/events.jsonl: No such file or directory; create its "
        "directory or change output.json_file");
  CHECK(JsonLineSink::check_writable("").ok());
  CHECK(JsonLineSink::check_writable("-").ok());
}

TEST_CASE("json sink: appends whole lines and reopens", "[json_sink]") {
  const std::string path = "/tmp/timeguard-json-sink-" + std::to_string(getpid()) + ".jsonl";
  JsonLineSink sink;
  REQUIRE(sink.open(path).ok());
  REQUIRE(sink.write_line("{\"a\":1}").ok());
  std::rename(path.c_str(), (path + ".1").c_str());  // log rotation
  REQUIRE(sink.reopen().ok());
  REQUIRE(sink.write_line("{\"b\":2}").ok());

  std::string rotated;
  std::string fresh;
  std::getline(std::ifstream(path + ".1"), rotated);
  std::getline(std::ifstream(path), fresh);
  std::remove(path.c_str());
  std::remove((path + ".1").c_str());
  CHECK(rotated == "{\"a\":1}");
  CHECK(fresh == "{\"b\":2}");
}
