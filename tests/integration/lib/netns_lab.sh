# shellcheck shell=bash
# Namespace lab: a DHCP server and a real ISC dhclient in two private network namespaces,
# joined by a veth pair, so tests can read a live lease without touching the host's network.
#
#   source "$SOURCE_DIR/tests/integration/lib/netns_lab.sh"
#   lab_require                      # exits 77 (skipped) when the lab cannot run here
#   lab_start                        # namespaces, veth pair, dnsmasq; cleanup runs on EXIT
#   lab_start_dhclient [OFFSET_S]    # dhclient in the client namespace, waits for the lease;
#                                    # OFFSET_S shifts dhclient's wall clock (see below)
#   lab_in_client timeguard status   # runs a command inside the client namespace
#   lab_kill PID                     # stops one process the lab started
#   lab_track_pid PID                # adds a pid for lab_cleanup to stop
#   lab_expect_eq / lab_expect_between  assertions that fail the test with the value
#
# Layout: namespaces tg<pid>srv and tg<pid>cli, interfaces tg<pid>s and tg<pid>c, subnet
# 10.77.41.0/24 inside the namespaces only. dnsmasq serves 10.77.41.100-150 with a 120 s lease
# (dnsmasq's minimum) and sends neither router nor DNS options, so dhclient-script never
# rewrites /etc/resolv.conf. The veth ends are created directly inside the namespaces.
#
# Variables set for the caller:
#   LAB_DIR             temporary directory with configs, leases, pid files and logs
#   LAB_SERVER_NS       LAB_CLIENT_NS       namespace names
#   LAB_SERVER_IF       LAB_CLIENT_IF       interface names inside them
#   LAB_SERVER_ADDRESS  the server's address (10.77.41.1)
#   LAB_LEASE_SECONDS   lease time dnsmasq grants (120)
#   LAB_LEASE_FILE      dhclient's -lf file;  LAB_DHCLIENT_PID, LAB_DNSMASQ_PID
#   LAB_CLIENT_ADDRESS  the address dhclient was given
# Set LAB_KEEP=1 to keep LAB_DIR after the run for debugging (namespaces are always removed).
#
# A wall-clock step is emulated without moving this machine's clock: lab_start_dhclient +3600
# runs dhclient under libfaketime with its wall clock 3600 s ahead, so its lease file holds the
# schedule a client writes an hour before a step back of 3600 s. Everything else in the lab,
# and any dhclient a hook starts, reads the real clock, which is the clock after that step.
# Only CLOCK_REALTIME is shifted, so dhclient's monotonic timers and the kernel lifetimes
# are unchanged.

LAB_SUBNET_PREFIX=10.77.41
LAB_SERVER_ADDRESS=$LAB_SUBNET_PREFIX.1
LAB_LEASE_SECONDS=120
LAB_PIDS=()

# Prints a message and exits 77, which ctest reports as skipped.
lab_skip() {
  echo "SKIP: $*" >&2
  exit 77
}

# Prints a message and exits 1; the EXIT trap cleans up.
lab_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Exits 77 unless this shell is root and has ip netns, veth, dnsmasq, dhclient and jq.
lab_require() {
  [ "$(id -u)" = 0 ] || lab_skip "needs root to create network namespaces"
  local tool
  for tool in ip dnsmasq dhclient jq; do
    command -v "$tool" >/dev/null || lab_skip "$tool not found"
  done
  [ -x /sbin/dhclient-script ] || lab_skip "/sbin/dhclient-script not found"

  local probe="tg$$probe"
  ip netns add "$probe" 2>/dev/null || lab_skip "ip netns add failed: network namespaces unavailable"
  ip netns del "$probe"
}

# Creates the namespaces, the veth pair and starts dnsmasq. Installs lab_cleanup as EXIT trap.
lab_start() {
  LAB_SERVER_NS="tg$$srv"
  LAB_CLIENT_NS="tg$$cli"
  LAB_SERVER_IF="tg$$s"
  LAB_CLIENT_IF="tg$$c"
  LAB_DIR=$(mktemp -d /tmp/timeguard-lab.XXXXXX)
  LAB_RESOLV_SUM=$(lab_host_config_sum)
  trap lab_cleanup EXIT

  ip netns add "$LAB_SERVER_NS" || lab_fail "ip netns add $LAB_SERVER_NS failed"
  ip netns add "$LAB_CLIENT_NS" || lab_fail "ip netns add $LAB_CLIENT_NS failed"
  ip link add "$LAB_SERVER_IF" netns "$LAB_SERVER_NS" type veth \
    peer name "$LAB_CLIENT_IF" netns "$LAB_CLIENT_NS" || lab_fail "creating the veth pair failed"

  ip -n "$LAB_SERVER_NS" link set lo up
  ip -n "$LAB_CLIENT_NS" link set lo up
  ip -n "$LAB_SERVER_NS" addr add "$LAB_SERVER_ADDRESS/24" dev "$LAB_SERVER_IF"
  ip -n "$LAB_SERVER_NS" link set "$LAB_SERVER_IF" up
  ip -n "$LAB_CLIENT_NS" link set "$LAB_CLIENT_IF" up

  lab_start_dnsmasq
}

# Starts dnsmasq in the server namespace in the foreground of a background job, so $! is its pid.
lab_start_dnsmasq() {
  ip netns exec "$LAB_SERVER_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null \
    --no-resolv --no-hosts --port=0 --bind-interfaces --interface="$LAB_SERVER_IF" \
    --dhcp-range="$LAB_SUBNET_PREFIX.100,$LAB_SUBNET_PREFIX.150,255.255.255.0,$LAB_LEASE_SECONDS" \
    --dhcp-option=3 --dhcp-option=6 --dhcp-authoritative \
    --dhcp-leasefile="$LAB_DIR/dnsmasq.leases" --pid-file="$LAB_DIR/dnsmasq.pid" \
    --user=root --group=root --log-dhcp --log-facility="$LAB_DIR/dnsmasq.log" \
    >"$LAB_DIR/dnsmasq.out" 2>&1 &
  LAB_DNSMASQ_PID=$!
  LAB_PIDS+=("$LAB_DNSMASQ_PID")

  sleep 0.5
  kill -0 "$LAB_DNSMASQ_PID" 2>/dev/null || lab_fail "dnsmasq exited: $(cat "$LAB_DIR/dnsmasq.out")"
}

# Sets LAB_FAKETIME_LIBRARY, or exits 77 when libfaketime (Debian package libfaketime) is missing.
lab_require_faketime() {
  local candidate
  for candidate in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
    [ -r "$candidate" ] && { LAB_FAKETIME_LIBRARY=$candidate; return 0; }
  done
  lab_skip "libfaketime.so.1 not found: install the Debian package libfaketime"
}

# Starts ISC dhclient (foreground, IPv4) in the client namespace with its own -cf/-lf/-pf in
# LAB_DIR and Debian's /sbin/dhclient-script, then waits up to 30 s for the dynamic address.
# With OFFSET_S (e.g. +3600 or -3600), dhclient's wall clock runs that many seconds off the
# real one. The offset stays inside dhclient: it starts dhclient-script with an environment
# of its own, which has no LD_PRELOAD.
lab_start_dhclient() {
  local offset=${1:-}
  local prefix=()
  if [ -n "$offset" ]; then
    lab_require_faketime
    prefix=(env "LD_PRELOAD=$LAB_FAKETIME_LIBRARY" "FAKETIME=$offset" FAKETIME_DONT_FAKE_MONOTONIC=1)
  fi
  LAB_LEASE_FILE="$LAB_DIR/dhclient.leases"
  printf 'request subnet-mask, broadcast-address;\n' >"$LAB_DIR/dhclient.conf"

  # env execs dhclient, so $! is dhclient's pid in both cases.
  ip netns exec "$LAB_CLIENT_NS" "${prefix[@]}" dhclient -4 -d -v -cf "$LAB_DIR/dhclient.conf" \
    -lf "$LAB_LEASE_FILE" -pf "$LAB_DIR/dhclient.pid" "$LAB_CLIENT_IF" \
    >"$LAB_DIR/dhclient.log" 2>&1 &
  LAB_DHCLIENT_PID=$!
  LAB_PIDS+=("$LAB_DHCLIENT_PID")

  local waited
  for waited in $(seq 1 60); do
    LAB_CLIENT_ADDRESS=$(ip -n "$LAB_CLIENT_NS" -4 -o addr show dev "$LAB_CLIENT_IF" scope global |
      awk '/dynamic/ { split($4, a, "/"); print a[1]; exit }')
    [ -n "$LAB_CLIENT_ADDRESS" ] && [ -s "$LAB_LEASE_FILE" ] && return 0
    kill -0 "$LAB_DHCLIENT_PID" 2>/dev/null || lab_fail "dhclient exited: $(cat "$LAB_DIR/dhclient.log")"
    sleep 0.5
  done
  lab_fail "no lease after 30 s; dhclient log: $(cat "$LAB_DIR/dhclient.log")"
}

# Fails unless "$2" equals "$3"; $1 names the value in the message.
lab_expect_eq() {
  [ "$2" = "$3" ] || lab_fail "$1: expected \"$3\", got \"$2\""
}

# Fails unless the integer "$2" lies in [$3, $4]; $1 names the value in the message.
lab_expect_between() {
  [[ "$2" =~ ^-?[0-9]+$ ]] || lab_fail "$1: expected a number in [$3, $4], got \"$2\""
  { [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; } || lab_fail "$1: expected a value in [$3, $4], got $2"
}

# Runs a command inside the client namespace.
lab_in_client() {
  ip netns exec "$LAB_CLIENT_NS" "$@"
}

# Adds a pid that a test started indirectly (e.g. a dhclient a hook daemonized) to the
# processes lab_cleanup stops. Register only pids verified to belong to this test.
lab_track_pid() {
  LAB_PIDS+=("$1")
}

# Stops one process the lab started or tracks: SIGTERM, up to 2 s, then SIGKILL. Ignores other pids.
lab_kill() {
  local pid=$1 known=0 candidate
  for candidate in "${LAB_PIDS[@]}"; do
    [ "$candidate" = "$pid" ] && known=1
  done
  [ "$known" = 1 ] || { echo "lab_kill: $pid was not started by the lab" >&2; return 1; }

  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  local i
  for i in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# Checksum of host files a misbehaving dhclient-script could rewrite.
lab_host_config_sum() {
  cat /etc/resolv.conf /etc/hostname 2>/dev/null | md5sum
}

# Stops the lab's processes by pid, deletes both namespaces (which removes the veth pair) and
# the temporary directory, and reports if /etc/resolv.conf or /etc/hostname changed.
lab_cleanup() {
  local status=$?
  local pid
  for pid in "${LAB_PIDS[@]}"; do
    lab_kill "$pid"
  done
  [ -n "${LAB_CLIENT_NS:-}" ] && ip netns del "$LAB_CLIENT_NS" 2>/dev/null
  [ -n "${LAB_SERVER_NS:-}" ] && ip netns del "$LAB_SERVER_NS" 2>/dev/null

  if [ -n "${LAB_RESOLV_SUM:-}" ] && [ "$(lab_host_config_sum)" != "$LAB_RESOLV_SUM" ]; then
    echo "WARNING: /etc/resolv.conf or /etc/hostname changed during the lab run" >&2
    status=1
  fi
  if [ -n "${LAB_DIR:-}" ] && [ -z "${LAB_KEEP:-}" ]; then
    rm -rf "$LAB_DIR"
  elif [ -n "${LAB_DIR:-}" ]; then
    echo "lab files kept in $LAB_DIR" >&2
  fi
  exit "$status"
}
