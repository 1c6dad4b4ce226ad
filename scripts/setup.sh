#!/bin/bash
# Installs timeguard on this host and makes auditd run it:
#   1. installs the Debian dependencies (scripts/install-deps.sh),
#   2. builds and installs /usr/sbin/audisp-timeguard and /usr/bin/timeguard,
#   3. installs the audit rules, the auditd plugin entry and /etc/timeguard/timeguard.yaml
#      (an existing timeguard.yaml is kept),
#   4. starts rsyslog where nothing listens on /dev/log, loads the rules with augenrules and
#      restarts auditd so that it starts the plugin,
#   5. prints the loaded timeguard rules and the plugin's process.
# Usage: scripts/setup.sh [BUILD_DIR]   (default: build). Run as root.
# auditd stays running afterwards: that is the point of the setup.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$source_dir/build}
rules_file=/etc/audit/rules.d/60-timeguard.rules
plugin_conf=/etc/audit/plugins.d/audisp-timeguard.conf
config_file=/etc/timeguard/timeguard.yaml

log() {
  echo "setup: $*"
}

install_files() {
  "$source_dir/scripts/install-deps.sh"
  cmake -S "$source_dir" -B "$build_dir" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
  make -C "$build_dir" -j2
  cmake --install "$build_dir" --prefix /usr

  install -d -m 0750 /var/log/timeguard
  install -D -m 0640 "$source_dir/rules/timeguard.rules" "$rules_file"
  install -D -m 0640 "$source_dir/config/audisp-timeguard.conf" "$plugin_conf"
  if [[ -e $config_file ]]; then
    log "kept the existing $config_file"
  else
    install -D -m 0644 "$source_dir/config/timeguard.yaml" "$config_file"
  fi
}

# Print "systemd", "sysv" or "none": which init system can restart auditd here.
init_system() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    echo systemd
  elif [[ -x /etc/init.d/auditd ]] && [[ $(ps -o comm= -p 1) == init ]]; then
    echo sysv
  else
    echo none
  fi
}

# The plugin logs through syslog(3). Where nothing listens on /dev/log (containers and minimal
# VMs without systemd), install rsyslog and start it, so that the warnings land in
# /var/log/syslog instead of nowhere.
ensure_syslog() {
  [[ -S /dev/log ]] && return 0
  log "nothing listens on /dev/log; installing rsyslog so that the plugin's messages are kept"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends rsyslog
  if [[ $(init_system) == none ]]; then
    rsyslogd
  else
    service rsyslog start || systemctl start rsyslog
  fi
  for _ in $(seq 50); do
    [[ -S /dev/log ]] && return 0
    sleep 0.1
  done
  log "rsyslog did not create /dev/log; the plugin's messages will be lost until a syslog daemon runs"
}

# Load the rules and (re)start auditd so that it reads plugins.d and starts the plugin.
# Without an init system, setup stops a running auditd by pid and starts /sbin/auditd itself.
start_auditd() {
  augenrules --load
  case $(init_system) in
    systemd) systemctl restart auditd ;;
    sysv) service auditd restart ;;
    none)
      local pid
      pid=$(pgrep -o -x auditd || true)
      if [[ -n $pid ]]; then
        log "no init system manages auditd; stopping auditd pid $pid to restart it"
        kill -TERM "$pid"
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
      fi
      log "no init system manages auditd; starting /sbin/auditd directly"
      auditd
      ;;
  esac
}

# Wait up to 10 s for auditd to start the plugin, then print what timeguard watches.
print_status() {
  local plugin_pid=
  for _ in $(seq 50); do
    plugin_pid=$(pgrep -o -f '^/usr/sbin/audisp-timeguard( |$)' || true)
    [[ -n $plugin_pid ]] && break
    sleep 0.2
  done

  echo
  echo "Audit rules with key timeguard:"
  auditctl -l -k timeguard
  echo
  auditctl -s | grep -E '^(enabled|pid|backlog_limit|lost) '
  echo
  if [[ -n $plugin_pid ]]; then
    echo "Plugin: running, pid $plugin_pid: $(tr '\0' ' ' <"/proc/$plugin_pid/cmdline")"
  else
    echo "Plugin: not running. Check $plugin_conf and the auditd messages in syslog."
    return 1
  fi
}

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: run as root: it installs packages, audit rules and an auditd plugin" >&2
  exit 1
fi
install_files
ensure_syslog
start_auditd
print_status
