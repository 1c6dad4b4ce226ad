#pragma once

#include <variant>

#include "plugin_config.hpp"
#include "time_change.hpp"

namespace timeguard {

// Sent by the intake thread after SIGHUP reloaded the configuration successfully.
struct ConfigReloaded {
  PluginConfig config;
};

// Sent once, after the intake flushed everything at EOF or SIGTERM.
struct ShutdownRequest {};

using ReporterMessage = std::variant<TimeChange, ConfigReloaded, ShutdownRequest>;

}  // namespace timeguard
