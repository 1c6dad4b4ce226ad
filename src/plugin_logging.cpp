#include "plugin_logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

namespace timeguard {

std::shared_ptr<spdlog::logger> install_logger(const PluginConfig& config, LogTarget target) {
  spdlog::sink_ptr sink;
  if (target == LogTarget::syslog) {
    sink = std::make_shared<spdlog::sinks::syslog_sink_mt>(config.syslog_ident, LOG_PID, config.syslog_facility,
                                                           false);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_pattern(config.syslog_ident + ": %l: %v");
  }
  auto logger = std::make_shared<spdlog::logger>("timeguard", sink);
  logger->set_level(config.log_level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return logger;
}

}  // namespace timeguard
