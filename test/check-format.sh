#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# check-format.sh [--fix | --self-test] - the formatting of every tracked C
# and C++ file against its .clang-format: the C files (the core, the tools,
# the C tests, harnesses and benchmarks, C headers) against
# model/core/.clang-format, the C++ files against the root .clang-format
# (ns-3's style). Prints the files that differ and exits 1 when any does;
# --fix rewrites them in place; --self-test checks that a misformatted copy
# of one C and one C++ file (in a temporary directory) is reported.
# CI runs both through ctest (house/format, house/format-selftest) when
# clang-format is installed (Debian: clang-format, in m3.sh's TEST_PACKAGES).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=check
case "${1:-}" in
    --fix) mode=fix ;;
    --self-test) mode=self-test ;;
    -h|--help) sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) echo "check-format.sh: $1: unknown option (see --help)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "check-format.sh: one option at most (see --help)" >&2; exit 2; }
cf=${CLANG_FORMAT:-clang-format} # ctest passes the one CMake found
command -v "$cf" >/dev/null || { echo "check-format.sh: needs clang-format ($cf)" >&2; exit 1; }

# C: .c files, and the headers of directories of C code
is_c() {
    case "$1" in
        *.c) return 0 ;;
        model/core/*.h|tools/*.h|bench/*.h|test/core/*.h|test/fuzz/*.h|model/infer/m3-infer.h) return 0 ;;
        *) return 1 ;;
    esac
}

style_of() {
    if is_c "$1"; then echo "file:$PWD/model/core/.clang-format"; else echo "file:$PWD/.clang-format"; fi
}

# check_one FILE STYLE: 0 when FILE is formatted; else prints why, returns 1
check_one() {
    if "$cf" --dry-run --Werror --style="$2" "$1" >/dev/null 2>&1; then
        return 0
    fi
    echo "$1: not formatted ($("$cf" --style="$2" "$1" | diff "$1" - | grep -c '^<') lines differ)"
    return 1
}

if [ $mode = self-test ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for f in model/core/util.c model/m3-scenario.cc; do
        check_one "$f" "$(style_of "$f")" >/dev/null ||
            { echo "self-test: $f is not formatted to begin with" >&2; exit 1; }
        # the same file with its first indented line re-indented by 3
        # spaces more, which neither style allows
        copy="$tmp/$(basename "$f")"
        awk '!done && /^    [^ ]/ { print "   " $0; done = 1; next } { print }' "$f" >"$copy"
        cmp -s "$f" "$copy" && { echo "self-test: no indented line in $f" >&2; exit 1; }
        if check_one "$copy" "$(style_of "$f")"; then
            echo "self-test: a misformatted copy of $f went unnoticed" >&2
            exit 1
        fi
    done
    echo "self-test: misformatted copies of a C and a C++ file are reported: ok"
    exit 0
fi

bad=0 n=0
while IFS= read -r f; do
    case "$f" in
        *.c|*.h|*.cc) ;;
        *) continue ;;
    esac
    [ -f "$f" ] || continue # deleted in the work tree, not yet in the index
    n=$((n + 1))
    if [ $mode = fix ]; then
        "$cf" -i --style="$(style_of "$f")" "$f"
    elif ! check_one "$f" "$(style_of "$f")"; then
        bad=$((bad + 1))
    fi
done < <(git ls-files)
[ $mode = fix ] && { echo "check-format: formatted $n files"; exit 0; }
echo "check-format: $n files, $bad not formatted"
[ $bad -eq 0 ]
