#include "reporter_thread.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <spdlog/spdlog.h>

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

}  // namespace

void run_reporter(Reporter& reporter, EventQueue<ReporterMessage>& queue) {
  pollfd fds[1] = {{queue.fd(), POLLIN, 0}};
  for (;;) {
    const int ready = poll(fds, 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      spdlog::critical("reporter poll failed: {}; stopping the reporter", std::strerror(errno));
      return;
    }
    for (ReporterMessage& message : queue.drain()) {
      if (!handle(reporter, message)) return;
    }
  }
}

}  // namespace timeguard
