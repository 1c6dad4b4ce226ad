#pragma once

#include <fstream>
#include <sstream>
#include <string>

// Reads a file under tests/fixtures/leases as bytes; an empty string when it cannot be opened.
inline std::string read_lease_fixture(const std::string& name) {
  std::ifstream file(std::string(TIMEGUARD_FIXTURE_DIR) + "/leases/" + name, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}
