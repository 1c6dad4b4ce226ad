# Backward step of one hour after `auditctl -D`, so that no audit record reports it. Expected:
# the plugin's own clock-jump watcher reports an unattributed jump of about -3600 s.
SCENARIO_ACTION="auditctl -D; date -s '-1 hour'"
OBSERVE_SECONDS=40

scenario_act() {
  auditctl -D > /dev/null
  run_recording_pid date -s '-1 hour'
}

scenario_check() {
  check_setup_and_plugin || return 1
  local filter='.type == "clock_jump" and (.delta_ns + 3600000000000 | fabs) < 2000000000'
  local jump_time
  jump_time=$(json_first_time "$filter")
  [[ -n $jump_time ]] || { echo "no clock_jump object with delta_ns=-3.6e12±2e9"; return 1; }
  local pid
  pid=$(timeline_detail act_end | sed -n 's/.*pid=\([0-9][0-9]*\).*/\1/p')
  if [[ -n $(json_select ".type == \"step\" and .pid == ${pid:-0}") ]]; then
    echo "an audit step for date (pid $pid) arrived, so the rules were not deleted"
    return 1
  fi
  local step_time
  step_time=$(timeline_first act_end)
  METRIC="step to clock_jump report $(seconds_between "$step_time" "$jump_time") s"
}
