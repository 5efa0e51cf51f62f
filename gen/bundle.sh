#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bundle.sh - packs built programs with the shared libraries they link
# (all but glibc's own) into one folder, so that Debian-built binaries run
# on another Linux machine (the GPU machine's Ubuntu) with
#   LD_LIBRARY_PATH=DIR/lib DIR/m3-gen-path ...
#
#   gen/bundle.sh DIR [PROGRAM ...]      (default: build/m3-gen-path)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: gen/bundle.sh DIR [PROGRAM ...]" >&2; exit 2; }
dir=$1
shift
progs=("$@")
[ ${#progs[@]} -gt 0 ] || progs=(build/m3-gen-path)
rm -rf "$dir"
mkdir -p "$dir/lib"
for p in "${progs[@]}"; do
    [ -x "$p" ] || { echo "bundle.sh: $p: not built" >&2; exit 1; }
    cp "$p" "$dir/"
    # glibc's libraries stay: the target has its own, matched to its loader.
    ldd "$p" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' |
        grep -Ev '/(libc|libm|libdl|libpthread|librt|ld-linux[^/]*)\.so' |
        while read -r lib; do cp -L "$lib" "$dir/lib/"; done
done
du -sh "$dir" >&2
