#pragma once

#include <memory>
#include <spdlog/logger.h>

#include "plugin_config.hpp"

namespace timeguard {

enum class LogTarget { syslog, stderr_stream };

// Builds the "timeguard" logger: syslog with the configured ident and facility when run by
// auditd, stderr when run by hand on a saved log. Registers it as spdlog's default logger.
std::shared_ptr<spdlog::logger> install_logger(const PluginConfig& config, LogTarget target);

}  // namespace timeguard
