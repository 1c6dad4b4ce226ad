# Forward step of one hour, past the lease's expiry (30 s lease): on the wall clock the lease
# is already over. Expected: an attributed step of +3600 s and the verdict expired_by_step.
SCENARIO_ACTION="date -s '+1 hour'"
OBSERVE_SECONDS=30

scenario_act() {
  run_recording_pid date -s '+1 hour'
}

scenario_check() {
  check_setup_and_plugin || return 1
  check_attributed_step 3600 date || return 1
  check_verdict expired_by_step || return 1
  local step_time
  step_time=$(timeline_first act_end)
  METRIC="step to warning $(seconds_between "$step_time" "$VERDICT_TIME") s"
  local gone
  gone=$(timeline_first addr_gone)
  [[ -z $gone ]] || METRIC+=", warning to address loss $(seconds_between "$VERDICT_TIME" "$gone") s"
}
