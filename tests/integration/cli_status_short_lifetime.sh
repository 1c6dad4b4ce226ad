#!/bin/bash
# timeguard status flags an address whose kernel valid lifetime ends before dhclient renews:
# the lab's 120 s lease renews after about 60 s, and `ip addr change ... valid_lft 20` cuts
# the address's life to 20 s.
set -u
BUILD_DIR=$1
SOURCE_DIR=$2
TIMEGUARD="$BUILD_DIR/timeguard"
source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"

lab_require
[ -x "$TIMEGUARD" ] || lab_fail "$TIMEGUARD not built"
lab_start
lab_start_dhclient

ip -n "$LAB_CLIENT_NS" addr change "$LAB_CLIENT_ADDRESS/24" dev "$LAB_CLIENT_IF" \
  valid_lft 20 preferred_lft 20 || lab_fail "ip addr change failed"

row=$(lab_in_client "$TIMEGUARD" status --json |
  jq -e --arg a "$LAB_CLIENT_ADDRESS" '.[] | select(.address == $a)') ||
  lab_fail "timeguard status --json has no row for $LAB_CLIENT_ADDRESS"
echo "$row"

lab_expect_eq verdict "$(jq -r .verdict <<<"$row")" lifetime_shorter_than_renewal
lab_expect_eq client "$(jq -r .client <<<"$row")" dhclient
lab_expect_eq client_alive "$(jq -r .client_alive <<<"$row")" true
lab_expect_between valid_lft_s "$(jq -r .valid_lft_s <<<"$row")" 15 20
lab_expect_between preferred_lft_s "$(jq -r .preferred_lft_s <<<"$row")" 15 20
lab_expect_eq seconds_to_loss "$(jq -r .seconds_to_loss <<<"$row")" "$(jq -r .valid_lft_s <<<"$row")"

# The renewal is the lease file's renew time seen from the same `now`, and later than the loss.
renewal=$(jq -r .seconds_to_renewal <<<"$row")
lab_expect_eq seconds_to_renewal "$renewal" "$(jq -r '.renew - .now' <<<"$row")"
lab_expect_between seconds_to_renewal "$renewal" 21 120
echo "PASS"
