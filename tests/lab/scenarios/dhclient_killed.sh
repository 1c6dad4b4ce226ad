# dhclient killed with SIGKILL, so that no process renews the lease and the address expires
# after its valid_lft. Expected: the verdict no_client before the address is gone.
SCENARIO_ACTION="kill -9 dhclient"
OBSERVE_SECONDS=40

scenario_act() {
  kill -9 "$DHCLIENT_PID"
}

scenario_check() {
  check_setup_and_plugin || return 1
  check_verdict no_client || return 1
  check_address_lost || return 1
  check_warning_before_loss || return 1
  METRIC="warning to address loss $(seconds_between "$VERDICT_TIME" "$ADDRESS_GONE_TIME") s (predicted seconds_to_loss: $VERDICT_SECONDS_TO_LOSS)"
}
