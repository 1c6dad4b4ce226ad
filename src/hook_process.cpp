#include "hook_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace timeguard {
namespace {

// auditd starts plugins with an empty environment, so hooks get this fixed one instead of
// whatever the plugin happens to have.
constexpr const char* hook_environment[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", nullptr};

// Descriptor numbers inside the child. Everything from first_closed_fd up is closed.
constexpr int program_fd = 3;
constexpr int exec_error_fd = 4;
constexpr int first_closed_fd = 5;
constexpr int parking_fd_floor = 100;

struct ChildFds {
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  int program_fd;
  int exec_error_fd;
  bool program_is_script;
};

[[noreturn]] void report_exec_error_and_exit(int error_fd, int error) {
  const ssize_t ignored = ::write(error_fd, &error, sizeof error);
  (void)ignored;
  ::_exit(127);
}

// Runs in the forked child, so it calls only async-signal-safe functions.
[[noreturn]] void exec_child(const ChildFds& fds, char* const argv[]) {
  ::setpgid(0, 0);

  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) ::sigaction(signal, &default_action, nullptr);

  // Park every descriptor above the target numbers first, so no dup2 below overwrites one
  // that is still needed.
  const int parked[5] = {
      ::fcntl(fds.stdin_fd, F_DUPFD_CLOEXEC, parking_fd_floor),
      ::fcntl(fds.stdout_fd, F_DUPFD_CLOEXEC, parking_fd_floor),
      ::fcntl(fds.stderr_fd, F_DUPFD_CLOEXEC, parking_fd_floor),
      ::fcntl(fds.program_fd, F_DUPFD_CLOEXEC, parking_fd_floor),
      ::fcntl(fds.exec_error_fd, F_DUPFD_CLOEXEC, parking_fd_floor)};
  for (int fd : parked) {
    if (fd < 0) ::_exit(127);
  }

  // A script's interpreter opens /dev/fd/3, so only then may the program descriptor survive
  // execve.
  if (::dup3(parked[4], exec_error_fd, O_CLOEXEC) < 0) ::_exit(127);
  if (::dup2(parked[0], STDIN_FILENO) < 0 || ::dup2(parked[1], STDOUT_FILENO) < 0 ||
      ::dup2(parked[2], STDERR_FILENO) < 0 ||
      ::dup3(parked[3], program_fd, fds.program_is_script ? 0 : O_CLOEXEC) < 0) {
    report_exec_error_and_exit(exec_error_fd, errno);
  }
  ::close_range(first_closed_fd, ~0U, 0);

  ::fexecve(program_fd, argv, const_cast<char* const*>(hook_environment));
  report_exec_error_and_exit(exec_error_fd, errno);
}

// Waits until the child has exec'd (the CLOEXEC pipe closes: 0 bytes) or failed (an errno).
std::optional<int> read_exec_error(int fd) {
  int error = 0;
  ssize_t got = 0;
  do {
    got = ::read(fd, &error, sizeof error);
  } while (got < 0 && errno == EINTR);
  if (got == sizeof error) return error;
  return std::nullopt;
}

Status make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(std::string("pipe2 failed: ") + std::strerror(errno));
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return ok_status();
}

}  // namespace

HookProcess::HookProcess(pid_t pid, UniqueFd pidfd, UniqueFd stdout_pipe, UniqueFd stderr_pipe,
                         std::size_t output_limit_bytes)
    : pid_(pid),
      pidfd_(std::move(pidfd)),
      stdout_pipe_(std::move(stdout_pipe)),
      stderr_pipe_(std::move(stderr_pipe)),
      stdout_(output_limit_bytes),
      stderr_(output_limit_bytes) {}

HookProcess::HookProcess(HookProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      pidfd_(std::move(other.pidfd_)),
      stdout_pipe_(std::move(other.stdout_pipe_)),
      stderr_pipe_(std::move(other.stderr_pipe_)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)) {}

HookProcess::~HookProcess() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

Result<HookProcess> HookProcess::spawn(const CheckedExecutable& program,
                                       const std::vector<std::string>& argv,
                                       std::size_t output_limit_bytes) {
  if (argv.empty()) return fail("hook argv is empty");
  std::vector<char*> argv_pointers;
  for (const std::string& element : argv) argv_pointers.push_back(const_cast<char*>(element.c_str()));
  argv_pointers.push_back(nullptr);

  UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd.valid()) return fail(std::string("cannot open /dev/null: ") + std::strerror(errno));
  UniqueFd out_read, out_write, err_read, err_write, error_read, error_write;
  for (Status status : {make_pipe(out_read, out_write), make_pipe(err_read, err_write),
                        make_pipe(error_read, error_write)}) {
    if (!status) return status.error();
  }

  const ChildFds child_fds{null_fd.get(), out_write.get(), err_write.get(), program.fd.get(),
                           error_write.get(), program.is_script};
  const pid_t pid = ::fork();
  if (pid < 0) return fail(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) exec_child(child_fds, argv_pointers.data());

  out_write.reset();
  err_write.reset();
  error_write.reset();
  const std::optional<int> exec_error = read_exec_error(error_read.get());
  if (exec_error) {
    ::waitpid(pid, nullptr, 0);
    return fail("cannot execute " + program.path + ": " + std::strerror(*exec_error));
  }

  // glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot link its wrapper.
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.valid()) {
    // Without a pidfd the exit cannot be polled; stop the process rather than lose track of it.
    const int error = errno;
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return fail(std::string("pidfd_open failed: ") + std::strerror(error));
  }
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);
  return HookProcess(pid, std::move(pidfd), std::move(out_read), std::move(err_read),
                     output_limit_bytes);
}

std::vector<int> HookProcess::poll_fds() const {
  std::vector<int> fds;
  for (const UniqueFd* fd : {&pidfd_, &stdout_pipe_, &stderr_pipe_}) {
    if (fd->valid()) fds.push_back(fd->get());
  }
  return fds;
}

void HookProcess::read_output() {
  char buffer[4096];
  for (auto [pipe, output] : {std::pair{&stdout_pipe_, &stdout_}, std::pair{&stderr_pipe_, &stderr_}}) {
    while (pipe->valid()) {
      const ssize_t got = ::read(pipe->get(), buffer, sizeof buffer);
      if (got > 0) {
        output->append(std::string_view(buffer, static_cast<std::size_t>(got)));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        pipe->reset();
      } else if (errno == EAGAIN) {
        break;
      }
    }
  }
}

std::optional<ProcessExit> HookProcess::try_reap() {
  if (reaped_) return std::nullopt;
  siginfo_t info {};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG) != 0) {
    // ECHILD: another part of the program reaped it, or SIGCHLD is ignored. Report it as gone.
    reaped_ = true;
    pidfd_.reset();
    return ProcessExit{std::nullopt, std::nullopt};
  }
  if (info.si_pid == 0) return std::nullopt;

  reaped_ = true;
  pidfd_.reset();
  if (info.si_code == CLD_EXITED) return ProcessExit{info.si_status, std::nullopt};
  return ProcessExit{std::nullopt, info.si_status};
}

void HookProcess::signal_group(int signal) const {
  if (!reaped_) ::kill(-pid_, signal);
}

}  // namespace timeguard
