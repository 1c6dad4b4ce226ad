# shellcheck shell=bash
# Runs the built audisp-timeguard inside the namespace lab's client namespace, so it finds only
# the lab's addresses and dhclient. Source after netns_lab.sh and call after lab_start.
#
#   plugin_start BUILD_DIR CONFIG NAME   # starts the plugin fed from a FIFO; sets PLUGIN_PID,
#                                        # PLUGIN_JSON (its --json file), PLUGIN_LOG (its stderr)
#   plugin_feed TEXT                     # writes audit records and a newline to the plugin's stdin
#   plugin_stop                          # ends stdin; fails unless the plugin exits 0 within 5 s
#   plugin_step_records STAMP SERIAL DELTA_S   # prints a clock_settime step by "date"
#   plugin_wait_json JQ_CONDITION SECONDS      # waits for a JSON object, prints the first match
#   plugin_wait_log REGEX SECONDS              # waits for a stderr line, prints it
#   plugin_valid_lft / plugin_lease_renew      # the lab address's valid_lft, the lease's renew time
#
# With --json on the command line the plugin logs to stderr instead of syslog, one line per
# message: "audisp-timeguard: LEVEL: MESSAGE".

# Starts the plugin in the client namespace with CONFIG. Its stdin is a FIFO whose write end
# a sleep process keeps open, so the plugin keeps running for timer and netlink checks until
# plugin_stop. This shell opens the FIFO only for each write: a descriptor it kept open would
# be inherited by every process it starts later (dhclient), and the plugin would never see EOF.
plugin_start() {
  local build_dir=$1 config=$2 name=$3
  local plugin="$build_dir/audisp-timeguard"
  [ -x "$plugin" ] || lab_fail "$plugin not built"

  PLUGIN_JSON="$LAB_DIR/$name.jsonl"
  PLUGIN_LOG="$LAB_DIR/$name.log"
  PLUGIN_FIFO="$LAB_DIR/$name.in"
  rm -f "$PLUGIN_FIFO"
  mkfifo "$PLUGIN_FIFO" || lab_fail "mkfifo $PLUGIN_FIFO failed"

  # Each job's open of the FIFO blocks until the other end is opened; then ip netns exec
  # execs the plugin, so $! is the plugin's pid.
  ip netns exec "$LAB_CLIENT_NS" "$plugin" "$config" --json "$PLUGIN_JSON" \
    <"$PLUGIN_FIFO" >"$LAB_DIR/$name.out" 2>"$PLUGIN_LOG" &
  PLUGIN_PID=$!
  lab_track_pid "$PLUGIN_PID"
  sleep 100000 >"$PLUGIN_FIFO" &
  PLUGIN_HOLDER_PID=$!
  lab_track_pid "$PLUGIN_HOLDER_PID"

  plugin_wait_log 'info: started: ' 5 >/dev/null || lab_fail "plugin did not start: $(cat "$PLUGIN_LOG")"
}

# Writes TEXT and a newline, which a command substitution producing TEXT has stripped: the
# plugin handles a record only once its line ends.
plugin_feed() {
  kill -0 "$PLUGIN_PID" 2>/dev/null || lab_fail "plugin $PLUGIN_PID is not running: $(cat "$PLUGIN_LOG")"
  printf '%s\n' "$1" >"$PLUGIN_FIFO"
}

# Closes the plugin's stdin and waits up to 5 s for it to exit; fails unless it exits 0.
plugin_stop() {
  lab_kill "$PLUGIN_HOLDER_PID"
  for _ in $(seq 1 50); do
    kill -0 "$PLUGIN_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$PLUGIN_PID" 2>/dev/null && lab_fail "plugin $PLUGIN_PID still runs 5 s after EOF"
  wait "$PLUGIN_PID"
  local status=$?
  [ "$status" = 0 ] || lab_fail "plugin exited with $status: $(cat "$PLUGIN_LOG")"
}

# Prints the SYSCALL, TIME_INJOFFSET, PROCTITLE and EOE records of one clock_settime call by
# "date" (pid 4190001, which normally does not exist) that stepped the clock by DELTA_S
# seconds. STAMP is the audit time in Unix seconds. The kernel takes it at syscall entry, so
# it is the reading before the step: after a real step, STAMP + DELTA_S is the current time.
plugin_step_records() {
  local stamp=$1 serial=$2 delta_s=$3
  local id="$stamp.000:$serial"
  printf 'type=SYSCALL msg=audit(%s): arch=c000003e syscall=227 success=yes exit=0 a0=0 a1=7ffd1f2e3a40 a2=0 a3=0 items=0 ppid=1 pid=4190001 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm="date" exe="/usr/bin/date" key="timeguard"\n' "$id"
  printf 'type=TIME_INJOFFSET msg=audit(%s): sec=%s nsec=0\n' "$id" "$delta_s"
  # proctitle is "date -s @STAMP+DELTA_S" in hex, as the kernel writes an argv with spaces.
  printf 'type=PROCTITLE msg=audit(%s): proctitle=%s\n' "$id" \
    "$(printf 'date\0-s\0@%s' "$((stamp + delta_s))" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
  printf 'type=EOE msg=audit(%s): \n' "$id"
}

# Waits up to SECONDS for an object in PLUGIN_JSON for which the jq expression JQ_CONDITION
# is true; prints the first one compactly. Lines still being written are skipped.
plugin_wait_json() {
  local condition=$1 seconds=$2
  local deadline found
  deadline=$(($(date +%s%N) + seconds * 1000000000))
  while :; do
    found=$(jq -cR "fromjson? | select($condition)" "$PLUGIN_JSON" 2>/dev/null | head -n 1)
    [ -n "$found" ] && { echo "$found"; return 0; }
    [ "$(date +%s%N)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# Waits up to SECONDS for a line of PLUGIN_LOG that matches the extended REGEX; prints it.
plugin_wait_log() {
  local regex=$1 seconds=$2
  local deadline found
  deadline=$(($(date +%s%N) + seconds * 1000000000))
  while :; do
    found=$(grep -E -m 1 -- "$regex" "$PLUGIN_LOG" 2>/dev/null)
    [ -n "$found" ] && { echo "$found"; return 0; }
    [ "$(date +%s%N)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# Prints the address's remaining valid lifetime in seconds as `ip -j addr` reports it.
plugin_valid_lft() {
  ip -n "$LAB_CLIENT_NS" -j -4 addr show dev "$LAB_CLIENT_IF" |
    jq -r --arg a "$LAB_CLIENT_ADDRESS" '.[0].addr_info[] | select(.local == $a) | .valid_life_time'
}

# Prints the renew time of the last lease block in LAB_LEASE_FILE as Unix seconds. dhclient
# writes "renew W YYYY/MM/DD HH:MM:SS;" in UTC.
plugin_lease_renew() {
  local line
  line=$(grep -E '^\s*renew ' "$LAB_LEASE_FILE" | tail -n 1)
  date -u -d "$(awk '{ gsub(";", ""); print $3 " " $4 }' <<<"$line")" +%s
}
