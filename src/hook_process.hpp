#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "hook_file_safety.hpp"
#include "hook_output.hpp"
#include "result.hpp"
#include "unique_fd.hpp"

namespace timeguard {

// Exit status or terminating signal of a hook process. Neither is set when another part of
// the program reaped the process first.
struct ProcessExit {
  std::optional<int> exit_status;
  std::optional<int> signal;
};

// One running hook process, started without a shell: fexecve of an already checked file, a
// fixed environment (PATH=/usr/sbin:/usr/bin:/sbin:/bin, LANG=C), stdin on /dev/null, stdout
// and stderr on pipes, every other descriptor closed, default signal dispositions and an empty
// signal mask, and its own process group (pgid = pid) so that a timeout reaches its children.
//
// Nothing here blocks except spawn(), which waits until the child has called execve.
// The owner must not ignore SIGCHLD or reap children with wait(-1), because the exit status
// is collected with waitid on this pid.
class HookProcess {
 public:
  static Result<HookProcess> spawn(const CheckedExecutable& program,
                                   const std::vector<std::string>& argv,
                                   std::size_t output_limit_bytes);

  HookProcess(HookProcess&& other) noexcept;
  HookProcess& operator=(HookProcess&&) = delete;
  HookProcess(const HookProcess&) = delete;
  HookProcess& operator=(const HookProcess&) = delete;

  // Kills the process group with SIGKILL and reaps the process if it still runs, so that
  // destroying a runner never leaves a hook behind.
  ~HookProcess();

  pid_t pid() const { return pid_; }

  // Descriptors to poll for POLLIN: the pidfd (readable when the process exits) and the
  // output pipes that are still open.
  std::vector<int> poll_fds() const;

  // Reads whatever output is available without blocking; closes a pipe at EOF.
  void read_output();

  // Returns how the process ended and reaps it, or nullopt while it runs.
  std::optional<ProcessExit> try_reap();

  // Sends `signal` to the whole process group. Valid until try_reap() has returned a value,
  // because the unreaped leader keeps the group id from being reused.
  void signal_group(int signal) const;

  const BoundedOutput& stdout_output() const { return stdout_; }
  const BoundedOutput& stderr_output() const { return stderr_; }

 private:
  HookProcess(pid_t pid, UniqueFd pidfd, UniqueFd stdout_pipe, UniqueFd stderr_pipe,
              std::size_t output_limit_bytes);

  pid_t pid_ = -1;
  bool reaped_ = false;
  UniqueFd pidfd_;
  UniqueFd stdout_pipe_;
  UniqueFd stderr_pipe_;
  BoundedOutput stdout_;
  BoundedOutput stderr_;
};

}  // namespace timeguard
