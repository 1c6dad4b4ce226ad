#!/bin/bash
# Captures a mixed audit stream from the real kernel into OUTPUT for bench/intake_bench.sh.
# A private auditd (tests/integration/lib/auditd_harness.sh) logs in RAW format, which is the
# line format auditd also writes to a "format = string" plugin. Broad syscall rules with key
# tgbench record a concurrent file and process workload, and rules/timeguard.rules adds the
# clock events of a few clock_poke runs. Capture stops when the log reaches SIZE_MB.
# Usage: bench/capture_stream.sh BUILD_DIR SOURCE_DIR OUTPUT [SIZE_MB]   (default 100). Root.
set -euo pipefail

output=$(realpath -m "$3")
target_mb=${4:-100}
readonly workers=4           # workload loops; each is one shell with its own children
readonly poke_runs=5         # clock_poke runs spread over the capture
readonly max_seconds=900     # stop even if the log grows slower than expected

# A kernel backlog of 64 (the default without auditd) drops records under this load.
HARNESS_BACKLOG_LIMIT=16384
source "$2/tests/integration/lib/auditd_harness.sh"
harness_init "$1" "$2"
poke=$HARNESS_BUILD_DIR/tests/clock_poke
[[ -x $poke ]] || { echo "capture_stream: $poke not found: build clock_poke" >&2; exit 1; }
harness_start

# auditd's own writes would feed back into the log, so its pid gets a never rule first.
rules=$HARNESS_DIR/tgbench.rules
cat >"$rules" <<EOF
-a never,exit -F arch=b64 -S all -F pid=$HARNESS_AUDITD_PID -F key=tgbench
-a always,exit -F arch=b64 -S openat,read,write,close,execve,newfstatat,getdents64,clone,wait4 -F key=tgbench
EOF
harness_load_rules "$rules" tgbench
lost_before=$(harness_status_field lost)

# Each worker lists and reads files under /usr/share/doc and starts short shells until it
# is killed.
workload() {
  set +e +o pipefail  # head closes the pipe early by design
  while true; do
    find /usr/share/doc -maxdepth 2 -type f -name '*.gz' 2>/dev/null | head -n 50 |
      xargs -r cat >/dev/null 2>&1
    for _ in 1 2 3 4 5; do sh -c 'cat /etc/hostname /etc/os-release >/dev/null'; done
  done
}

worker_pids=()
for _ in $(seq "$workers"); do
  workload &
  worker_pids+=($!)
done
harness_add_cleanup "kill ${worker_pids[*]} 2>/dev/null; wait ${worker_pids[*]} 2>/dev/null; true"

target_bytes=$((target_mb * 1024 * 1024))
poke_every=$((target_bytes / (poke_runs + 1)))
next_poke=$poke_every
deadline=$((SECONDS + max_seconds))
size=0
while ((SECONDS < deadline)); do
  size=$(stat -c %s "$HARNESS_LOG" 2>/dev/null || echo 0)
  ((size >= target_bytes)) && break
  if ((size >= next_poke)); then
    "$poke" >/dev/null
    next_poke=$((next_poke + poke_every))
  fi
  sleep 0.5
done

kill "${worker_pids[@]}" 2>/dev/null || true
wait "${worker_pids[@]}" 2>/dev/null || true
auditctl -D -k tgbench >/dev/null
lost=$(($(harness_status_field lost) - lost_before))
harness_stop_auditd

mkdir -p "$(dirname "$output")"
mv "$HARNESS_LOG" "$output"
echo "capture_stream: wrote $(stat -c %s "$output") bytes, $(wc -l <"$output") lines to $output"
echo "capture_stream: the kernel dropped $lost records during the capture (auditctl -s lost)"
