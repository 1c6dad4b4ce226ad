#pragma once

#include <nlohmann/json.hpp>

#include "json_line_sink.hpp"

namespace timeguard {

// Writes one object to the plugin's JSON stream. A failed write is logged for the first failure
// and then once per 1000, because a full disk would otherwise flood syslog.
void emit_json(JsonLineSink& sink, const nlohmann::json& object);

}  // namespace timeguard
