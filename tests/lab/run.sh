#!/bin/bash
# Clock-step lab: boots one throwaway QEMU guest (TCG) per scenario, steps the wall clock
# inside it only, and checks the plugin's JSON lines output and the client's address.
#
#   tests/lab/run.sh [--build-dir DIR] [--jobs N] [SCENARIO...]
#
# Without scenarios, runs all of them in the order below. Results go to
# BUILD_DIR/lab-results/SCENARIO/ (timeline.tsv, events.jsonl, console.log, logs).
# Environment:
#   TIMEGUARD_LAB_CACHE           kernel and initramfs cache, default BUILD_DIR/lab-cache
#   TIMEGUARD_LAB_JOBS            guests in parallel, default 2
#   TIMEGUARD_LAB_BOOT_TIMEOUT    seconds a probe guest may take to boot before the lab is
#                                 skipped, default 60
#   TIMEGUARD_LAB_SCENARIO_TIMEOUT  seconds a scenario guest may run before it is killed
#                                 and fails, default 240
#   TIMEGUARD_LAB_KERNEL_PACKAGE  Debian kernel image package, default the one that
#                                 linux-image-amd64 depends on
# Exit status: 0 all passed, 1 a scenario failed, 77 the lab cannot run here (skipped).
set -uo pipefail

readonly LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SOURCE_DIR=$(cd "$LAB_DIR/../.." && pwd)
readonly ALL_SCENARIOS=(backward_step backward_step_hook forward_step_expired control
                        dhclient_killed short_lifetime unattributed_step)

BUILD_DIR=$SOURCE_DIR/build
JOBS=${TIMEGUARD_LAB_JOBS:-2}
BOOT_TIMEOUT=${TIMEGUARD_LAB_BOOT_TIMEOUT:-60}
# Upper bound for one scenario guest, in host seconds. Boot, setup and at most 45 s of
# observation took 45-83 s under TCG with two to four guests on a 2-core host at load 5-6,
# so the rest is margin for a slower or busier host.
readonly SCENARIO_TIMEOUT=${TIMEGUARD_LAB_SCENARIO_TIMEOUT:-240}

log() { echo "lab: $*" >&2; }
skip() { log "SKIP: $*"; exit 77; }

parse_arguments() {
  SCENARIOS=()
  while (( $# > 0 )); do
    case $1 in
      --build-dir) BUILD_DIR=$(cd "${2:?--build-dir needs a directory}" && pwd); shift 2 ;;
      --jobs) JOBS=${2:?--jobs needs a number}; shift 2 ;;
      -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
      -*) log "unknown option $1; see --help"; exit 2 ;;
      *) SCENARIOS+=("$1"); shift ;;
    esac
  done
  (( ${#SCENARIOS[@]} > 0 )) || SCENARIOS=("${ALL_SCENARIOS[@]}")

  local name
  for name in "${SCENARIOS[@]}"; do
    [[ -f $LAB_DIR/scenarios/$name.sh ]] \
      || { log "unknown scenario $name; known: ${ALL_SCENARIOS[*]}"; exit 2; }
  done
  [[ $JOBS =~ ^[1-9][0-9]*$ ]] || { log "invalid --jobs $JOBS; expected a positive integer"; exit 2; }
}

check_prerequisites() {
  command -v qemu-system-x86_64 > /dev/null \
    || skip "qemu-system-x86_64 not found; install qemu-system-x86"
  qemu-system-x86_64 -device help 2>/dev/null | grep -q virtio-9p-pci \
    || skip "qemu-system-x86_64 has no virtio-9p-pci device, so the guest cannot reach the host tree"
  command -v jq > /dev/null || skip "jq not found; install jq"
  [[ -d $BUILD_DIR ]] || skip "build directory $BUILD_DIR not found; pass --build-dir"
}

# Boots one guest. $1 = runner script (host path), $2 = scenario name, $3 = result directory,
# $4 = timeout in seconds. The guest's serial console goes to RESULT_DIR/console.log.
boot_guest() {
  local runner=$1 scenario=$2 result_dir=$3 timeout_seconds=$4
  local append="console=ttyS0 quiet panic=-1 tg.runner=$runner tg.scenario=$scenario"
  append+=" tg.source=$SOURCE_DIR tg.build=$BUILD_DIR"

  timeout --kill-after=10 "$timeout_seconds" qemu-system-x86_64 \
    -accel tcg -machine pc -cpu max -m 512 -smp 1 \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$CACHE_DIR/vmlinux" -initrd "$CACHE_DIR/initramfs.cpio" -append "$append" \
    -serial "file:$result_dir/console.log" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$SOURCE_DIR,mount_tag=labsource,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$BUILD_DIR,mount_tag=labbuild,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$result_dir,mount_tag=labout,security_model=none" \
    > "$result_dir/qemu.log" 2>&1
}

# Boots a guest that only records its boot time, and skips the lab when it cannot boot in
# BOOT_TIMEOUT seconds (no TCG, or emulation too slow on this host).
probe_boot() {
  local result_dir=$RESULTS_DIR/probe
  rm -rf "$result_dir"
  mkdir -p "$result_dir"
  local started=$SECONDS
  boot_guest "$LAB_DIR/guest/probe.sh" probe "$result_dir" "$BOOT_TIMEOUT"
  [[ -s $result_dir/boot-seconds ]] \
    || skip "probe guest did not boot within $BOOT_TIMEOUT s; see $result_dir/console.log and qemu.log"
  log "probe guest booted in $(cat "$result_dir/boot-seconds") guest s, $((SECONDS - started)) s on the host"
}

# Runs one scenario guest and writes RESULT_DIR/verdict: PASS/FAIL, the reason, the metric.
run_scenario() {
  local name=$1
  local result_dir=$RESULTS_DIR/$name
  rm -rf "$result_dir"
  mkdir -p "$result_dir"

  local started=$SECONDS
  boot_guest "$LAB_DIR/guest/run_scenario.sh" "$name" "$result_dir" "$SCENARIO_TIMEOUT"
  local qemu_status=$? elapsed=$((SECONDS - started))

  local message status=PASS
  if (( qemu_status == 124 || qemu_status == 137 )); then
    status=FAIL
    message="guest killed after $SCENARIO_TIMEOUT s (see console.log)"
  elif ! message=$(check_scenario "$name" "$result_dir"); then
    status=FAIL
  fi
  # One line per verdict file: newlines and tabs in the message become separators.
  message=${message//$'\n'/ | }
  printf '%s\t%s\t%s\n' "$status" "$elapsed" "${message//$'\t'/ }" > "$result_dir/verdict"
}

# Runs the scenario's scenario_check on its results in a subshell; prints the metric on
# success and the failure reason otherwise.
check_scenario() {
  local name=$1
  (
    RESULT_DIR=$2
    source "$LAB_DIR/checks.sh"
    source "$LAB_DIR/scenarios/$name.sh"
    [[ -f $RESULT_DIR/timeline.tsv ]] || { echo "guest wrote no timeline (see console.log)"; exit 1; }
    scenario_check || exit 1
    echo "$METRIC"
  )
}

run_all_scenarios() {
  local name running=0
  for name in "${SCENARIOS[@]}"; do
    if (( running >= JOBS )); then
      wait -n
      running=$((running - 1))
    fi
    log "$name: booting guest"
    run_scenario "$name" &
    running=$((running + 1))
  done
  wait
}

report() {
  local name status elapsed message failed=0
  printf '%-22s %-5s %6s  %s\n' scenario result guest detail
  for name in "${SCENARIOS[@]}"; do
    IFS=$'\t' read -r status elapsed message < "$RESULTS_DIR/$name/verdict"
    printf '%-22s %-5s %5ss  %s\n' "$name" "$status" "$elapsed" "$message"
    [[ $status == PASS ]] || failed=1
  done
  return "$failed"
}

main() {
  parse_arguments "$@"
  check_prerequisites

  CACHE_DIR=${TIMEGUARD_LAB_CACHE:-$BUILD_DIR/lab-cache}
  "$LAB_DIR/prepare_cache.sh" "$CACHE_DIR"
  local status=$?
  (( status == 0 )) || exit "$status"

  RESULTS_DIR=$BUILD_DIR/lab-results
  mkdir -p "$RESULTS_DIR"
  local started=$SECONDS
  probe_boot
  run_all_scenarios
  # The table also goes to a file, because ctest shows a passing test's output to nobody.
  report | tee "$RESULTS_DIR/summary.txt"
  (( PIPESTATUS[0] == 0 ))
  status=$?
  log "results in $RESULTS_DIR, $((SECONDS - started)) s in total"
  exit "$status"
}

main "$@"
