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
ctest --output-on-failure
