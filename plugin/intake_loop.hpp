#pragma once

#include <string>

#include "event_queue.hpp"
#include "messages.hpp"
#include "plugin_config.hpp"

namespace timeguard {

struct IntakeLoopOptions {
  int input_fd = 0;
  std::string config_path;  // reloaded on SIGHUP; empty when running on built-in defaults
  int signal_fd = -1;       // signalfd for SIGHUP, SIGTERM and SIGINT
  bool json_overridden = false;  // --json given: a reload keeps the command-line output
  std::string json_file;
};

// Reads auditd's stream until EOF or SIGTERM, classifies completed events and queues them for
// the reporter. Returns the process exit code.
int run_intake_loop(PluginConfig config, const IntakeLoopOptions& options, EventQueue<ReporterMessage>& queue);

}  // namespace timeguard
