#!/bin/bash
# Prepares the lab's guest kernel and initramfs in a cache directory, reusing what is there.
#
#   prepare_cache.sh CACHE_DIR
#
# Output files in CACHE_DIR:
#   vmlinux         the uncompressed kernel, which QEMU boots directly through its PVH entry
#   initramfs.cpio  busybox-static, the guest init, and the modules that mount the host root
#                   over 9p under an overlay and create veth pairs
#   modules/, kernel-package  those modules and the package name, kept for rebuilds
# Nothing is installed on the host: the kernel package is only downloaded and unpacked.
# Exit status: 0 ready, 77 a prerequisite is missing (the message names it), 1 failed.
set -euo pipefail

readonly CACHE_DIR=${1:?usage: prepare_cache.sh CACHE_DIR}
readonly LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Modules the guest loads, dependencies excluded: they are resolved from each module's
# depends= field so that the list survives kernel updates.
readonly GUEST_MODULES=(virtio_pci 9pnet_virtio 9p overlay veth)

log() { echo "lab-cache: $*" >&2; }
skip() { log "$*"; exit 77; }

# Prints the kernel package to use: TIMEGUARD_LAB_KERNEL_PACKAGE, else the image that
# Debian's linux-image-amd64 metapackage depends on, else the package already in the cache.
resolve_kernel_package() {
  if [[ -n ${TIMEGUARD_LAB_KERNEL_PACKAGE:-} ]]; then
    echo "$TIMEGUARD_LAB_KERNEL_PACKAGE"
    return
  fi
  local package
  package=$(apt-cache depends linux-image-amd64 2>/dev/null \
    | awk '/Depends: linux-image-[0-9]/ && !seen { print $2; seen = 1 }')
  if [[ -z $package && -f $CACHE_DIR/kernel-package ]]; then
    package=$(cat "$CACHE_DIR/kernel-package")
  fi
  echo "$package"
}

# Downloads and unpacks the kernel package, keeps vmlinux and the guest's modules in
# CACHE_DIR and deletes the rest (about 400 MB unpacked), unless the cache has that package.
fetch_kernel() {
  local package=$1
  if [[ $(cat "$CACHE_DIR/kernel-package" 2>/dev/null) == "$package" && -f $CACHE_DIR/vmlinux \
        && -f $CACHE_DIR/modules/order ]]; then
    return 0
  fi

  command -v apt-get > /dev/null || skip "apt-get not found; cannot download $package"
  local unpack=$CACHE_DIR/unpack
  rm -rf "$unpack" "$CACHE_DIR/modules" "$CACHE_DIR/initramfs.cpio" "$CACHE_DIR/kernel-package"
  mkdir -p "$unpack"
  (cd "$unpack" && apt-get download "$package" >&2) \
    || skip "apt-get download $package failed; set TIMEGUARD_LAB_CACHE to a prepared cache"
  dpkg -x "$unpack"/"$package"_*.deb "$unpack/root"

  local version=${package#linux-image-}
  extract_vmlinux "$unpack/root/boot/vmlinuz-$version" "$CACHE_DIR/vmlinux" || return 1
  collect_modules "$unpack/root/lib/modules/$version" "$CACHE_DIR/modules" || return 1
  rm -rf "$unpack"
  echo "$package" > "$CACHE_DIR/kernel-package"
}

# Extracts the xz payload of a bzImage, as the kernel's scripts/extract-vmlinux does: find
# the xz stream magic (FD 37 7A 58 5A 00) and decompress one stream from there, ignoring the
# trailing setup data.
extract_vmlinux() {
  local vmlinuz=$1 output=$2
  local offset
  offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | awk -F: 'NR == 1 { print $1 }')
  [[ -n $offset ]] || { log "no xz stream in $vmlinuz"; return 1; }

  # xz stops after the first stream, so tail may end with SIGPIPE; only xz's status counts.
  xz -dc --single-stream < <(tail -c +$((offset + 1)) "$vmlinuz") > "$output.tmp"
  if [[ $(od -An -tx1 -N4 "$output.tmp" | tr -d ' ') != 7f454c46 ]]; then
    log "payload of $vmlinuz at offset $offset is not an ELF file"
    return 1
  fi
  mv "$output.tmp" "$output"
}

# Prints the depends= list of a module file as words.
module_dependencies() {
  tr '\0' '\n' < "$1" | awk -F= '$1 == "depends" && !seen { print $2; seen = 1 }' | tr ',' ' '
}

# Appends a module and, first, its dependencies to the load order in MODULE_ORDER.
add_module_in_load_order() {
  local name=$1 module_dir=$2
  [[ " ${MODULE_ORDER[*]} " == *" $name "* ]] && return 0

  local file
  file=$(find "$module_dir/kernel" \( -name "$name.ko" -o -name "${name//_/-}.ko" \) -print -quit)
  [[ -n $file ]] || { log "module $name not found under $module_dir"; return 1; }

  local dependency
  for dependency in $(module_dependencies "$file"); do
    add_module_in_load_order "$dependency" "$module_dir"
  done
  MODULE_ORDER+=("$name")
  MODULE_FILES[$name]=$file
}

# Copies GUEST_MODULES and their dependencies into $2, with the load order in $2/order.
collect_modules() {
  local module_dir=$1 output=$2
  MODULE_ORDER=()
  declare -gA MODULE_FILES=()
  local name
  for name in "${GUEST_MODULES[@]}"; do
    add_module_in_load_order "$name" "$module_dir" || return 1
  done

  mkdir -p "$output"
  for name in "${MODULE_ORDER[@]}"; do
    cp "${MODULE_FILES[$name]}" "$output/$name.ko"
  done
  printf '%s\n' "${MODULE_ORDER[@]}" > "$output/order"
}

build_initramfs() {
  local output=$1
  local staging=$CACHE_DIR/initramfs-staging
  rm -rf "$staging"
  mkdir -p "$staging"/{bin,dev,proc,sys,lower,upper,newroot}

  cp /bin/busybox "$staging/bin/busybox"
  cp "$LAB_DIR/guest/init" "$staging/init"
  chmod 755 "$staging/init"
  cp -r "$CACHE_DIR/modules" "$staging/modules"

  (cd "$staging" && find . | busybox cpio -o -H newc 2>/dev/null) > "$output.tmp"
  mv "$output.tmp" "$output"
  rm -rf "$staging"
}

main() {
  mkdir -p "$CACHE_DIR"
  command -v xz >/dev/null || skip "xz not found; install xz-utils"
  [[ -x /bin/busybox ]] || skip "/bin/busybox not found; install busybox-static"
  local ldd_output
  ldd_output=$(LC_ALL=C ldd /bin/busybox 2>&1 || true)
  if [[ $ldd_output != *"not a dynamic executable"* ]]; then
    skip "/bin/busybox is dynamically linked; install busybox-static"
  fi

  local package
  package=$(resolve_kernel_package)
  [[ -n $package ]] || skip "no kernel package found; set TIMEGUARD_LAB_KERNEL_PACKAGE"
  fetch_kernel "$package" || exit 1

  # Rebuilt whenever the guest init changes; fetch_kernel deletes it for a new kernel.
  if [[ ! -e $CACHE_DIR/initramfs.cpio || $LAB_DIR/guest/init -nt $CACHE_DIR/initramfs.cpio ]]; then
    build_initramfs "$CACHE_DIR/initramfs.cpio"
  fi
}

main
