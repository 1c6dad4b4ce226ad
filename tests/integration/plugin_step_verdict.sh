#!/bin/bash
# The plugin holds a live audit step against the lab's real dhclient lease. A synthetic
# clock_settime event by "date" steps the clock back 3600 s: the plugin must report
# lost_before_renewal for the lab address with the real lease file's renew time and the
# kernel's real valid_lft, and log it as critical. A forward step of 3600 s must give
# expired_by_step.
#
# The machine's clock never moves. dhclient runs under libfaketime with its wall clock on the
# far side of the step: 3600 s ahead for the step back, 3600 s behind for the step forward.
# Its lease file therefore contains the schedule written before the step. The plugin reads the
# real clock, which is the clock after the step, and the audit stamp is the reading before it.
# Usage: plugin_step_verdict.sh BUILD_DIR SOURCE_DIR. Exit 77 = cannot run here.
set -u
BUILD_DIR=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"
source "$SOURCE_DIR/tests/integration/lib/plugin_lab.sh"

lab_require
lab_require_faketime
lab_start
lab_start_dhclient +3600

config="$LAB_DIR/timeguard.yaml"
cat >"$config" <<YAML
network:
  check_interval_s: 30
clock_jump:
  enabled: false
YAML
plugin_start "$BUILD_DIR" "$config" plugin

# Step back 3600 s. Before the step the clock read now + 3600, which is also dhclient's clock.
lease_renew=$(plugin_lease_renew) || lab_fail "cannot read renew from $LAB_LEASE_FILE"
now=$(date +%s)
before_step=$((now + 3600))
valid_lft=$(plugin_valid_lft)
plugin_feed "$(plugin_step_records "$before_step" 1001 -3600)"

step=$(plugin_wait_json '.type == "step" and .serial == 1001' 5) || lab_fail "no step object: $(cat "$PLUGIN_JSON")"
echo "$step"
lab_expect_eq "step delta_ns" "$(jq -r .delta_ns <<<"$step")" -3600000000000
lab_expect_eq "step comm" "$(jq -r .comm <<<"$step")" date
lab_expect_eq "step syscall" "$(jq -r .syscall <<<"$step")" clock_settime

verdict=$(plugin_wait_json ".type == \"verdict\" and .address == \"$LAB_CLIENT_ADDRESS\" and .trigger == \"audit_step\"" 5) ||
  lab_fail "no verdict for $LAB_CLIENT_ADDRESS: $(cat "$PLUGIN_JSON")"
echo "$verdict"
lab_expect_eq verdict "$(jq -r .verdict <<<"$verdict")" lost_before_renewal
lab_expect_eq serial "$(jq -r .serial <<<"$verdict")" 1001
lab_expect_eq interface "$(jq -r .interface <<<"$verdict")" "$LAB_CLIENT_IF"
lab_expect_eq client "$(jq -r .client <<<"$verdict")" dhclient
lab_expect_eq client_alive "$(jq -r .client_alive <<<"$verdict")" true
lab_expect_eq lease_file "$(jq -r .lease_file <<<"$verdict")" "$LAB_LEASE_FILE"
lab_expect_eq renew "$(jq -r .renew <<<"$verdict")" "$lease_renew"
lab_expect_eq step_delta_ns "$(jq -r .step_delta_ns <<<"$verdict")" -3600000000000
lab_expect_between seconds_to_loss "$(jq -r .seconds_to_loss <<<"$verdict")" $((valid_lft - 2)) $((valid_lft + 2))
# After a step back of 3600 s the client's realtime timer fires 3600 s later than planned.
expected_renewal=$((3600 + lease_renew - before_step))
lab_expect_between seconds_to_renewal "$(jq -r .seconds_to_renewal <<<"$verdict")" \
  $((expected_renewal - 2)) $((expected_renewal + 2))

line=$(plugin_wait_log "critical: $LAB_CLIENT_IF $LAB_CLIENT_ADDRESS: the kernel removes this address in " 5) ||
  lab_fail "no critical line for $LAB_CLIENT_ADDRESS: $(cat "$PLUGIN_LOG")"
echo "$line"
grep -qF "wall clock stepped back 3600.000 s by date[4190001]" <<<"$line" || lab_fail "critical line lacks the cause: $line"

# Step forward 3600 s: a new dhclient whose clock runs 3600 s behind gets a fresh lease.
lab_kill "$LAB_DHCLIENT_PID"
ip -n "$LAB_CLIENT_NS" addr flush dev "$LAB_CLIENT_IF" scope global
rm -f "$LAB_LEASE_FILE"
lab_start_dhclient -3600
lease_renew=$(plugin_lease_renew) || lab_fail "cannot read renew from $LAB_LEASE_FILE"
now=$(date +%s)
plugin_feed "$(plugin_step_records $((now - 3600)) 1002 3600)"

verdict=$(plugin_wait_json ".type == \"verdict\" and .address == \"$LAB_CLIENT_ADDRESS\" and .serial == 1002" 5) ||
  lab_fail "no verdict for the forward step: $(cat "$PLUGIN_JSON")"
echo "$verdict"
lab_expect_eq "verdict after +1h" "$(jq -r .verdict <<<"$verdict")" expired_by_step
lab_expect_eq "trigger after +1h" "$(jq -r .trigger <<<"$verdict")" audit_step
lab_expect_eq "renew after +1h" "$(jq -r .renew <<<"$verdict")" "$lease_renew"
lab_expect_eq "step_delta_ns after +1h" "$(jq -r .step_delta_ns <<<"$verdict")" 3600000000000

line=$(plugin_wait_log "critical: $LAB_CLIENT_IF $LAB_CLIENT_ADDRESS: the step jumped past the lease expiry" 5) ||
  lab_fail "no critical line for the forward step: $(cat "$PLUGIN_LOG")"
echo "$line"
grep -qF "wall clock stepped forward 3600.000 s by date[4190001]" <<<"$line" || lab_fail "critical line lacks the cause: $line"

plugin_stop
echo "PASS"
