#pragma once

#include "event_queue.hpp"
#include "messages.hpp"
#include "reporter.hpp"

namespace timeguard {

// Runs the reporter's event loop until a ShutdownRequest arrives.
void run_reporter(Reporter& reporter, EventQueue<ReporterMessage>& queue);

}  // namespace timeguard
