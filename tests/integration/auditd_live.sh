#!/bin/bash
# Live test: a private auditd runs the built plugin, clock_poke makes real net-zero clock
# syscalls, and the plugin's JSON output must report each one with the right type, syscall,
# process and step size. clock_poke then runs again as the user nobody, and the plugin must
# report the two rejected setters as denied.
# Usage: bash auditd_live.sh BUILD_DIR SOURCE_DIR. Exits 77 when it cannot run here.
set -uo pipefail

source "$2/tests/integration/lib/auditd_harness.sh"
harness_init "$1" "$2"

poke=$HARNESS_BUILD_DIR/tests/clock_poke
[[ -x $poke ]] || { echo "FAIL: $poke not found: build the clock_poke target" >&2; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq not found: run scripts/install-deps.sh" >&2; exit 1; }
harness_enable_plugin || { echo "FAIL: the plugin is not built" >&2; exit 1; }
harness_start || { echo "FAIL: auditd did not start or rejected the rules" >&2; exit 1; }

failures=0

# Print PASS or FAIL for one jq condition on the JSON array in $events.
check() {
  local description=$1 condition=$2
  if jq -e "$condition" <<<"$events" >/dev/null; then
    echo "PASS: $description"
  else
    echo "FAIL: $description"
    failures=$((failures + 1))
  fi
}

# Run a clock_poke binary (optionally through a command prefix such as setpriv) and print
# its pid.
run_poke() {
  local output
  output=$("$@")
  echo "$output" >&2
  sed -n 's/^clock_poke pid=\([0-9]*\)$/\1/p' <<<"$output"
}

# Wait up to 15 s for COUNT objects with PID in the plugin's output, then print them as one
# JSON array sorted by serial.
collect_events() {
  local pid=$1 count=$2
  local deadline=$((SECONDS + 15))
  local found
  while ((SECONDS < deadline)); do
    found=$(grep -cE "\"pid\": ?$pid[,} ]" "$HARNESS_JSON" 2>/dev/null)
    ((${found:-0} >= count)) && break
    sleep 0.2
  done
  [[ -s $HARNESS_JSON ]] || { echo '[]'; return; }
  jq -s --argjson pid "$pid" '[.[] | select(.pid == $pid)] | sort_by(.serial)' "$HARNESS_JSON"
}

# Root run: four events, three steps and one read.
root_pid=$(run_poke "$poke")
events=$(collect_events "$root_pid" 4)
echo "plugin output for pid $root_pid:"
jq -c '.[]' <<<"$events"

check "4 events for clock_poke pid $root_pid" 'length == 4'
check "types are step, step, step, read" 'map(.type) == ["step", "step", "step", "read"]'
# glibc 2.36 issues adjtimex() as clock_adjtime(CLOCK_REALTIME, ...).
check "syscalls are clock_settime, then clock_adjtime 3 times" \
  'map(.syscall) == ["clock_settime", "clock_adjtime", "clock_adjtime", "clock_adjtime"]'
# Setting the clock to the time just read steps it back by the time between the read and the
# set. That is a few µs on an idle host, and the 1 ms bound leaves room for a loaded one.
check "clock_settime to now steps back by less than 1 ms" \
  '.[0].delta_ns < 0 and .[0].delta_ns > -1000000'
check "ADJ_SETOFFSET +1 us is delta_ns 1000" '.[1].delta_ns == 1000'
check "ADJ_SETOFFSET -1 us is delta_ns -1000" '.[2].delta_ns == -1000'
check "the read has no delta_ns" '.[3].delta_ns == null'
check "all succeeded" 'all(.[]; .success == true)'
check "pid is clock_poke's in every event" "all(.[]; .pid == $root_pid)"
check "comm is clock_poke" 'all(.[]; .comm == "clock_poke")'
check "exe is $poke" "all(.[]; .exe == \"$(realpath "$poke")\")"
check "uid is 0" 'all(.[]; .uid == 0)'
check "key is timeguard" 'all(.[]; .key == "timeguard")'
check "arch is $(uname -m)" "all(.[]; .arch == \"$(uname -m)\")"
check "time is ISO 8601 UTC" 'all(.[]; .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$"))'

# Run as nobody: clock_settime and clock_adjtime fail with EPERM, so clock_poke skips the
# -1 µs step and only the read succeeds. The user nobody runs a copy from a world-readable
# directory.
run_dir=$(mktemp -d /tmp/timeguard-poke.XXXXXX)
harness_add_cleanup "rm -rf '$run_dir'"
chmod 0755 "$run_dir"
install -m 0755 "$poke" "$run_dir/clock_poke"
nobody_pid=$(run_poke setpriv --reuid=nobody --regid=nogroup --clear-groups "$run_dir/clock_poke")
events=$(collect_events "$nobody_pid" 3)
echo "plugin output for pid $nobody_pid:"
jq -c '.[]' <<<"$events"

check "3 events for clock_poke as nobody" 'length == 3'
check "types are denied, denied, read" 'map(.type) == ["denied", "denied", "read"]'
check "denied events have success false" '.[0].success == false and .[1].success == false'
check "uid is 65534" 'all(.[]; .uid == 65534)'

if ((failures > 0)); then
  echo "$failures checks failed; plugin output: $HARNESS_JSON (set HARNESS_KEEP_DIR=1 to keep it)"
  exit 1
fi
echo "all checks passed"
