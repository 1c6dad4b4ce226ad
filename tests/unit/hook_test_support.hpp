#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <poll.h>
#include <sstream>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "hook_runner.hpp"

namespace timeguard::test {

// A private directory under /tmp, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/tg-hooks-XXXXXX";
    const char* made = ::mkdtemp(pattern.data());
    path_ = made == nullptr ? std::string() : std::string(made);
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string write_file(const std::string& path, const std::string& content, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }
  ::chmod(path.c_str(), mode);
  return path;
}

inline bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

// A logger whose lines the test can read back.
struct LogCapture {
  std::shared_ptr<std::ostringstream> stream = std::make_shared<std::ostringstream>();
  std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
      "hook-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream));

  LogCapture() { logger->set_level(spdlog::level::debug); }
  std::string text() const { return stream->str(); }
};

// Runs the caller side of the event loop until the runner is idle or `limit` has passed.
inline void drive(HookRunner& runner, std::chrono::milliseconds limit) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point end = Clock::now() + limit;
  while (runner.busy() && Clock::now() < end) {
    std::vector<pollfd> fds;
    for (int fd : runner.poll_fds()) fds.push_back(pollfd{fd, POLLIN, 0});

    int timeout_ms = 100;
    if (const auto deadline = runner.next_deadline()) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      timeout_ms = static_cast<int>(std::clamp<long long>(until.count() + 1, 0, 100));
    }
    ::poll(fds.data(), fds.size(), timeout_ms);
    runner.process(Clock::now());
  }
}

// Settings for one step that runs `argv` for verdict expired_by_step, not in dry-run mode.
inline HookSettings run_settings(std::vector<std::string> argv) {
  HookSettings settings;
  settings.action = HookAction::hook;
  settings.verdicts = {"expired_by_step"};
  settings.dry_run = false;
  settings.command = {std::move(argv)};
  settings.timeout_s = 10;
  settings.cooldown_s = 0;
  settings.max_runs_per_hour = 60;
  return settings;
}

inline HookContext eth0_context() {
  HookContext context;
  context.interface = "eth0";
  context.address = "10.0.0.5";
  context.lease_file = "/var/lib/dhcp/dhclient.eth0.leases";
  context.pid_file = "/run/dhclient.eth0.pid";
  context.delta_s = -3600;
  context.verdict = "expired_by_step";
  return context;
}

}  // namespace timeguard::test
