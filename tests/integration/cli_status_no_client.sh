#!/bin/bash
# timeguard status reports no_client for the lab's dynamic address once dhclient is killed.
set -u
BUILD_DIR=$1
SOURCE_DIR=$2
TIMEGUARD="$BUILD_DIR/timeguard"
source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"

lab_require
[ -x "$TIMEGUARD" ] || lab_fail "$TIMEGUARD not built"
lab_start
lab_start_dhclient

lab_kill "$LAB_DHCLIENT_PID"
kill -0 "$LAB_DHCLIENT_PID" 2>/dev/null && lab_fail "dhclient $LAB_DHCLIENT_PID still running"

row=$(lab_in_client "$TIMEGUARD" status --json |
  jq -e --arg a "$LAB_CLIENT_ADDRESS" '.[] | select(.address == $a)') ||
  lab_fail "no row for $LAB_CLIENT_ADDRESS; a killed dhclient should leave the address in place"
echo "$row"

lab_expect_eq verdict "$(jq -r .verdict <<<"$row")" no_client
lab_expect_eq client_alive "$(jq -r .client_alive <<<"$row")" false
lab_expect_eq seconds_to_renewal "$(jq -r .seconds_to_renewal <<<"$row")" null
lab_expect_between valid_lft_s "$(jq -r .valid_lft_s <<<"$row")" 100 120
lab_expect_eq seconds_to_loss "$(jq -r .seconds_to_loss <<<"$row")" "$(jq -r .valid_lft_s <<<"$row")"

text=$(lab_in_client "$TIMEGUARD" status) || lab_fail "timeguard status failed"
grep -q "verdict     no_client" <<<"$text" || lab_fail "text status lacks no_client: $text"
echo "PASS"
