#include "intake_loop.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <vector>

#include "audit_intake.hpp"
#include "json_line_sink.hpp"
#include "time_change_classifier.hpp"
#include "time_change_format.hpp"

namespace timeguard {
namespace {

constexpr std::size_t kReadBytes = 1 << 20;
constexpr std::uint64_t kBadLinesLoggedInFull = 20;
constexpr std::uint64_t kBadLineLogInterval = 10'000;

// Logs the first bad lines in full, then one in every kBadLineLogInterval with the count.
void log_bad_line(std::uint64_t count, std::string_view reason, std::string_view line) {
  if (count > kBadLinesLoggedInFull && count % kBadLineLogInterval != 0) return;
  spdlog::warn("skipped audit record line: {} ({} skipped so far): {}", reason, count,
               escape_control_characters(line.substr(0, 512)));
}

int make_tick_timer() {
  const int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (fd < 0) return -1;
  itimerspec every{};
  every.it_interval.tv_nsec = 250'000'000;
  every.it_value.tv_nsec = 250'000'000;
  timerfd_settime(fd, 0, &every, nullptr);
  return fd;
}

class IntakeLoop {
 public:
  IntakeLoop(PluginConfig config, const IntakeLoopOptions& options, EventQueue<ReporterMessage>& queue)
      : config_(std::move(config)),
        options_(options),
        queue_(queue),
        intake_(syscalls_, config_.assembly,
                [this](std::string_view reason, std::string_view line) {
                  log_bad_line(++bad_lines_, reason, line);
                }) {}

  int run();

 private:
  bool read_input();
  bool handle_signals();
  void reload();
  void forward_completed();
  void log_summary() const;

  PluginConfig config_;
  IntakeLoopOptions options_;
  EventQueue<ReporterMessage>& queue_;
  ClockSyscalls syscalls_;
  AuditIntake intake_;
  std::vector<char> buffer_ = std::vector<char>(kReadBytes);
  std::uint64_t bad_lines_ = 0;
  std::uint64_t unclassified_ = 0;
};

bool IntakeLoop::read_input() {
  const ssize_t got = read(options_.input_fd, buffer_.data(), buffer_.size());
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (got < 0) {
    spdlog::error("reading the audit stream failed: {}; stopping", std::strerror(errno));
    return false;
  }
  if (got == 0) return false;
  intake_.consume(std::string_view(buffer_.data(), static_cast<std::size_t>(got)), MonotonicClock::now());
  forward_completed();
  return true;
}

void IntakeLoop::forward_completed() {
  for (AuditEvent& event : intake_.take_completed()) {
    Result<TimeChange> change = classify(event);
    if (!change) {
      ++unclassified_;
      spdlog::error("audit event {} from node '{}' was not classified: {}", event.serial, event.node,
                    change.error().reason);
      continue;
    }
    queue_.push(std::move(*change));
  }
}

void IntakeLoop::reload() {
  if (options_.config_path.empty()) {
    spdlog::info("SIGHUP: no configuration file was given, so there is nothing to reload");
    return;
  }
  Result<PluginConfig> fresh = load_plugin_config(options_.config_path);
  if (!fresh) {
    spdlog::error("configuration reload rejected, keeping the running configuration: {}", fresh.error().reason);
    return;
  }
  if (options_.json_overridden) fresh->json_file = options_.json_file;
  if (Status writable = JsonLineSink::check_writable(fresh->json_file); !writable) {
    spdlog::error("configuration reload rejected, keeping the running configuration: {}", writable.error().reason);
    return;
  }
  config_ = *fresh;
  intake_.set_limits(config_.assembly);
  spdlog::info("configuration reloaded from {}", options_.config_path);
  queue_.push(ConfigReloaded{config_});
}

// Returns false when SIGTERM or SIGINT requests a stop.
bool IntakeLoop::handle_signals() {
  signalfd_siginfo info{};
  while (read(options_.signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo == SIGHUP) {
      reload();
    } else if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
      spdlog::info("received signal {}, flushing and stopping", info.ssi_signo);
      return false;
    }
  }
  return true;
}

void IntakeLoop::log_summary() const {
  const IntakeStats& stats = intake_.stats();
  const AssemblerStats& events = intake_.assembler_stats();
  spdlog::info(
      "audit stream closed: {} bytes, {} lines, {} skipped as malformed, {} overlong; {} clock events "
      "({} ended by EOE, {} by age, {} by the in-flight cap, {} at shutdown), {} not classified, {} "
      "duplicate records",
      stats.bytes, stats.lines, stats.malformed_lines, stats.overlong_lines, events.events_emitted,
      events.completed_by_eoe, events.completed_by_age, events.completed_by_cap, events.completed_at_flush,
      unclassified_, events.duplicate_records);
}

int IntakeLoop::run() {
  const int timer_fd = make_tick_timer();
  pollfd fds[3] = {{options_.input_fd, POLLIN, 0}, {options_.signal_fd, POLLIN, 0}, {timer_fd, POLLIN, 0}};
  bool running = true;
  while (running) {
    const int ready = poll(fds, 3, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      spdlog::error("intake poll failed: {}; stopping", std::strerror(errno));
      break;
    }
    if (fds[1].revents & POLLIN) running = handle_signals();
    if (fds[2].revents & POLLIN) {
      std::uint64_t expirations = 0;
      [[maybe_unused]] ssize_t got = read(timer_fd, &expirations, sizeof expirations);
      intake_.expire(MonotonicClock::now());
      forward_completed();
    }
    if (running && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) running = read_input();
  }
  intake_.finish(MonotonicClock::now());
  forward_completed();
  log_summary();
  if (timer_fd >= 0) close(timer_fd);
  return 0;
}

}  // namespace

int run_intake_loop(PluginConfig config, const IntakeLoopOptions& options, EventQueue<ReporterMessage>& queue) {
  IntakeLoop loop(std::move(config), options, queue);
  return loop.run();
}

}  // namespace timeguard
