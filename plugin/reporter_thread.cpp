#include "reporter_thread.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <vector>

namespace timeguard {
namespace {

// Handles one message; returns false on shutdown.
bool handle(Reporter& reporter, ReporterMessage& message) {
  if (auto* change = std::get_if<TimeChange>(&message)) {
    reporter.report(std::move(*change));
    return true;
  }
  if (auto* reload = std::get_if<ConfigReloaded>(&message)) {
    reporter.reconfigure(reload->config);
    return true;
  }
  return false;
}

// Milliseconds until `deadline` for poll(), -1 (wait for a descriptor) when there is none.
int poll_timeout_ms(std::optional<Reporter::Clock::time_point> deadline) {
  if (!deadline) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Reporter::Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

}  // namespace

void run_reporter(Reporter& reporter, EventQueue<ReporterMessage>& queue) {
  std::vector<pollfd> fds;
  for (;;) {
    fds.assign(1, pollfd{queue.fd(), POLLIN, 0});
    reporter.append_poll_fds(fds);
    const int ready = poll(fds.data(), fds.size(), poll_timeout_ms(reporter.next_deadline()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      spdlog::critical("reporter poll failed: {}; stopping the reporter", std::strerror(errno));
      return;
    }
    if (fds[0].revents & POLLIN) {
      for (ReporterMessage& message : queue.drain()) {
        if (!handle(reporter, message)) return;
      }
    }
    reporter.handle_poll(fds);
  }
}

}  // namespace timeguard
