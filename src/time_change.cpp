#include "time_change.hpp"

namespace timeguard {

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::step:
      return "step";
    case ChangeKind::adjust:
      return "adjust";
    case ChangeKind::read:
      return "read";
    case ChangeKind::denied:
      return "denied";
  }
  return "unknown";
}

}  // namespace timeguard
