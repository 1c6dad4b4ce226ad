#include "json_output.hpp"

#include <spdlog/spdlog.h>

namespace timeguard {

void emit_json(JsonLineSink& sink, const nlohmann::json& object) {
  Status written = sink.write_object(object);
  if (written) return;
  if (sink.failures() % 1000 == 1) {
    spdlog::error("{} (failure {} of this kind)", written.error().reason, sink.failures());
  }
}

}  // namespace timeguard
