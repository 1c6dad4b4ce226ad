#!/bin/bash
# The plugin's dhclient preset hook must really restore the lab address after a step back of
# 3600 s. A synthetic clock_settime event by "date" makes the plugin report
# lost_before_renewal. With dry_run: true the plugin only logs "would run" and nothing
# changes. With dry_run: false the hook replaces the lab's dhclient (SIGKILL, then dhclient -1
# with the keep-address script wrapper), which writes a new lease block and resets valid_lft
# to the lease time without ever removing the address, and the plugin's re-check finds the
# danger gone.
#
# As in plugin_step_verdict.sh, the lab's dhclient runs with its wall clock 3600 s ahead, which
# is the clock before the step, while the plugin and the dhclient the hook starts read the real
# clock, the clock after it. The machine's clock never moves.
# Usage: plugin_hook_renew.sh BUILD_DIR SOURCE_DIR. Exit 77 = cannot run here.
set -u
BUILD_DIR=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"
source "$SOURCE_DIR/tests/integration/lib/plugin_lab.sh"

lab_require
lab_require_faketime
lab_start
lab_start_dhclient +3600
pid_file="$LAB_DIR/dhclient.pid"
old_pid=$LAB_DHCLIENT_PID

# Writes a config whose hook runs the dhclient preset for lost_before_renewal. LAB_DIR comes
# from mktemp -d, so the file and its directory are root-owned and not group or world writable,
# as the hook runner requires.
write_config() {
  local path=$1 dry_run=$2
  cat >"$path" <<YAML
network:
  check_interval_s: 30
clock_jump:
  enabled: false
hooks:
  default:
    action: hook
    preset: dhclient
    dry_run: $dry_run
    verdicts: [lost_before_renewal]
    timeout_s: 30
YAML
  chmod 0600 "$path"
}

# True when PID exists and is not a zombie.
process_running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}

lease_blocks() {
  grep -c '^lease {' "$LAB_LEASE_FILE"
}

# Cuts valid_lft to 80 s. The renewal is at most 60 s away on dhclient's clock, so without a
# step the address is safe. After the step back the renewal is about 3660 s away, which makes
# lost_before_renewal. A cut below the time to renewal would give lifetime_shorter_than_renewal
# even without a step, and the hook is not configured for that verdict.
lower_lifetime() {
  ip -n "$LAB_CLIENT_NS" addr change "$LAB_CLIENT_ADDRESS/24" dev "$LAB_CLIENT_IF" \
    valid_lft 80 preferred_lft 80 || lab_fail "ip addr change failed"
}

# Feeds a step back of 3600 s with SERIAL and waits for its lost_before_renewal verdict.
step_back() {
  local serial=$1 verdict
  plugin_feed "$(plugin_step_records $(($(date +%s) + 3600)) "$serial" -3600)"
  verdict=$(plugin_wait_json ".type == \"verdict\" and .serial == $serial and .address == \"$LAB_CLIENT_ADDRESS\"" 5) ||
    lab_fail "no verdict for step $serial: $(cat "$PLUGIN_JSON")"
  echo "$verdict"
  lab_expect_eq "verdict for step $serial" "$(jq -r .verdict <<<"$verdict")" lost_before_renewal
}

# Dry run: the plugin logs the hook it would run and starts nothing.
write_config "$LAB_DIR/dry_run.yaml" true
lower_lifetime
lease_sum=$(md5sum <"$LAB_LEASE_FILE")
plugin_start "$BUILD_DIR" "$LAB_DIR/dry_run.yaml" dry_run
step_back 2001
line=$(plugin_wait_log "$LAB_CLIENT_IF $LAB_CLIENT_ADDRESS: would run hook for verdict lost_before_renewal \(dry_run: true\)" 5) ||
  lab_fail "no \"would run\" line: $(cat "$PLUGIN_LOG")"
echo "$line"
grep -qF "\"/bin/kill\" \"-KILL\" \"$old_pid\" && \"/sbin/dhclient\" \"-1\" \"-sf\" \"$BUILD_DIR/libexec/dhclient-script-keep-address\" \"-pf\" \"$pid_file\" \"-lf\" \"$LAB_LEASE_FILE\" \"$LAB_CLIENT_IF\"" <<<"$line" ||
  lab_fail "the dry-run line lacks the dhclient command with the lab's files: $line"
sleep 1
started=$(jq -cR 'fromjson? | select(.type == "hook_run" and (.steps | length) > 0)' "$PLUGIN_JSON")
lab_expect_eq "hook runs with steps in the dry run" "$started" ""
plugin_stop
lab_expect_eq "lease file after the dry run" "$(md5sum <"$LAB_LEASE_FILE")" "$lease_sum"
process_running "$old_pid" || lab_fail "the lab's dhclient $old_pid stopped during the dry run"

# Real run.
write_config "$LAB_DIR/hook.yaml" false
lower_lifetime
before_lft=$(plugin_valid_lft)
before_blocks=$(lease_blocks)
echo "before: valid_lft=${before_lft}s lease blocks=$before_blocks dhclient pid $old_pid"
# Every address deletion in the client namespace is recorded while the hook runs.
ip netns exec "$LAB_CLIENT_NS" ip -o monitor address >"$LAB_DIR/address_events.log" 2>&1 &
lab_track_pid $!
plugin_start "$BUILD_DIR" "$LAB_DIR/hook.yaml" hook
step_back 2002
run=$(plugin_wait_json '.type == "hook_run"' 40) || lab_fail "no hook_run within 40 s: $(cat "$PLUGIN_LOG")"
echo "$run"

# The hook's second step leaves a daemonized dhclient behind, which writes the pid file after
# its parent has exited. The lab stops it once it is known to be a dhclient with this pid file.
new_pid=
for _ in $(seq 1 50); do
  new_pid=$(cat "$pid_file" 2>/dev/null)
  [ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] && break
  sleep 0.1
done
if [ -n "$new_pid" ] && [ "$(cat "/proc/$new_pid/comm" 2>/dev/null)" = dhclient ] &&
  tr '\0' ' ' <"/proc/$new_pid/cmdline" | grep -qF -- "-pf $pid_file "; then
  lab_track_pid "$new_pid"
fi

lab_expect_eq interface "$(jq -r .interface <<<"$run")" "$LAB_CLIENT_IF"
lab_expect_eq address "$(jq -r .address <<<"$run")" "$LAB_CLIENT_ADDRESS"
lab_expect_eq verdict "$(jq -r .verdict <<<"$run")" lost_before_renewal
lab_expect_eq succeeded "$(jq -r .succeeded <<<"$run")" true
lab_expect_eq timed_out "$(jq -r .timed_out <<<"$run")" false
lab_expect_eq "hook steps" "$(jq -r '.steps | length' <<<"$run")" 2
lab_expect_eq "first step" "$(jq -r '.steps[0].argv | join(" ")' <<<"$run")" "/bin/kill -KILL $old_pid"
lab_expect_eq "second step" "$(jq -r '.steps[1].argv[1:] | join(" ")' <<<"$run")" \
  "-1 -sf $BUILD_DIR/libexec/dhclient-script-keep-address -pf $pid_file -lf $LAB_LEASE_FILE $LAB_CLIENT_IF"
lab_expect_eq "exit statuses" "$(jq -r '[.steps[].exit_status] | join(",")' <<<"$run")" "0,0"
lab_expect_eq recheck.danger_gone "$(jq -r .recheck.danger_gone <<<"$run")" true

after_lft=$(plugin_valid_lft)
after_blocks=$(lease_blocks)
now=$(date +%s)
renew=$(plugin_lease_renew) || lab_fail "cannot read renew from $LAB_LEASE_FILE"
echo "after: valid_lft=${after_lft}s lease blocks=$after_blocks dhclient pid $old_pid -> $new_pid," \
  "hook took $(jq -r .duration_ms <<<"$run") ms"
[ -n "$after_lft" ] || lab_fail "address $LAB_CLIENT_ADDRESS is gone after the hook"
[ "$after_blocks" -gt "$before_blocks" ] || lab_fail "no new lease block in $LAB_LEASE_FILE"
lab_expect_between "valid_lft after the hook" "$after_lft" 100 "$LAB_LEASE_SECONDS"
lab_expect_between "recheck.valid_lft_s" "$(jq -r .recheck.valid_lft_s <<<"$run")" 100 "$LAB_LEASE_SECONDS"
# The lab's own dhclient writes times 3600 s ahead. A renew within one lease time of the real
# clock therefore shows that the new block comes from the dhclient the hook started.
lab_expect_between "renew of the new lease block" "$renew" "$now" $((now + LAB_LEASE_SECONDS))
process_running "$old_pid" && lab_fail "the lab's dhclient $old_pid still runs"
if [ -z "$new_pid" ] || [ "$new_pid" = "$old_pid" ] || ! process_running "$new_pid"; then
  lab_fail "no new dhclient runs (pid file: $new_pid)"
fi
plugin_wait_log "$LAB_CLIENT_IF $LAB_CLIENT_ADDRESS: lease refresh worked, valid_lft back to" 2 >/dev/null ||
  lab_fail "the plugin did not log the re-check: $(cat "$PLUGIN_LOG")"

deleted=$(grep -F "Deleted" "$LAB_DIR/address_events.log" | grep -F " $LAB_CLIENT_ADDRESS/")
lab_expect_eq "deletions of $LAB_CLIENT_ADDRESS while the hook ran" "$deleted" ""

plugin_stop
echo "PASS: valid_lft ${before_lft}s -> ${after_lft}s, dhclient $old_pid -> $new_pid"
