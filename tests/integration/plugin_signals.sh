#!/bin/bash
# The plugin's signal handling, as auditd drives it. SIGHUP reloads the configuration, and a
# bad file is rejected with its line named while the running one stays. SIGTERM flushes an
# event that never got its EOE and exits 0, and so does EOF. auditd starts plugins with every
# signal blocked and an empty environment, so the plugin runs that way here too.
# Usage: bash plugin_signals.sh BUILD_DIR SOURCE_DIR
set -uo pipefail

build_dir=$1
plugin=$build_dir/audisp-timeguard
[[ -x $plugin ]] || { echo "FAIL: $plugin not found: build the audisp-timeguard target" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to start the plugin with signals blocked"; exit 77; }

work=$(mktemp -d /tmp/timeguard-signals.XXXXXX)
plugin_pid=
cleanup() {
  [[ -n $plugin_pid ]] && kill -KILL "$plugin_pid" 2>/dev/null
  exec 3>&- 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
expect() {
  local description=$1
  shift
  if "$@"; then
    echo "PASS: $description"
  else
    echo "FAIL: $description"
    failures=$((failures + 1))
  fi
}

# One clock_settime step of -2 s, serial SERIAL, with or without its EOE record.
step_event() {
  local serial=$1 with_eoe=$2
  echo "type=SYSCALL msg=audit(1733341370.123:$serial): arch=c000003e syscall=227 success=yes exit=0 a0=0 a1=1 a2=0 a3=0 items=0 ppid=1 pid=4242 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"date\" exe=\"/usr/bin/date\" key=\"timeguard\""
  echo "type=TIME_INJOFFSET msg=audit(1733341370.123:$serial): sec=-2 nsec=0"
  [[ $with_eoe == yes ]] && echo "type=EOE msg=audit(1733341370.123:$serial): "
}

# Wait up to 5 s for PATTERN in FILE.
wait_for() {
  local pattern=$1 file=$2
  for _ in $(seq 50); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

cat >"$work/tg.yaml" <<YAML
log: {level: info}
network: {enabled: false}
clock_jump: {enabled: false}
assembly: {max_event_age_ms: 600000}
YAML
mkfifo "$work/input"

# Start like auditd does: empty environment, all signals blocked (python sets the mask, then
# execs the plugin, which inherits it).
python3 - "$plugin" "$work" <<'PY' &
import os, signal, sys
plugin, work = sys.argv[1], sys.argv[2]
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))
fd_in = os.open(f"{work}/input", os.O_RDONLY)
os.dup2(fd_in, 0)
err = os.open(f"{work}/stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(err, 2)
os.execve(plugin, [plugin, f"{work}/tg.yaml", "--json", f"{work}/events.jsonl"], {})
PY
plugin_pid=$!
exec 3>"$work/input"

step_event 10 yes >&3
expect "an event with EOE is reported at once" wait_for '"serial":10' "$work/events.jsonl"

# A bad file on SIGHUP is rejected with its line and key, and the plugin keeps running.
printf 'log:\n  level: loud\n' >"$work/tg.yaml"
kill -HUP "$plugin_pid"
expect "bad reload is rejected naming line and key" \
  wait_for "configuration reload rejected, keeping the running configuration: $work/tg.yaml:2: log.level: invalid value 'loud'" "$work/stderr"
step_event 11 yes >&3
expect "events are still reported after a rejected reload" wait_for '"serial":11' "$work/events.jsonl"

# A good file is taken.
printf 'log: {level: debug}\nnetwork: {enabled: false}\nclock_jump: {enabled: false}\nassembly: {max_event_age_ms: 600000}\n' >"$work/tg.yaml"
kill -HUP "$plugin_pid"
expect "good reload is taken" wait_for "configuration reloaded from $work/tg.yaml" "$work/stderr"

# An event without EOE stays open (the age is 10 min); SIGTERM must flush it and exit 0.
step_event 12 no >&3
sleep 0.5
expect "an event without EOE is still open" bash -c "! grep -q '\"serial\":12' '$work/events.jsonl'"
kill -TERM "$plugin_pid"
wait "$plugin_pid"
status=$?
plugin_pid=
expect "SIGTERM exits 0 (got $status)" test "$status" -eq 0
expect "SIGTERM flushes the open event" grep -q '"serial":12' "$work/events.jsonl"
expect "the flushed event is a step of -2 s" grep -q '"delta_ns":-2000000000' "$work/events.jsonl"

# EOF: the same flush, exit 0.
printf '%s\n' "$(step_event 13 no)" | "$plugin" "$work/tg.yaml" --json "$work/eof.jsonl" 2>"$work/eof.stderr"
status=$?
expect "EOF exits 0 (got $status)" test "$status" -eq 0
expect "EOF flushes the open event" grep -q '"serial":13' "$work/eof.jsonl"

if ((failures > 0)); then
  echo "--- plugin stderr"; cat "$work/stderr"
  exit 1
fi
echo "all checks passed"
