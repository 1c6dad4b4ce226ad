#!/usr/bin/env bash
# Runs the dhclient preset hook against a live lease inside the namespace lab. dnsmasq grants a
# 120 s lease to a real ISC dhclient. The test cuts the address's valid_lft to 30 s, as a clock
# step would leave it, and the hook driver runs the preset for an expired_by_step verdict. The
# test passes when dhclient wrote a new lease block and valid_lft is back near the lease time.
# Usage: hook_dhclient_renew.sh BUILD_DIR SOURCE_DIR. Exit 77 = cannot run here.
set -u

build_dir=${1:?usage: $0 BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: $0 BUILD_DIR SOURCE_DIR}
driver="$build_dir/tests/hook_test_driver"

# shellcheck source=lib/netns_lab.sh
source "$source_dir/tests/integration/lib/netns_lab.sh"
lab_require
[ -x "$driver" ] || lab_skip "$driver not built"

lab_start
lab_start_dhclient
pid_file="$LAB_DIR/dhclient.pid"
old_pid=$LAB_DHCLIENT_PID
[ -s "$pid_file" ] || lab_fail "dhclient wrote no pid file $pid_file"

valid_lft() {
  ip -n "$LAB_CLIENT_NS" -j -4 addr show dev "$LAB_CLIENT_IF" |
    jq -r --arg a "$LAB_CLIENT_ADDRESS" '.[0].addr_info[] | select(.local == $a) | .valid_life_time'
}
lease_blocks() {
  grep -c '^lease {' "$LAB_LEASE_FILE"
}

# Emulate the danger: the kernel's lifetime runs out long before dhclient's realtime timers fire.
ip -n "$LAB_CLIENT_NS" addr change "$LAB_CLIENT_ADDRESS/24" dev "$LAB_CLIENT_IF" \
  valid_lft 30 preferred_lft 30 || lab_fail "ip addr change failed"
before_lft=$(valid_lft)
before_blocks=$(lease_blocks)
[ "$before_lft" -le 30 ] || lab_fail "valid_lft is $before_lft s after lowering it to 30 s"
echo "before: valid_lft=${before_lft}s lease blocks=$before_blocks address=$LAB_CLIENT_ADDRESS"

config="$LAB_DIR/timeguard.yaml"
cat >"$config" <<YAML
hooks:
  interfaces:
    $LAB_CLIENT_IF:
      action: hook
      preset: dhclient
      dry_run: false
      verdicts: [expired_by_step]
      timeout_s: 60
YAML
chmod 0600 "$config"

ip netns exec "$LAB_CLIENT_NS" "$driver" "$config" "$LAB_CLIENT_IF" "$LAB_CLIENT_ADDRESS" \
  "$LAB_LEASE_FILE" "$pid_file" expired_by_step -3600 100 >"$LAB_DIR/driver.out" 2>"$LAB_DIR/driver.log"
driver_status=$?

# The second step leaves a daemonized dhclient behind. The lab stops it with its own processes
# once the pid is known to be a dhclient that uses this test's private pid file. The daemon
# writes that file after its parent (the hook) has exited, so the test waits for it.
new_pid=
for attempt in $(seq 1 50); do
  new_pid=$(cat "$pid_file" 2>/dev/null)
  [ -n "$new_pid" ] && break
  sleep 0.1
done
if [ -n "$new_pid" ] && [ "$(cat "/proc/$new_pid/comm" 2>/dev/null)" = dhclient ] &&
  tr '\0' ' ' <"/proc/$new_pid/cmdline" | grep -qF -- "-pf $pid_file "; then
  LAB_PIDS+=("$new_pid")
fi

cat "$LAB_DIR/driver.log" >&2
[ "$driver_status" = 0 ] || lab_fail "driver exited with $driver_status: $(cat "$LAB_DIR/driver.out")"

after_lft=$(valid_lft)
after_blocks=$(lease_blocks)
echo "after: valid_lft=${after_lft}s lease blocks=$after_blocks dhclient pid $old_pid -> $new_pid"

[ -n "$after_lft" ] || lab_fail "address $LAB_CLIENT_ADDRESS is gone after the hook"
[ "$after_blocks" -gt "$before_blocks" ] || lab_fail "no new lease block in $LAB_LEASE_FILE"
[ "$after_lft" -ge 100 ] && [ "$after_lft" -le "$LAB_LEASE_SECONDS" ] ||
  lab_fail "valid_lft is $after_lft s, expected 100..$LAB_LEASE_SECONDS s"
kill -0 "$old_pid" 2>/dev/null && lab_fail "the old dhclient $old_pid still runs"
[ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] && kill -0 "$new_pid" 2>/dev/null ||
  lab_fail "no new dhclient runs (pid file: $new_pid)"
grep -q 'lease refresh worked, valid_lft back to' "$LAB_DIR/driver.log" ||
  lab_fail "the driver did not log the re-check result"
echo "PASS: dhclient preset renewed the lease, valid_lft ${before_lft}s -> ${after_lft}s"
