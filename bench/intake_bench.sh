#!/bin/bash
# Compares intake throughput on one captured audit stream (bench/capture_stream.sh):
#   plugin  BUILD_DIR/audisp-timeguard --json /dev/null  (the real intake, output discarded)
#   naive   BUILD_DIR/bench/naive_auparse                 (every line through auparse_feed)
#   wc      wc -l                                         (reading the lines, no parsing)
# Each command reads the file from a pipe (bench/paced_feed.py), as a plugin reads auditd's
# pipe. The table shows the best of RUNS runs, the time per MB over the first and the last
# quarter of the file (a rising last quarter means per-event cost grows with the stream), and
# the max RSS that /usr/bin/time -v reports for one run with the file on stdin.
# Usage: bench/intake_bench.sh FILE BUILD_DIR [RUNS]   (default RUNS=3)
set -euo pipefail

file=$(realpath "$1")
build_dir=$(realpath "$2")
runs=${3:-3}
bench_dir=$(cd "$(dirname "$0")" && pwd)
megabytes=$(awk -v bytes="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", bytes / 1048576 }')

# Print "seconds q1_seconds q4_seconds" of the fastest of RUNS paced runs of a command.
best_paced_run() {
  local run
  for run in $(seq "$runs"); do
    python3 "$bench_dir/paced_feed.py" "$file" "$@" |
      jq -r '"\(.seconds) \(.quarter_seconds[0]) \(.quarter_seconds[3]) \(.status)"'
  done | sort -n | head -n 1
}

# Print the max RSS in MiB of one run of a command with the file on stdin.
max_rss_mib() {
  local report
  report=$(mktemp)
  /usr/bin/time -v -o "$report" "$@" <"$file" >/dev/null 2>&1 || true
  awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$report"
  rm -f "$report"
}

declare -A throughput
# Measure one command and print its row of the table.
measure() {
  local name=$1
  shift
  local seconds first last status
  read -r seconds first last status < <(best_paced_run "$@")
  if [[ $status != 0 ]]; then
    echo "intake_bench: $name exited with status $status; its figures are not valid" >&2
  fi
  throughput[$name]=$(awk -v mb="$megabytes" -v s="$seconds" 'BEGIN { printf "%.1f", mb / s }')
  awk -v name="$name" -v mb="$megabytes" -v s="$seconds" -v q1="$first" -v q4="$last" \
    -v rss="$(max_rss_mib "$@")" -v mbps="${throughput[$name]}" 'BEGIN {
      quarter = mb / 4
      printf "%-8s %10.3f %10s %14.2f %14.2f %10s\n", name, s, mbps,
             q1 * 1000 / quarter, q4 * 1000 / quarter, rss
    }'
}

echo "stream: $file ($megabytes MB, $(wc -l <"$file") lines); best of $runs runs"
echo "host: $(nproc) CPUs, $(uname -r), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
printf "%-8s %10s %10s %14s %14s %10s\n" tool seconds "MB/s" "ms/MB Q1" "ms/MB Q4" "RSS MiB"

plugin=$build_dir/audisp-timeguard
naive=$build_dir/bench/naive_auparse
if [[ -x $plugin ]]; then
  measure plugin "$plugin" --json /dev/null
else
  echo "plugin   not built: $plugin"
fi
if [[ -x $naive ]]; then
  measure naive "$naive"
else
  echo "naive    not built: $naive (add_subdirectory(bench) to CMakeLists.txt)"
fi
measure wc wc -l

# Ratios of throughput (MB/s), for the tools that ran.
ratio() {
  [[ -n ${throughput[$1]:-} && -n ${throughput[$2]:-} ]] || return 0
  awk -v a="${throughput[$1]}" -v b="${throughput[$2]}" -v label="$1/$2" \
    'BEGIN { printf "ratio %s: %.2f\n", label, a / b }'
}
ratio plugin naive
ratio plugin wc
ratio naive wc
