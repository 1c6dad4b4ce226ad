# Runs a private auditd for one test script and restores the kernel audit state afterwards.
# Source this file from bash. It defines functions and HARNESS_* variables and runs nothing.
#
# Usage:
#   source "$SOURCE_DIR/tests/integration/lib/auditd_harness.sh"
#   harness_init "$BUILD_DIR" "$SOURCE_DIR"  # exits 77 if this host cannot run the test
#   harness_enable_plugin                    # optional: run BUILD_DIR/audisp-timeguard
#   harness_start                            # starts auditd, loads rules/timeguard.rules
#   ... generate events, read "$HARNESS_LOG" or "$HARNESS_JSON" ...
#   (the EXIT trap stops auditd, deletes the rules and restores the kernel settings)
#
# Settings to change before harness_start:
#   HARNESS_LOG_FORMAT     RAW (default) or ENRICHED; the log_format of auditd.conf(5).
#   HARNESS_RULE_KEYS      keys whose rules the cleanup deletes; harness_load_rules adds to it.
#   HARNESS_BACKLOG_LIMIT  kernel backlog limit to set while the test runs; empty keeps the
#                          current value. The cleanup restores the value it found.
#   HARNESS_PLUGIN_ARGS    args line of the plugin conf (auditd passes at most 2 arguments);
#                          the default is the test config HARNESS_YAML.
#
# The functions work with and without `set -euo pipefail` in the calling script.
#
# Safety contract: one auditd at a time holds the kernel audit socket, so every user of this
# harness serializes on /tmp/timeguard-auditd.lock. The harness never changes the failure
# mode, never touches an auditd it did not start, stops its own auditd by pid, deletes only
# rules that carry a key from HARNESS_RULE_KEYS, and puts back the enabled flag it found.

readonly HARNESS_LOCK_FILE=/tmp/timeguard-auditd.lock
readonly HARNESS_LOCK_WAIT_SECONDS=900
readonly HARNESS_READY_WAIT_SECONDS=20

HARNESS_LOG_FORMAT=${HARNESS_LOG_FORMAT:-RAW}
HARNESS_RULE_KEYS=(timeguard)
HARNESS_BACKLOG_LIMIT=${HARNESS_BACKLOG_LIMIT:-}
HARNESS_PLUGIN=no
HARNESS_AUDITD_PID=
HARNESS_ORIGINAL_ENABLED=
HARNESS_ORIGINAL_BACKLOG_LIMIT=
HARNESS_CLEANUP_COMMANDS=()

# Print a message on stderr, prefixed with the harness name.
harness_log() {
  echo "auditd_harness: $*" >&2
}

# Exit 77 so that ctest reports the test as skipped, with the reason on stderr.
harness_skip() {
  harness_log "SKIP: $*"
  exit 77
}

# Print one numeric field ("enabled", "backlog_limit", "pid", ...) of `auditctl -s`.
harness_status_field() {
  auditctl -s | awk -v field="$1" '$1 == field { print $2 }'
}

# Check that this host can run a private auditd, take the lock and set the HARNESS_* paths.
# Exits 77 when not root, when the kernel has no audit support, when the rules are locked
# (enabled 2), or when another auditd runs.
harness_init() {
  HARNESS_BUILD_DIR=$(cd "$1" && pwd)
  HARNESS_SOURCE_DIR=$(cd "$2" && pwd)

  [[ $(id -u) -eq 0 ]] || harness_skip "needs root to run auditd and load audit rules"
  command -v auditd >/dev/null || harness_skip "auditd is not installed (Debian package auditd)"
  auditctl -s >/dev/null 2>&1 || harness_skip "auditctl -s failed: the kernel has no audit support here"

  exec {HARNESS_LOCK_FD}>"$HARNESS_LOCK_FILE"
  flock -w "$HARNESS_LOCK_WAIT_SECONDS" "$HARNESS_LOCK_FD" ||
    harness_skip "timed out after ${HARNESS_LOCK_WAIT_SECONDS} s waiting for $HARNESS_LOCK_FILE"

  local running
  running=$(pgrep -x auditd | tr '\n' ' ' || true)
  [[ -z $running ]] || harness_skip "another auditd runs (pid $running); the test leaves it alone"
  local socket_pid
  socket_pid=$(harness_status_field pid)
  [[ $socket_pid == 0 ]] ||
    harness_skip "process $socket_pid holds the kernel audit socket; the test leaves it alone"

  HARNESS_ORIGINAL_ENABLED=$(harness_status_field enabled)
  [[ $HARNESS_ORIGINAL_ENABLED != 2 ]] ||
    harness_skip "audit rules are locked (enabled 2) until reboot"
  HARNESS_ORIGINAL_BACKLOG_LIMIT=$(harness_status_field backlog_limit)

  HARNESS_DIR=$(mktemp -d /tmp/timeguard-auditd.XXXXXX)
  HARNESS_CONF_DIR=$HARNESS_DIR/etc
  HARNESS_LOG=$HARNESS_DIR/log/audit.log
  HARNESS_JSON=$HARNESS_DIR/timeguard.json
  HARNESS_YAML=$HARNESS_DIR/timeguard.yaml
  HARNESS_PLUGIN_ARGS=${HARNESS_PLUGIN_ARGS:-$HARNESS_YAML}
  mkdir -p "$HARNESS_CONF_DIR/plugins.d" "$HARNESS_DIR/log"
  trap harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Run BUILD_DIR/audisp-timeguard as an auditd plugin with the config HARNESS_YAML, which
# sends its JSON lines to HARNESS_JSON. The caller may rewrite HARNESS_YAML before
# harness_start.
harness_enable_plugin() {
  local plugin=$HARNESS_BUILD_DIR/audisp-timeguard
  [[ -x $plugin ]] || { harness_log "plugin $plugin not found: build it first"; return 1; }
  HARNESS_PLUGIN=yes
  cat >"$HARNESS_YAML" <<EOF
output:
  json_file: $HARNESS_JSON
log:
  level: debug
EOF
}

# Register a command that the cleanup runs before it stops auditd.
harness_add_cleanup() {
  HARNESS_CLEANUP_COMMANDS+=("$1")
}

# Write auditd.conf and the plugin conf into HARNESS_CONF_DIR. The disk actions are all
# "syslog" so that a full /tmp never suspends auditd or halts the machine.
harness_write_config() {
  cat >"$HARNESS_CONF_DIR/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $HARNESS_LOG
log_group = root
log_format = $HARNESS_LOG_FORMAT
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 0
max_log_file_action = ignore
space_left = 2
space_left_action = syslog
admin_space_left = 1
admin_space_left_action = syslog
disk_full_action = syslog
disk_error_action = syslog
name_format = none
q_depth = 8000
overflow_action = syslog
max_restarts = 0
plugin_dir = $HARNESS_CONF_DIR/plugins.d
end_of_event_timeout = 2
EOF
  chmod 0600 "$HARNESS_CONF_DIR/auditd.conf"
  [[ $HARNESS_PLUGIN == yes ]] || return 0

  cat >"$HARNESS_CONF_DIR/plugins.d/timeguard.conf" <<EOF
active = yes
direction = out
path = $HARNESS_BUILD_DIR/audisp-timeguard
type = always
args = $HARNESS_PLUGIN_ARGS
format = string
EOF
  chmod 0600 "$HARNESS_CONF_DIR/plugins.d/timeguard.conf"
}

# Start auditd with the private config and wait until the kernel reports it as the audit
# daemon and, with the plugin enabled, until the plugin runs. Then load rules/timeguard.rules.
harness_start() {
  harness_write_config
  if [[ -n $HARNESS_BACKLOG_LIMIT ]]; then
    auditctl -b "$HARNESS_BACKLOG_LIMIT" >/dev/null
  fi

  # -n keeps auditd in the foreground of this shell so that $! is its pid (-f would send the
  # events to stderr in place of log_file). The lock descriptor is closed for auditd so that
  # a stray auditd cannot hold the lock.
  auditd -n -c "$HARNESS_CONF_DIR" -s enable 2>"$HARNESS_DIR/auditd.stderr" {HARNESS_LOCK_FD}>&- &
  HARNESS_AUDITD_PID=$!
  harness_wait_ready || return 1

  harness_load_rules "$HARNESS_SOURCE_DIR/rules/timeguard.rules" timeguard
}

# Wait up to HARNESS_READY_WAIT_SECONDS for auditd to register as the audit daemon.
harness_wait_ready() {
  local deadline=$((SECONDS + HARNESS_READY_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$HARNESS_AUDITD_PID" 2>/dev/null; then
      harness_log "auditd pid $HARNESS_AUDITD_PID exited during start-up;" \
        "run 'auditd -f -c $HARNESS_CONF_DIR' with HARNESS_KEEP_DIR=1 to see why"
      HARNESS_AUDITD_PID=
      return 1
    fi
    if [[ $(harness_status_field pid) == "$HARNESS_AUDITD_PID" ]] && harness_plugin_ready; then
      return 0
    fi
    sleep 0.2
  done
  harness_log "auditd pid $HARNESS_AUDITD_PID not ready after ${HARNESS_READY_WAIT_SECONDS} s"
  return 1
}

# Succeed when the plugin is disabled or auditd has started it as a child process.
harness_plugin_ready() {
  [[ $HARNESS_PLUGIN == yes ]] || return 0
  pgrep -P "$HARNESS_AUDITD_PID" -f "$HARNESS_BUILD_DIR/audisp-timeguard" >/dev/null
}

# Load a rules file with auditctl -R. KEY is the key its rules carry, which the cleanup deletes.
harness_load_rules() {
  local file=$1 key=$2
  [[ " ${HARNESS_RULE_KEYS[*]} " == *" $key "* ]] || HARNESS_RULE_KEYS+=("$key")
  auditctl -R "$file" >"$HARNESS_DIR/auditctl-load.out" 2>&1 || {
    harness_log "auditctl -R $file failed: $(cat "$HARNESS_DIR/auditctl-load.out")"
    return 1
  }
}

# Print the pid of the plugin process that auditd started, or nothing.
harness_plugin_pid() {
  [[ -n $HARNESS_AUDITD_PID ]] || return 0
  pgrep -P "$HARNESS_AUDITD_PID" -f "$HARNESS_BUILD_DIR/audisp-timeguard" | head -n 1
}

# Wait up to SECONDS for a file to contain a line matching an extended regular expression.
harness_wait_for_line() {
  local file=$1 pattern=$2 seconds=$3
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# Stop the auditd this harness started: SIGTERM, then SIGKILL after 10 s. auditd forwards
# SIGTERM to its plugins and flushes the log before it exits.
harness_stop_auditd() {
  [[ -n $HARNESS_AUDITD_PID ]] || return 0
  kill -TERM "$HARNESS_AUDITD_PID" 2>/dev/null
  local deadline=$((SECONDS + 10))
  while kill -0 "$HARNESS_AUDITD_PID" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$HARNESS_AUDITD_PID" 2>/dev/null; then
    harness_log "auditd pid $HARNESS_AUDITD_PID still runs 10 s after SIGTERM; sending SIGKILL"
    kill -KILL "$HARNESS_AUDITD_PID" 2>/dev/null
  fi
  wait "$HARNESS_AUDITD_PID" 2>/dev/null
  HARNESS_AUDITD_PID=
}

# EXIT trap: run registered cleanups, delete this test's rules by key, stop auditd and put
# back the enabled flag and backlog limit. Keeps the script's exit status.
harness_cleanup() {
  local status=$?
  trap - EXIT
  set +e  # every cleanup step must run even when an earlier one fails
  local command key
  for command in "${HARNESS_CLEANUP_COMMANDS[@]}"; do
    eval "$command" || harness_log "cleanup command failed: $command"
  done
  for key in "${HARNESS_RULE_KEYS[@]}"; do
    auditctl -D -k "$key" >/dev/null 2>&1
  done
  harness_stop_auditd
  harness_restore_kernel_settings
  if [[ -n ${HARNESS_KEEP_DIR:-} ]]; then
    harness_log "kept $HARNESS_DIR"
  elif [[ -n ${HARNESS_DIR:-} ]]; then
    rm -rf "$HARNESS_DIR"
  fi
  exit "$status"
}

# Put back the enabled flag and the backlog limit that harness_init found.
harness_restore_kernel_settings() {
  [[ -n $HARNESS_ORIGINAL_ENABLED ]] || return 0
  if [[ $(harness_status_field enabled) != "$HARNESS_ORIGINAL_ENABLED" ]]; then
    auditctl -e "$HARNESS_ORIGINAL_ENABLED" >/dev/null ||
      harness_log "could not restore the audit enabled flag to $HARNESS_ORIGINAL_ENABLED"
  fi
  if [[ $(harness_status_field backlog_limit) != "$HARNESS_ORIGINAL_BACKLOG_LIMIT" ]]; then
    auditctl -b "$HARNESS_ORIGINAL_BACKLOG_LIMIT" >/dev/null ||
      harness_log "could not restore the backlog limit to $HARNESS_ORIGINAL_BACKLOG_LIMIT"
  fi
}
