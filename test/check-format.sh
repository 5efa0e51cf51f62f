#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# check-format.sh [--fix] - the formatting of every tracked C and C++ file
# against its .clang-format: the C files (the core, the tools, the C tests,
# harnesses and benchmarks, C headers) against model/core/.clang-format, the
# C++ files against the root .clang-format (ns-3's style). Prints the files
# that differ and exits 1 when any does; --fix rewrites them in place.
# Not yet part of CI: the tree has not had its one reformatting commit.
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
case "${1:-}" in
    --fix) fix=1 ;;
    -h|--help) sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) echo "check-format.sh: $1: unknown option (see --help)" >&2; exit 2 ;;
esac
command -v clang-format >/dev/null || { echo "check-format.sh: needs clang-format" >&2; exit 1; }

# C: .c files, and the headers of directories of C code
is_c() {
    case "$1" in
        *.c) return 0 ;;
        model/core/*.h|tools/*.h|test/core/*.h|test/fuzz/*.h|model/infer/m3-infer.h) return 0 ;;
        *) return 1 ;;
    esac
}

bad=0 n=0
while IFS= read -r f; do
    case "$f" in
        *.c|*.h|*.cc) ;;
        *) continue ;;
    esac
    n=$((n + 1))
    if is_c "$f"; then style=file:model/core/.clang-format; else style=file:.clang-format; fi
    if [ $fix -eq 1 ]; then
        clang-format -i --style="$style" "$f"
    elif ! clang-format --dry-run --Werror --style="$style" "$f" >/dev/null 2>&1; then
        echo "$f: not formatted ($(clang-format --style="$style" "$f" | diff "$f" - | grep -c '^<') lines differ)"
        bad=$((bad + 1))
    fi
done < <(git ls-files)
[ $fix -eq 1 ] && { echo "check-format: formatted $n files"; exit 0; }
echo "check-format: $n files, $bad not formatted"
[ $bad -eq 0 ]
