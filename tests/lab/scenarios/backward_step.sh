# Backward step of one hour. dhclient schedules its renewal on CLOCK_REALTIME, so the renewal
# moves an hour away while the kernel still ages valid_lft on its own clock: the address goes.
# Expected: an attributed step of -3600 s, then lost_before_renewal before the address is gone.
SCENARIO_ACTION="date -s '-1 hour'"
OBSERVE_SECONDS=40

scenario_act() {
  run_recording_pid date -s '-1 hour'
}

scenario_check() {
  check_setup_and_plugin || return 1
  check_attributed_step -3600 date || return 1
  check_verdict lost_before_renewal || return 1
  check_address_lost || return 1
  check_warning_before_loss || return 1
  METRIC="warning to address loss $(seconds_between "$VERDICT_TIME" "$ADDRESS_GONE_TIME") s (predicted seconds_to_loss: $VERDICT_SECONDS_TO_LOSS)"
}
