#!/bin/bash
# timeguard status shows the lab's real dhclient lease, and timeguard simulate --step=-1h
# predicts that the address is lost before the delayed renewal. The clock is never moved.
set -u
BUILD_DIR=$1
SOURCE_DIR=$2
TIMEGUARD="$BUILD_DIR/timeguard"
source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"

lab_require
[ -x "$TIMEGUARD" ] || lab_fail "$TIMEGUARD not built"
lab_start
lab_start_dhclient

select_row() {
  jq -e --arg a "$LAB_CLIENT_ADDRESS" '.[] | select(.address == $a)'
}

# dhclient writes "renew W YYYY/MM/DD HH:MM:SS;" in UTC; the last lease block is current.
renew_line=$(grep -E '^\s*renew ' "$LAB_LEASE_FILE" | tail -n 1)
renew_utc=$(awk '{ gsub(";", ""); print $3 " " $4 }' <<<"$renew_line")
lease_renew=$(date -u -d "$renew_utc" +%s) || lab_fail "cannot parse \"$renew_line\""

status=$(lab_in_client "$TIMEGUARD" status --json | select_row) || lab_fail "status has no row"
echo "$status"
lab_expect_eq client "$(jq -r .client <<<"$status")" dhclient
lab_expect_eq client_clock "$(jq -r .client_clock <<<"$status")" realtime
lab_expect_eq client_alive "$(jq -r .client_alive <<<"$status")" true
lab_expect_eq lease_file "$(jq -r .lease_file <<<"$status")" "$LAB_LEASE_FILE"
lab_expect_eq renew "$(jq -r .renew <<<"$status")" "$lease_renew"
# Debian's dhclient-script passes the lease time to `ip addr` as valid_lft.
lab_expect_between valid_lft_s "$(jq -r .valid_lft_s <<<"$status")" 110 120
lab_expect_eq verdict "$(jq -r .verdict <<<"$status")" ok

text=$(lab_in_client "$TIMEGUARD" status) || lab_fail "timeguard status failed"
grep -qF "lease file  $LAB_LEASE_FILE" <<<"$text" || lab_fail "text status lacks the lease file: $text"
grep -qF "dhclient pid $LAB_DHCLIENT_PID, running" <<<"$text" || lab_fail "text status lacks dhclient: $text"

simulated=$(lab_in_client "$TIMEGUARD" simulate --step=-1h --json | select_row) || lab_fail "simulate has no row"
echo "$simulated"
now=$(jq -r .now <<<"$simulated")
valid=$(jq -r .valid_lft_s <<<"$simulated")
lab_expect_eq verdict "$(jq -r .verdict <<<"$simulated")" lost_before_renewal
lab_expect_eq step_delta_ns "$(jq -r .step_delta_ns <<<"$simulated")" -3600000000000
lab_expect_between seconds_to_loss "$(jq -r .seconds_to_loss <<<"$simulated")" $((valid - 1)) "$valid"
expected_renewal=$((3600 + lease_renew - now))
lab_expect_between seconds_to_renewal "$(jq -r .seconds_to_renewal <<<"$simulated")" \
  $((expected_renewal - 1)) $((expected_renewal + 1))

text=$(lab_in_client "$TIMEGUARD" simulate --step=-1h) || lab_fail "timeguard simulate failed"
grep -q "verdict     lost_before_renewal" <<<"$text" || lab_fail "text simulate lacks the verdict: $text"

forward=$(lab_in_client "$TIMEGUARD" simulate --step=+1h --json | select_row) || lab_fail "no row for +1h"
lab_expect_eq "verdict after +1h" "$(jq -r .verdict <<<"$forward")" expired_by_step
early=$(lab_in_client "$TIMEGUARD" simulate --step 10s --json | select_row) || lab_fail "no row for 10s"
lab_expect_eq "verdict after +10s" "$(jq -r .verdict <<<"$early")" renews_early

lab_in_client "$TIMEGUARD" simulate --step=1.5h >/dev/null 2>&1
lab_expect_eq "exit status for a bad step" "$?" 2
echo "PASS"
