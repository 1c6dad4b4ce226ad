#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "process_context.hpp"

using namespace timeguard;

namespace {

// A fake /proc tree in a temporary directory, removed at the end of the test.
class FakeProc {
 public:
  FakeProc() {
    root_ = std::filesystem::temp_directory_path() /
            ("timeguard-proc-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(root_);
  }
  ~FakeProc() { std::filesystem::remove_all(root_); }

  void write(pid_t pid, const std::string& name, const std::string& content) {
    std::filesystem::create_directories(root_ / std::to_string(pid));
    std::ofstream(root_ / std::to_string(pid) / name, std::ios::binary) << content;
  }
  void link_exe(pid_t pid, const std::string& target) {
    std::filesystem::create_directories(root_ / std::to_string(pid));
    std::filesystem::create_symlink(target, root_ / std::to_string(pid) / "exe");
  }
  // The record's process: date[4242], child of bash[4200] in session-3.scope.
  void add_date_and_bash(pid_t date_parent = 4200) {
    write(4242, "comm", "date\n");
    write(4242, "stat", "4242 (date) R " + std::to_string(date_parent) + " 4242 4200 34816 0");
    write(4242, "cgroup", "0::/user.slice/user-1000.slice/session-3.scope\n");
    write(4200, "comm", "bash\n");
    link_exe(4200, "/usr/bin/bash");
    write(4200, "cmdline", std::string("-bash\0--login\0", 14));
    write(4200, "cgroup", "0::/user.slice/user-1000.slice/session-3.scope\n");
  }
  std::string root() const { return root_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path root_;
};

ProcessInfo date_process() {
  ProcessInfo process;
  process.pid = 4242;
  process.ppid = 4200;
  process.comm = "date";
  return process;
}

}  // namespace

TEST_CASE("cgroup: systemd unit from the path", "[process]") {
  struct Case {
    std::string file;
    std::string unit;
  };
  const std::vector<Case> cases = {
      {"0::/system.slice/chronyd.service\n", "chronyd.service"},
      {"0::/user.slice/user-1000.slice/session-3.scope\n", "session-3.scope"},
      {"0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-foo.scope\n",
       "app-foo.scope"},
      {"0::/system.slice/docker.service/payload\n", "docker.service"},
      {"0::/init.scope\n", "init.scope"},
      {"0::/\n", ""},
      {"0::/machine.slice\n", ""},
      {"12:cpu,cpuacct:/system.slice/ntp.service\n1:name=systemd:/system.slice/ntp.service\n",
       "ntp.service"},
      {"1:name=systemd:/system.slice/ntp.service\n0::/\n", "ntp.service"},
      {"1:name=systemd:/a.service\n0::/system.slice/b.service\n", "b.service"},
      {"0::/system.slice/odd:name.service", "odd:name.service"},
      {"", ""},
      {"garbage\n", ""},
      {"0:/system.slice/x.service\n", ""},
      {"0::/system.slice/.service.d\n", ""},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    CHECK(systemd_unit_from_cgroup(c.file) == c.unit);
  }
}

TEST_CASE("stat: parent pid after the comm", "[process]") {
  CHECK(parent_pid_from_stat("4242 (date) R 4200 4242 4200 34816 0") == 4200);
  CHECK(parent_pid_from_stat("4242 (my (odd) name) S 17 1 1") == 17);
  CHECK(parent_pid_from_stat("1 (systemd) S 0 1 1 0 -1") == 0);
  CHECK(parent_pid_from_stat("4242 (a) b) S 99 1") == 99);
  CHECK(parent_pid_from_stat("4242 (date) R 4200") == 4200);
  CHECK_FALSE(parent_pid_from_stat(""));
  CHECK_FALSE(parent_pid_from_stat("4242 (date)"));
  CHECK_FALSE(parent_pid_from_stat("4242 (date) R"));
  CHECK_FALSE(parent_pid_from_stat("4242 (date) R x"));
  CHECK_FALSE(parent_pid_from_stat("4242 (date) R 42x 1"));
  CHECK_FALSE(parent_pid_from_stat("4242 (date) RR 4200 1"));
  CHECK_FALSE(parent_pid_from_stat("4242 date R 4200 1"));
}

TEST_CASE("process context: live process and parent", "[process]") {
  FakeProc proc;
  proc.add_date_and_bash();
  ProcessInfo process = date_process();
  add_process_context(process, proc.root());
  CHECK(process.parent_exe == "/usr/bin/bash");
  CHECK(process.parent_cmdline == "-bash --login");
  CHECK(process.systemd_unit == "session-3.scope");
}

TEST_CASE("process context: reused pid adds nothing", "[process]") {
  FakeProc proc;
  proc.add_date_and_bash();
  proc.write(4242, "comm", "nginx\n");  // pid 4242 now belongs to another program
  ProcessInfo process = date_process();
  add_process_context(process, proc.root());
  CHECK(process.parent_exe.empty());
  CHECK(process.parent_cmdline.empty());
  CHECK(process.systemd_unit.empty());
}

TEST_CASE("process context: exited process uses parent", "[process]") {
  FakeProc proc;
  proc.add_date_and_bash();
  std::filesystem::remove_all(proc.root() + "/4242");
  proc.write(4200, "cgroup", "0::/system.slice/cron.service\n");
  ProcessInfo process = date_process();
  add_process_context(process, proc.root());
  CHECK(process.parent_exe == "/usr/bin/bash");
  CHECK(process.parent_cmdline == "-bash --login");
  CHECK(process.systemd_unit == "cron.service");
}

TEST_CASE("process context: reparented process keeps its unit", "[process]") {
  FakeProc proc;
  proc.add_date_and_bash(1);  // bash exited and date was reparented to init
  ProcessInfo process = date_process();
  add_process_context(process, proc.root());
  CHECK(process.systemd_unit == "session-3.scope");
  CHECK(process.parent_exe.empty());
  CHECK(process.parent_cmdline.empty());
}

TEST_CASE("process context: both gone or no pid", "[process]") {
  FakeProc proc;
  ProcessInfo process = date_process();
  add_process_context(process, proc.root());
  CHECK(process.parent_exe.empty());
  CHECK(process.systemd_unit.empty());

  ProcessInfo unknown;
  add_process_context(unknown, proc.root());
  CHECK(unknown.parent_exe.empty());
}

TEST_CASE("process context: oversized cmdline is cut", "[process]") {
  FakeProc proc;
  proc.add_date_and_bash();
  proc.write(4200, "cmdline", std::string(100'000, 'a'));
  ProcessInfo process = date_process();
  add_process_context(process, proc.root());
  CHECK(process.parent_cmdline.size() == 16 * 1024);
}

TEST_CASE("process context: this test process in real /proc", "[process]") {
  std::ifstream comm_file("/proc/self/comm");
  std::string comm;
  std::getline(comm_file, comm);
  ProcessInfo process;
  process.pid = ::getpid();
  process.ppid = ::getppid();
  process.comm = comm;
  add_process_context(process);
  CHECK_FALSE(process.parent_exe.empty());
  CHECK_FALSE(process.parent_cmdline.empty());
}
