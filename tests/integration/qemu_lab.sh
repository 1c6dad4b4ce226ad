#!/bin/bash
# Runs the clock-step lab (tests/lab/run.sh): every scenario in a throwaway QEMU guest, where
# the wall clock really steps. Exits 77 (skipped) when QEMU or the guest kernel is unavailable.
#   qemu_lab.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
readonly BUILD_DIR=${1:?usage: qemu_lab.sh BUILD_DIR SOURCE_DIR}
readonly SOURCE_DIR=${2:?usage: qemu_lab.sh BUILD_DIR SOURCE_DIR}

exec "$SOURCE_DIR/tests/lab/run.sh" --build-dir "$BUILD_DIR"
