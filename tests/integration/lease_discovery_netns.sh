#!/usr/bin/env bash
# Runs a real ISC dhclient against dnsmasq, each inside a network namespace this script creates
# and joined by a veth pair, then checks that discovery finds the dhclient process, its -lf file
# and the lease it wrote. Nothing runs on the host's own interfaces, and dhclient gets a private
# hook script, so /etc/resolv.conf and the host's routes are never touched.
# Usage: lease_discovery_netns.sh BUILD_DIR SOURCE_DIR. Exit 77 = cannot run here.
set -u

build_dir=${1:?usage: $0 BUILD_DIR SOURCE_DIR}
unit_tests="$build_dir/tests/unit_tests"

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root to create network namespaces"
  exit 77
fi
for tool in ip dnsmasq dhclient; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not installed"
    exit 77
  fi
done
if [ ! -x "$unit_tests" ]; then
  echo "SKIP: $unit_tests not built"
  exit 77
fi

server_ns="tg$$s"
client_ns="tg$$c"
server_if="tg$$s0"
client_if="tg$$c0"
work_dir=$(mktemp -d /tmp/tg-netns-XXXXXX)
started_pids=()

cleanup() {
  for pid in "${started_pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${started_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  ip netns del "$client_ns" 2>/dev/null
  ip netns del "$server_ns" 2>/dev/null
  rm -rf "$work_dir"
}
trap cleanup EXIT

if ! ip netns add "$server_ns" 2>/dev/null; then
  echo "SKIP: ip netns add failed (no namespace support here)"
  exit 77
fi
ip netns add "$client_ns" || exit 1
ip -n "$server_ns" link add "$server_if" type veth peer name "$client_if" netns "$client_ns" || exit 1
ip -n "$server_ns" addr add 10.231.0.1/24 dev "$server_if" || exit 1
ip -n "$server_ns" addr add fd5e:231::1/64 dev "$server_if" nodad || exit 1
ip -n "$server_ns" link set "$server_if" up || exit 1
ip -n "$server_ns" link set lo up || exit 1
ip -n "$client_ns" link set "$client_if" up || exit 1
ip -n "$client_ns" link set lo up || exit 1

# dnsmasq as a DHCPv4 and DHCPv6 server only (port=0 turns DNS off), 2-minute leases.
ip netns exec "$server_ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
  --no-resolv --no-hosts --bind-interfaces --interface="$server_if" --except-interface=lo \
  --dhcp-range=10.231.0.10,10.231.0.50,255.255.255.0,2m \
  --dhcp-range=fd5e:231::10,fd5e:231::50,64,2m --dhcp-authoritative \
  --dhcp-leasefile="$work_dir/dnsmasq.leases" --pid-file="$work_dir/dnsmasq.pid" \
  --log-facility="$work_dir/dnsmasq.log" &
started_pids+=($!)

# The hook script only configures the address inside the client namespace.
cat >"$work_dir/hook.sh" <<'HOOK'
#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT)
    ip addr replace "$new_ip_address/${new_subnet_mask:-255.255.255.0}" dev "$interface" ;;
  BOUND6|RENEW6|REBIND6|REBOOT6)
    ip -6 addr replace "$new_ip6_address/128" dev "$interface" nodad ;;
esac
exit 0
HOOK
chmod +x "$work_dir/hook.sh"
: >"$work_dir/dhclient.conf"

lease_file="$work_dir/dhclient.$client_if.leases"
pid_file="$work_dir/dhclient.$client_if.pid"
ip netns exec "$client_ns" dhclient -4 -d -v -cf "$work_dir/dhclient.conf" -sf "$work_dir/hook.sh" \
  -lf "$lease_file" -pf "$pid_file" "$client_if" >"$work_dir/dhclient.log" 2>&1 &
dhclient_pid=$!
started_pids+=("$dhclient_pid")

# dhclient -6 sends from the link-local address, which must finish duplicate address detection.
for _ in $(seq 1 20); do
  if ! ip -n "$client_ns" -6 addr show dev "$client_if" | grep -q tentative; then
    break
  fi
  sleep 0.5
done
lease6_file="$work_dir/dhclient6.$client_if.leases"
ip netns exec "$client_ns" dhclient -6 -d -v -cf "$work_dir/dhclient.conf" -sf "$work_dir/hook.sh" \
  -lf "$lease6_file" -pf "$work_dir/dhclient6.$client_if.pid" "$client_if" >"$work_dir/dhclient6.log" 2>&1 &
started_pids+=($!)

# Waits up to 30 s for FILE to contain PATTERN.
wait_for() {
  for _ in $(seq 1 60); do
    if grep -q "$2" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "FAIL: $1 has no $2 after 30 s"
  return 1
}
wait_for "$lease_file" "fixed-address" || { cat "$work_dir/dhclient.log"; exit 1; }
wait_for "$lease6_file" "iaaddr" || { cat "$work_dir/dhclient6.log"; exit 1; }
echo "dhclient pid=$dhclient_pid lease files:"
cat "$lease_file" "$lease6_file"

TIMEGUARD_NETNS_INTERFACE="$client_if" TIMEGUARD_NETNS_LEASE_FILE="$lease_file" \
  TIMEGUARD_NETNS_PID_FILE="$pid_file" TIMEGUARD_NETNS_DHCLIENT_PID="$dhclient_pid" \
  "$unit_tests" "[netns]"
