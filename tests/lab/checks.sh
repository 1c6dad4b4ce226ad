#!/bin/bash
# Host-side assertions on one guest's result directory, sourced by run.sh before a scenario's
# scenario_check. RESULT_DIR is that directory; timeline.tsv times are guest CLOCK_BOOTTIME
# seconds. Each check prints why it failed and returns 1, so that a scenario_check reads as a
# list of `check_... || return 1` lines. METRIC is the line the report prints for the scenario.

METRIC=""

# Prints the time of the first timeline line whose event is $1, whose detail matches the
# extended regex $2 (default: any) and whose time is at least $3 (default: 0), or nothing.
timeline_first() {
  awk -F'\t' -v event="$1" -v pattern="${2:-.*}" -v after="${3:-0}" \
    '$2 == event && $3 ~ pattern && $1 >= after && !found { print $1; found = 1 }' \
    "$RESULT_DIR/timeline.tsv"
}

# Prints the detail of the first timeline line with event $1.
timeline_detail() {
  awk -F'\t' -v event="$1" '$2 == event && !found { print $3; found = 1 }' \
    "$RESULT_DIR/timeline.tsv"
}

# Prints the guest time at which the runner first saw a plugin output line matching the jq
# filter $1. The runner follows the output file with tail -F, which sees a new line at once
# through inotify, or within its 1 s polling interval without inotify.
json_first_time() {
  local line_time line
  while IFS=$'\t' read -r line_time _ line; do
    if jq -e "select($1)" <<< "$line" > /dev/null 2>&1; then
      echo "$line_time"
      return
    fi
  done < <(awk -F'\t' '$2 == "json"' "$RESULT_DIR/timeline.tsv")
}

# Prints the plugin output objects matching the jq filter $1, one per line.
json_select() {
  jq -c "select($1)" "$RESULT_DIR/events.jsonl" 2>/dev/null
}

# Difference $2 - $1 of two guest times, in seconds with one decimal.
seconds_between() {
  awk -v from="$1" -v to="$2" 'BEGIN { printf "%.1f", to - from }'
}

# The guest set up auditd, the plugin and the DHCP lease, and the plugin ran and wrote output.
check_setup_and_plugin() {
  local reason
  reason=$(timeline_detail setup_failed)
  [[ -z $reason ]] || { echo "guest setup failed: $reason"; return 1; }
  [[ -n $(timeline_first done) ]] || { echo "guest runner did not finish (see console.log)"; return 1; }
  reason=$(timeline_detail plugin_missing)
  [[ -z $reason ]] || { echo "plugin not built: $reason"; return 1; }
  if [[ -n $(timeline_first plugin_dead) ]]; then
    echo "plugin was not running at the end; last stderr line: $(tail -n 1 "$RESULT_DIR/plugin.stderr" 2>/dev/null)"
    return 1
  fi
  [[ -f $RESULT_DIR/events.jsonl ]] \
    || { echo "plugin wrote no JSON lines output (events.jsonl missing)"; return 1; }
}

# A step object attributed to the scenario's own command: the pid the runner recorded, the
# comm, and delta_ns within 2 s of the expected step in seconds $1 (2 s covers date's own
# rounding and the guest's slow emulated time).
check_attributed_step() {
  local expected_ns=$(( $1 * 1000000000 )) comm=$2
  local pid
  pid=$(timeline_detail act_end | sed -n 's/.*pid=\([0-9][0-9]*\).*/\1/p')
  [[ -n $pid ]] || { echo "the guest recorded no pid for the scenario's command"; return 1; }
  local filter=".type == \"step\" and .pid == $pid and .comm == \"$comm\"
    and (.delta_ns - ($expected_ns) | fabs) < 2000000000"
  [[ -n $(json_select "$filter") ]] \
    || { echo "no step object with pid=$pid comm=$comm delta_ns=${expected_ns}±2e9"; return 1; }
}

# A verdict object for the client interface with verdict $1. Sets VERDICT_TIME (guest time
# the runner saw it) and VERDICT_SECONDS_TO_LOSS (the verdict's own prediction, or "none").
check_verdict() {
  local filter=".type == \"verdict\" and .verdict == \"$1\" and .interface == \"veth-client\""
  VERDICT_TIME=$(json_first_time "$filter")
  [[ -n $VERDICT_TIME ]] || { echo "no verdict $1 for veth-client in events.jsonl"; return 1; }
  VERDICT_SECONDS_TO_LOSS=$(json_select "$filter" | jq -r '.seconds_to_loss // "none"' | sed -n 1p)
}

# Prints the guest time at which the client's IPv4 address first disappeared: the kernel's
# RTM_DELADDR notification when the monitor caught it, else the first sample without it.
address_removal_time() {
  local removed
  removed=$(timeline_first monitor '^Deleted .* inet ')
  [[ -n $removed ]] || removed=$(timeline_first addr_gone)
  echo "$removed"
}

# The client's address disappeared; sets ADDRESS_GONE_TIME.
check_address_lost() {
  ADDRESS_GONE_TIME=$(address_removal_time)
  [[ -n $ADDRESS_GONE_TIME ]] || { echo "address of veth-client never disappeared"; return 1; }
}

# The client's address never disappeared, not even between two samples.
check_address_kept() {
  local gone back
  gone=$(address_removal_time)
  [[ -z $gone ]] && return 0
  back=$(timeline_first monitor '^[0-9]+: .* inet ' "$gone")
  [[ -n $back ]] || back=$(timeline_first addr_back "$gone")
  echo "address of veth-client disappeared at guest time $gone s${back:+, back at $back s}"
  return 1
}

# At least $1 renewals (valid_lft went up) after the scenario's action.
check_renewals_after_act() {
  local act count
  act=$(timeline_first act_end)
  count=$(awk -F'\t' -v act="$act" '$2 == "renewed" && $1 >= act' "$RESULT_DIR/timeline.tsv" | wc -l)
  (( count >= $1 )) || { echo "expected at least $1 renewals after the action, saw $count"; return 1; }
  FIRST_RENEWAL_TIME=$(awk -F'\t' -v act="$act" '$2 == "renewed" && $1 >= act && !found { print $1; found = 1 }' \
    "$RESULT_DIR/timeline.tsv")
}

# The warning (VERDICT_TIME) came before the address was gone (ADDRESS_GONE_TIME).
check_warning_before_loss() {
  awk -v warning="$VERDICT_TIME" -v gone="$ADDRESS_GONE_TIME" 'BEGIN { exit !(warning < gone) }' \
    || { echo "warning at guest time $VERDICT_TIME s came after the address was gone at $ADDRESS_GONE_TIME s"; return 1; }
}
