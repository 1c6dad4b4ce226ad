# Backward step of one hour with the plugin's dhclient renewal hook enabled (not dry-run).
# Expected: the attributed step, the lost_before_renewal warning, then the hook renews the
# lease so that the address never disappears.
SCENARIO_ACTION="date -s '-1 hour' with the renewal hook enabled"
HOOK_ENABLED=true
OBSERVE_SECONDS=45

scenario_act() {
  run_recording_pid date -s '-1 hour'
}

scenario_check() {
  check_setup_and_plugin || return 1
  check_attributed_step -3600 date || return 1
  check_verdict lost_before_renewal || return 1
  check_address_kept || return 1
  check_renewals_after_act 1 || return 1
  METRIC="warning to renewal $(seconds_between "$VERDICT_TIME" "$FIRST_RENEWAL_TIME") s"
}
