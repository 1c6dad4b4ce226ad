// audisp-timeguard: an auditd plugin that reports every change of CLOCK_REALTIME.
//
// auditd 3.x starts it from plugins.d with the configured args (the config path), an empty
// environment and all signals blocked, and writes records to its stdin (format = string).
// Run by hand on a saved log: audisp-timeguard --json - < audit.log

#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <variant>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>
#include <sys/signalfd.h>
#include <thread>
#include <unistd.h>

#include "intake_loop.hpp"
#include "plugin_logging.hpp"
#include "reporter.hpp"
#include "reporter_thread.hpp"

namespace {

using namespace timeguard;

constexpr const char* kDefaultConfigPath = "/etc/timeguard/timeguard.yaml";

constexpr const char* kUsage =
    "usage: audisp-timeguard [CONFIG] [--json PATH]\n"
    "\n"
    "Reads audit records on stdin and reports every change of the wall clock (CLOCK_REALTIME).\n"
    "auditd starts it from plugins.d with CONFIG as its only argument.\n"
    "\n"
    "  CONFIG        YAML configuration; without --json the default is\n"
    "                /etc/timeguard/timeguard.yaml, if present\n"
    "  --json PATH   write the JSON-lines event stream to PATH, or to stdout for '-';\n"
    "                overrides output.json_file and sends log messages to stderr.\n"
    "                Without a CONFIG, the lease and clock-jump checks are off, so that\n"
    "                only the events in the input are reported\n"
    "  --help        show this help\n"
    "  --version     show the version\n";

struct Arguments {
  std::string config_path;
  std::optional<std::string> json_file;
};

// Returns the parsed arguments, or an exit code when the process should stop now.
std::variant<Arguments, int> parse_arguments(int argc, char** argv) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::puts("audisp-timeguard 0.1.0");
      return 0;
    }
    if (arg == "--json") {
      if (i + 1 >= argc) {
        std::fputs("audisp-timeguard: --json needs a PATH, or '-' for stdout\n", stderr);
        return 2;
      }
      args.json_file = argv[++i];
    } else if (!arg.empty() && arg.front() == '-') {
      std::fprintf(stderr, "audisp-timeguard: unknown option '%s'; see --help\n", argv[i]);
      return 2;
    } else if (args.config_path.empty()) {
      args.config_path = arg;
    } else {
      std::fprintf(stderr, "audisp-timeguard: unexpected argument '%s'; only one CONFIG is allowed\n", argv[i]);
      return 2;
    }
  }
  return args;
}

// Picks the configuration: the given file, else the default file if present, else defaults.
// By hand (--json), only a file named on the command line is read, so that replaying a log
// never runs the installed lease checks or hooks by surprise.
std::variant<PluginConfig, int> read_configuration(Arguments& args) {
  const bool by_hand = args.json_file.has_value();
  if (args.config_path.empty() && !by_hand && access(kDefaultConfigPath, R_OK) == 0) {
    args.config_path = kDefaultConfigPath;
  }
  PluginConfig config;
  if (!args.config_path.empty()) {
    Result<PluginConfig> loaded = load_plugin_config(args.config_path);
    if (!loaded) {
      std::fprintf(stderr, "audisp-timeguard: %s\n", loaded.error().reason.c_str());
      return 1;
    }
    config = *loaded;
  }
  if (args.json_file) config.json_file = *args.json_file;
  // By hand on a saved log without a config file, report only what the log holds: the state
  // of this host's addresses and clock has nothing to do with it.
  if (args.json_file && args.config_path.empty()) {
    config.network_enabled = false;
    config.clock_jump_enabled = false;
  }
  return config;
}

// auditd starts plugins with every signal blocked. The handled ones stay blocked and arrive
// through a signalfd; all others are unblocked so that their default actions apply again.
int take_signals() {
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGHUP);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGCHLD);
  pthread_sigmask(SIG_SETMASK, &handled, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_arguments(argc, argv);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  Arguments args = std::get<Arguments>(parsed);

  auto configured = read_configuration(args);
  if (const int* code = std::get_if<int>(&configured)) return *code;
  PluginConfig config = std::get<PluginConfig>(configured);

  install_logger(config, args.json_file ? LogTarget::stderr_stream : LogTarget::syslog);

  const int signal_fd = take_signals();
  if (signal_fd < 0) {
    spdlog::critical("cannot create a signalfd: {}; stopping", std::strerror(errno));
    return 1;
  }

  Reporter reporter(config);
  if (Status opened = reporter.start(); !opened) {
    spdlog::critical("{}", opened.error().reason);
    return 1;
  }
  spdlog::info("started: config={} json={}", config.source_file.empty() ? "(defaults)" : config.source_file,
               config.json_file.empty() ? "(none)" : config.json_file);

  EventQueue<ReporterMessage> queue;
  std::thread reporter_thread([&] { run_reporter(reporter, queue); });

  IntakeLoopOptions options;
  options.config_path = args.config_path;
  options.signal_fd = signal_fd;
  options.json_overridden = args.json_file.has_value();
  options.json_file = args.json_file.value_or("");
  const int code = run_intake_loop(config, options, queue);

  queue.push(ShutdownRequest{});
  reporter_thread.join();
  reporter.log_summary();
  return code;
}
