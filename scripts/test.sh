#!/bin/bash
# Installs the dependencies, builds timeguard and runs every unit and integration test.
# Usage: scripts/test.sh [BUILD_DIR]   (default: build). Run as root: the integration tests
# start a private auditd and skip (ctest reports "Not Run") without root or kernel audit.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$source_dir/build}

"$source_dir/scripts/install-deps.sh"
cmake -S "$source_dir" -B "$build_dir" -G "Unix Makefiles"
make -C "$build_dir" -j2
cd "$build_dir"
rm -f "$build_dir/lab-results/summary.txt"
status=0
ctest --output-on-failure 2>&1 | tee "$build_dir/ctest.log" || status=$?
# The clock-step lab's per-scenario timings (warning to address loss or renewal), then
# ctest's summary line again, so that the output still ends with it.
if [[ -f $build_dir/lab-results/summary.txt ]]; then
  echo
  echo "Clock-step lab (tests/lab, details in $build_dir/lab-results):"
  cat "$build_dir/lab-results/summary.txt"
  echo
  grep -E '^[0-9]+% tests passed' "$build_dir/ctest.log" | tail -n 1
fi
exit "$status"
