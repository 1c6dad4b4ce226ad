#!/bin/bash
# Installs every Debian package that the build, the tests and the network lab need.
# This list is the only place that names them. Run as root on Debian 12 or later.
set -euo pipefail

packages=(
  # build
  cmake make g++ pkg-config
  libaudit-dev libauparse-dev libspdlog-dev libyaml-cpp-dev nlohmann-json3-dev
  libnl-3-dev libnl-route-3-dev
  # unit tests
  catch2
  # runtime and integration tests: auditd/auditctl/ausyscall, pgrep, setpriv, flock, jq
  auditd procps util-linux jq
  # network lab: namespaces, veth pairs, DHCP server and client
  iproute2 dnsmasq-base isc-dhcp-client
  # network lab: libfaketime shifts one dhclient's wall clock to emulate a step
  libfaketime
  # clock-step lab: a QEMU guest (TCG) with a busybox initramfs; the guest kernel is fetched
  # with apt-get download at test time and unpacked, never installed
  qemu-system-x86 busybox-static xz-utils cpio gzip
  # benchmark: /usr/bin/time -v for the max RSS
  time
)

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: run as root (apt-get needs it)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Wait up to 5 min for another apt or dpkg run to release its lock.
apt-get -o DPkg::Lock::Timeout=300 update
apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${packages[@]}"
