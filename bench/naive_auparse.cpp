// Baseline for bench/intake_bench.sh: the simplest full-auparse intake. Every line of stdin
// goes through auparse_feed(), and the callback visits every record and every field of each
// event, reading its name and raw value. It prints the counts on stderr so that the work
// cannot be optimized away and the counts can be compared with the plugin's.

#include <auparse.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>

namespace {

struct Counts {
  std::uint64_t events = 0;
  std::uint64_t records = 0;
  std::uint64_t fields = 0;
  std::uint64_t value_bytes = 0;
};

void visit_event(auparse_state_t* parser, auparse_cb_event_t type, void* user_data) {
  if (type != AUPARSE_CB_EVENT_READY) {
    return;
  }
  auto& counts = *static_cast<Counts*>(user_data);
  counts.events++;

  if (auparse_first_record(parser) <= 0) {
    return;
  }
  do {
    counts.records++;
    if (auparse_first_field(parser) <= 0) {
      continue;
    }
    do {
      const char* name = auparse_get_field_name(parser);
      const char* value = auparse_get_field_str(parser);
      counts.fields++;
      if (name != nullptr && value != nullptr) {
        for (const char* c = value; *c != '\0'; ++c) {
          counts.value_bytes++;
        }
      }
    } while (auparse_next_field(parser) > 0);
  } while (auparse_next_record(parser) > 0);
}

}  // namespace

int main() {
  auparse_state_t* parser = auparse_init(AUSOURCE_FEED, nullptr);
  if (parser == nullptr) {
    std::perror("naive_auparse: auparse_init failed");
    return 1;
  }
  Counts counts;
  auparse_add_callback(parser, visit_event, &counts, nullptr);

  std::array<char, 64 * 1024> buffer{};
  ssize_t length = 0;
  while ((length = read(STDIN_FILENO, buffer.data(), buffer.size())) > 0) {
    auparse_feed(parser, buffer.data(), static_cast<size_t>(length));
  }
  auparse_flush_feed(parser);
  auparse_destroy(parser);

  std::fprintf(stderr, "naive_auparse: events=%llu records=%llu fields=%llu value_bytes=%llu\n",
               static_cast<unsigned long long>(counts.events),
               static_cast<unsigned long long>(counts.records),
               static_cast<unsigned long long>(counts.fields),
               static_cast<unsigned long long>(counts.value_bytes));
  return length < 0 ? 1 : 0;
}
