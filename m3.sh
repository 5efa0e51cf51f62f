#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# m3.sh - set up, build and run m3-ns3 on Debian 12.
#   ./m3.sh run [m3-compare options]   packet, flowSim and m3 modes on m3's fat-tree
#   ./m3.sh test                       every test (ctest), then the sanitizer build's
# Installs the Debian packages that are missing (apt-get; sudo when not
# root), then configures and builds into build/.
set -euo pipefail
cd "$(dirname "$0")"

# One package per line; add new dependencies here.
PACKAGES=(
    cmake
    g++
    gcc
    make
    pkg-config
    libgsl-dev
    libns3-dev
    ns3
    libsqlite3-dev
    libxml2-dev
    python3-dev
    nlohmann-json3-dev
    python3-numpy
    libtorch-dev
    python3-torch
    libopenblas0-pthread
)
# Only for `run`: the plot of the main job's results.
RUN_PACKAGES=(
    python3-matplotlib
)
# Only for `test`: clang and its runtimes build the libFuzzer harnesses
# (test/fuzz/) whose short runs are tests too; clang-format checks the
# formatting (ctest house/format); OpenMPI builds m3-mpi, whose ranks must
# agree with one process (test/mpi/).
TEST_PACKAGES=(
    clang
    libclang-rt-dev
    clang-format     # test/check-format.sh (clang-format 14 in Debian 12)
    libopenmpi-dev   # m3 mode across MPI ranks (tools/m3-mpi.c) and its test
    openmpi-bin
)

die() { echo "m3.sh: $*" >&2; exit 1; }

install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "m3.sh: installing ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
    cmake --build build --parallel "$(nproc)"
    [ -x build/m3-compare ] || die "build/m3-compare was not built (is libns3-dev installed?)"
}

# The sanitizer build (AddressSanitizer + UndefinedBehaviorSanitizer) in
# build-asan: the programs and tests that `ctest -L asan` runs, without
# libtorch (its plugin is not built with the sanitizers).
build_asan() {
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DM3_SANITIZE=ON -DM3_WITH_TORCH=OFF
    local targets=(m3-flowsim m3-workload m3-test-runner m3-compare m3-gen-path
                   m3-estimators-example)
    local t
    for t in test/core/test-*.c; do targets+=("$(basename "$t" .c)"); done
    cmake --build build-asan --parallel "$(nproc)" --target "${targets[@]}"
}

command -v dpkg-query >/dev/null || die "needs a Debian system (dpkg-query not found)"
case "${1:-}" in
    run)
        shift
        install_missing "${PACKAGES[@]}" "${RUN_PACKAGES[@]}"
        build
        [ $# -gt 0 ] && exec build/m3-compare "$@"
        # The main job: every mode (packet, flowSim, m3 with the shipped
        # model) on m3's 256-host fat-tree (web-server sizes, load 0.5,
        # 100k flows): the table with errors and speedups on stdout,
        # CSV/JSON and a plot in results/. The packet mode takes a few
        # minutes on 2 cores (a progress line every 30 s).
        build/m3-compare --num-flows=100000 --progress=30 --out=results
        /usr/bin/python3 examples/plot-slowdown.py results
        ;;
    test)
        [ $# -le 1 ] || die "test takes no arguments (see ./m3.sh --help)"
        install_missing "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
        fuzz=()
        if command -v clang >/dev/null && command -v clang++ >/dev/null; then
            fuzz=(-DM3_FUZZ=ON -DM3_FUZZ_SECONDS=15)
        else
            echo "m3.sh: clang not found: no fuzz runs" >&2
        fi
        build "${fuzz[@]}"
        (cd build && ctest --output-on-failure)
        build_asan
        (cd build-asan && ctest -L asan --output-on-failure)
        ;;
    -h|--help)
        sed -n '3,5p' "$0" | sed 's/^# \{0,1\}//'
        ;;
    *)
        sed -n '3,5p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
