#!/bin/bash
# The running plugin finds standing dangers without any clock step, inside the namespace lab.
# 1. A valid_lft cut to 20 s, shorter than the time to dhclient's renewal, is reported as
#    lifetime_shorter_than_renewal at once. The kernel's address notification triggers the check.
# 2. A killed dhclient is reported as no_client by the next timer check, which runs every 2 s.
# The test prints the seconds from each action to the plugin's warning.
# Usage: plugin_standing_checks.sh BUILD_DIR SOURCE_DIR. Exit 77 = cannot run here.
set -u
BUILD_DIR=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"
source "$SOURCE_DIR/tests/integration/lib/plugin_lab.sh"

check_interval_s=2

lab_require
lab_start
lab_start_dhclient

config="$LAB_DIR/timeguard.yaml"
cat >"$config" <<YAML
network:
  check_interval_s: $check_interval_s
clock_jump:
  enabled: false
YAML
plugin_start "$BUILD_DIR" "$config" plugin

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

# Prints milliseconds as seconds with three decimals.
seconds_text() {
  printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

subject="$LAB_CLIENT_IF $LAB_CLIENT_ADDRESS"
select_standing="select(.type == \"verdict\" and .trigger == \"standing\" and .address == \"$LAB_CLIENT_ADDRESS\")"

# 1. The renewal is at most 60 s away (half the 120 s lease), and the address now lives 20 s.
lease_renew=$(plugin_lease_renew) || lab_fail "cannot read renew from $LAB_LEASE_FILE"
start=$(now_ms)
ip -n "$LAB_CLIENT_NS" addr change "$LAB_CLIENT_ADDRESS/24" dev "$LAB_CLIENT_IF" \
  valid_lft 20 preferred_lft 20 || lab_fail "ip addr change failed"
line=$(plugin_wait_log "warning: $subject: the kernel removes this address in [0-9]+ s, before dhclient renews in [0-9]+ s; found by the standing check" 5) ||
  lab_fail "no lifetime warning within 5 s: $(cat "$PLUGIN_LOG")"
elapsed_ms=$(($(now_ms) - start))
now=$(date +%s)
echo "$line"
echo "lifetime_shorter_than_renewal: warning $(seconds_text "$elapsed_ms") s after ip addr change (polled every 0.1 s)"
# A timer check comes within $check_interval_s s anyway, so this bound catches a missing
# netlink check only when the timer is not about to fire.
lab_expect_between "milliseconds to the lifetime warning" "$elapsed_ms" 0 1000

verdict=$(plugin_wait_json "$select_standing | select(.verdict == \"lifetime_shorter_than_renewal\")" 1) ||
  lab_fail "no lifetime_shorter_than_renewal verdict: $(cat "$PLUGIN_JSON")"
echo "$verdict"
lab_expect_between seconds_to_loss "$(jq -r .seconds_to_loss <<<"$verdict")" 18 20
lab_expect_between seconds_to_renewal "$(jq -r .seconds_to_renewal <<<"$verdict")" \
  $((lease_renew - now - 2)) $((lease_renew - now + 2))
lab_expect_eq serial "$(jq -r .serial <<<"$verdict")" null

ip -n "$LAB_CLIENT_NS" addr change "$LAB_CLIENT_ADDRESS/24" dev "$LAB_CLIENT_IF" \
  valid_lft "$LAB_LEASE_SECONDS" preferred_lft "$LAB_LEASE_SECONDS" || lab_fail "ip addr change failed"
plugin_wait_log "info: $subject: no longer at risk \(lifetime_shorter_than_renewal cleared\)" 5 ||
  lab_fail "the restored lifetime was not reported as cleared: $(cat "$PLUGIN_LOG")"

# 2. The kernel reports no address change when the client dies, so the timer check finds it.
start=$(now_ms)
lab_kill "$LAB_DHCLIENT_PID"
line=$(plugin_wait_log "warning: $subject: no running DHCP client renews this address; the kernel removes it in [0-9]+ s; found by the standing check" 10) ||
  lab_fail "no no_client warning within 10 s: $(cat "$PLUGIN_LOG")"
elapsed_ms=$(($(now_ms) - start))
valid_lft=$(plugin_valid_lft)
echo "$line"
echo "no_client: warning $(seconds_text "$elapsed_ms") s after kill (check interval ${check_interval_s} s, polled every 0.1 s)"
lab_expect_between "milliseconds to the no_client warning" "$elapsed_ms" 0 $((check_interval_s * 1000 + 1500))

verdict=$(plugin_wait_json "$select_standing | select(.verdict == \"no_client\")" 1) ||
  lab_fail "no no_client verdict: $(cat "$PLUGIN_JSON")"
echo "$verdict"
lab_expect_eq client_alive "$(jq -r .client_alive <<<"$verdict")" false
# The verdict was taken at most a few seconds before valid_lft was read.
lab_expect_between seconds_to_loss "$(jq -r .seconds_to_loss <<<"$verdict")" "$valid_lft" $((valid_lft + 2))

plugin_stop
echo "PASS"
