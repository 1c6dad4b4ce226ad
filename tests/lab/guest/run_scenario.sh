#!/bin/bash
# Runs one lab scenario inside a throwaway QEMU guest. Never run it on a real host, because
# the scenarios step the wall clock and replace the audit rules.
#
#   run_scenario.sh SCENARIO SOURCE_DIR BUILD_DIR
#
# Sets up, in the guest: auditd with a private config dir and the timeguard rules, the
# audisp-timeguard plugin from BUILD_DIR, dnsmasq in a server namespace and ISC dhclient on
# the guest's own side of a veth pair. Then it runs the scenario's action and samples the
# client address once a second. Everything lands in /lab-out (the host's result directory):
#   timeline.tsv   <guest CLOCK_BOOTTIME seconds> TAB <event> TAB <detail>
#   events.jsonl   the plugin's JSON lines output
#   *.log          auditd, plugin stderr, dnsmasq and dhclient logs
# The client runs in the guest's initial network namespace because the plugin reads the
# addresses and DHCP clients of the namespace it runs in.
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

readonly SCENARIO=$1 SOURCE_DIR=$2 BUILD_DIR=$3
readonly LAB_DIR=$SOURCE_DIR/tests/lab
readonly OUT=/lab-out
readonly WORK=/tmp/lab
readonly EVENTS=/var/log/timeguard/events.jsonl
# Several processes append to the timeline at once. O_APPEND writes are atomic on tmpfs but
# not on the 9p result share, so the timeline lives in tmpfs until collect_logs copies it.
readonly TIMELINE=/tmp/lab-timeline.tsv
readonly SERVER_NS=tgserver
readonly CLIENT_IF=veth-client SERVER_IF=veth-server
readonly SERVER_ADDRESS=10.77.0.1

# Scenario defaults; each scenario file may override them. Times are seconds. dnsmasq grants
# no lease shorter than 120 s, so the client shortens it with dhclient's supersede.
LEASE_TIME=30
RENEWAL_TIME=15
REBINDING_TIME=26
HOOK_ENABLED=false
OBSERVE_SECONDS=45
WAIT_BEFORE_ACT=3

uptime_seconds() { cut -d' ' -f1 /proc/uptime; }

# Appends one line to the timeline; the time is CLOCK_BOOTTIME, which wall-clock steps do
# not move.
stamp() {
  printf '%s\t%s\t%s\n' "$(uptime_seconds)" "$1" "${2:-}" >> "$TIMELINE"
  echo "lab: $1 ${2:-}"
}

fail_setup() {
  stamp setup_failed "$1"
  collect_logs
  exit 1
}

# Prints the audit rules to load: the project's rule file when it exists, otherwise an
# equivalent set that audits every syscall able to change CLOCK_REALTIME.
write_audit_rules() {
  if [[ -f $SOURCE_DIR/rules/timeguard.rules ]]; then
    cp "$SOURCE_DIR/rules/timeguard.rules" "$WORK/audit.rules"
    stamp rules "$SOURCE_DIR/rules/timeguard.rules"
    return
  fi
  cat > "$WORK/audit.rules" <<'RULES'
-a always,exit -F arch=b64 -S settimeofday,clock_settime,adjtimex,clock_adjtime -k timeguard
-a always,exit -F arch=b32 -S settimeofday,clock_settime,adjtimex,clock_adjtime,stime -k timeguard
RULES
  stamp rules "built-in fallback (rules/timeguard.rules not found)"
}

# Writes the plugin configuration (keys as in config/timeguard.yaml) and the wrapper that
# auditd starts. The wrapper records the plugin's pid and passes --json, which also sends the
# plugin's log messages to stderr: the guest runs no syslog daemon.
write_plugin_config() {
  mkdir -p /var/log/timeguard
  cat > "$WORK/timeguard.yaml" <<YAML
log:
  level: debug
output:
  json_file: $EVENTS
network:
  enabled: true
  # Short, so that a dead client is noticed well within a 30 s lease.
  check_interval_s: 5
clock_jump:
  enabled: true
YAML
  if [[ $HOOK_ENABLED == true ]]; then
    cat >> "$WORK/timeguard.yaml" <<'YAML'
hooks:
  default:
    action: hook
    dry_run: false
    preset: dhclient
YAML
  fi
  cat > "$WORK/audisp-timeguard" <<WRAPPER
#!/bin/bash
echo \$\$ > $WORK/plugin.pid
exec "$BUILD_DIR/audisp-timeguard" "$WORK/timeguard.yaml" --json "$EVENTS" \\
  2>> /var/log/timeguard/plugin.stderr
WRAPPER
  chmod 750 "$WORK/audisp-timeguard"
}

start_auditd() {
  local config=$WORK/audit-config
  mkdir -p "$config/plugins.d" /var/log/audit
  cat > "$config/auditd.conf" <<CONF
log_file = /var/log/audit/audit.log
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 20
write_logs = yes
num_logs = 2
max_log_file = 64
max_log_file_action = ROTATE
space_left = 16
space_left_action = IGNORE
admin_space_left = 8
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
q_depth = 2000
plugin_dir = $config/plugins.d
CONF
  cat > "$config/plugins.d/timeguard.conf" <<CONF
active = yes
direction = out
path = $WORK/audisp-timeguard
type = always
format = string
CONF
  chmod 640 "$config/auditd.conf" "$config/plugins.d/timeguard.conf"

  auditd -c "$config" || fail_setup "auditd -c $config failed"
  local tries
  for tries in $(seq 50); do
    [[ -s $WORK/plugin.pid ]] && break
    sleep 0.2
  done
  [[ -s $WORK/plugin.pid ]] || stamp plugin_not_started "no pid after 10 s"

  auditctl -R "$WORK/audit.rules" > "$WORK/auditctl.out" 2>&1 \
    || fail_setup "auditctl -R failed: $(tr '\n' ' ' < "$WORK/auditctl.out")"
  auditctl -e 1 > /dev/null
  stamp auditd "pid=$(cat /run/auditd.pid 2>/dev/null) plugin_pid=$(cat "$WORK/plugin.pid" 2>/dev/null)"
}

start_dhcp_server() {
  ip netns add "$SERVER_NS" || fail_setup "ip netns add failed"
  ip link add "$CLIENT_IF" type veth peer name "$SERVER_IF" || fail_setup "veth failed"
  ip link set "$SERVER_IF" netns "$SERVER_NS"
  ip -n "$SERVER_NS" addr add "$SERVER_ADDRESS/24" dev "$SERVER_IF"
  ip -n "$SERVER_NS" link set "$SERVER_IF" up
  ip -n "$SERVER_NS" link set lo up
  ip link set "$CLIENT_IF" up

  ip netns exec "$SERVER_NS" dnsmasq --keep-in-foreground --port=0 \
    --interface="$SERVER_IF" --bind-interfaces --dhcp-range=10.77.0.10,10.77.0.50,2m \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --dhcp-authoritative --log-dhcp \
    --log-facility=/var/log/dnsmasq.log --pid-file="$WORK/dnsmasq.pid" &
  stamp dnsmasq "pid=$!"
}

start_dhcp_client() {
  cat > "$WORK/dhclient.conf" <<CONF
supersede dhcp-lease-time $LEASE_TIME;
supersede dhcp-renewal-time $RENEWAL_TIME;
supersede dhcp-rebinding-time $REBINDING_TIME;
request subnet-mask, broadcast-address, routers;
CONF
  dhclient -4 -d -v -cf "$WORK/dhclient.conf" -lf /var/lib/dhcp/dhclient.leases \
    -pf /run/dhclient.pid "$CLIENT_IF" > /var/log/dhclient.log 2>&1 &
  DHCLIENT_PID=$!
  stamp dhclient "pid=$DHCLIENT_PID lease=$LEASE_TIME renewal=$RENEWAL_TIME rebinding=$REBINDING_TIME"

  local tries
  for tries in $(seq 60); do
    [[ -n $(client_valid_lft) ]] && { stamp ready "valid_lft=$(client_valid_lft)"; return; }
    sleep 0.5
  done
  fail_setup "no DHCP address on $CLIENT_IF after 30 s"
}

# Runs a command in the background and waits for it, so that ACT_PID contains the pid that the
# audit records of its syscalls carry.
run_recording_pid() {
  "$@" &
  ACT_PID=$!
  wait "$ACT_PID"
}

# Prints the client's IPv4 address with its prefix length, e.g. 10.77.0.23/24.
client_address_with_prefix() {
  ip -j -4 addr show dev "$CLIENT_IF" \
    | jq -r '.[0].addr_info[]? | select(.family == "inet") | "\(.local)/\(.prefixlen)"' | head -n 1
}

# Prints the valid_lft in seconds of the client's IPv4 address, or nothing without one.
client_valid_lft() {
  ip -j -4 addr show dev "$CLIENT_IF" 2>/dev/null \
    | jq -r '.[0].addr_info[]? | select(.family == "inet") | .valid_life_time' 2>/dev/null \
    | head -n 1
}

# Samples the address once a second for OBSERVE_SECONDS, stamping addr (each sample),
# addr_gone, addr_back and renewed (valid_lft went up). The watchers started by
# start_watchers add the exact times of removals and of the plugin's output lines.
observe() {
  local previous=$(client_valid_lft) current
  local end=$(( $(cut -d. -f1 /proc/uptime) + OBSERVE_SECONDS ))

  while (( $(cut -d. -f1 /proc/uptime) < end )); do
    current=$(client_valid_lft)
    if [[ -z $current && -n $previous ]]; then
      stamp addr_gone ""
    elif [[ -n $current && -z $previous ]]; then
      stamp addr_back "valid_lft=$current"
    elif [[ -n $current ]] && (( current > previous )); then
      stamp renewed "valid_lft=$current previous=$previous"
    fi
    [[ -n $current ]] && stamp addr "valid_lft=$current"
    previous=$current
    sleep 1
  done
}

# Stamps each kernel address notification on the client interface as a `monitor` line, so
# that a removal shorter than the sampling interval still shows ("Deleted ... inet ..."), and
# each line the plugin writes as a `json` line, as soon as it appears.
start_watchers() {
  ip monitor address dev "$CLIENT_IF" 2>&1 | while IFS= read -r line; do stamp monitor "$line"; done &
  WATCHER_PIDS=($!)
  tail -n +1 -F "$EVENTS" 2>/dev/null | while IFS= read -r line; do stamp json "$line"; done &
  WATCHER_PIDS+=($!)
}

collect_logs() {
  cp /var/log/audit/audit.log "$OUT/audit.log" 2>/dev/null
  cp "$EVENTS" "$OUT/events.jsonl" 2>/dev/null
  cp /var/log/timeguard/plugin.stderr "$OUT/plugin.stderr" 2>/dev/null
  cp /var/log/dnsmasq.log "$OUT/dnsmasq.log" 2>/dev/null
  cp /var/log/dhclient.log "$OUT/dhclient.log" 2>/dev/null
  cp /var/lib/dhcp/dhclient.leases "$OUT/dhclient.leases" 2>/dev/null
  cp "$WORK/timeguard.yaml" "$WORK/audit.rules" "$OUT/" 2>/dev/null
  auditctl -l > "$OUT/auditctl-l.txt" 2>&1
  ip -j addr > "$OUT/ip-addr.json" 2>&1
  ps -eo pid,ppid,stat,etimes,args > "$OUT/ps.txt" 2>&1
  cp "$TIMELINE" "$OUT/timeline.tsv"
}

main() {
  mkdir -p "$WORK"
  : > "$TIMELINE"
  stamp start "scenario=$SCENARIO source=$SOURCE_DIR build=$BUILD_DIR"
  [[ -f $LAB_DIR/scenarios/$SCENARIO.sh ]] || fail_setup "no scenario file $SCENARIO.sh"
  # shellcheck source=/dev/null
  source "$LAB_DIR/scenarios/$SCENARIO.sh"
  [[ -x $BUILD_DIR/audisp-timeguard ]] || stamp plugin_missing "$BUILD_DIR/audisp-timeguard"

  write_audit_rules
  write_plugin_config
  start_auditd
  start_dhcp_server
  start_dhcp_client
  sleep "$WAIT_BEFORE_ACT"

  start_watchers
  stamp act_begin "$SCENARIO_ACTION"
  ACT_PID=
  scenario_act
  stamp act_end "status=$? pid=${ACT_PID:-}"
  observe

  local plugin_pid
  plugin_pid=$(cat "$WORK/plugin.pid" 2>/dev/null)
  if [[ -n $plugin_pid ]] && kill -0 "$plugin_pid" 2>/dev/null; then
    stamp plugin_alive "pid=$plugin_pid"
  else
    stamp plugin_dead "pid=${plugin_pid:-none}"
  fi
  kill "${WATCHER_PIDS[@]}" 2>/dev/null
  stamp done ""
  collect_logs
}

main
