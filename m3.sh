#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# m3.sh - set up, build and run m3-ns3 on Debian 12.
#   ./m3.sh run [m3-compare options]   packet, flowSim and m3 modes on m3's fat-tree
#   ./m3.sh test                       every test (ctest)
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
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
    cmake --build build --parallel "$(nproc)"
    [ -x build/m3-compare ] || die "build/m3-compare was not built (is libns3-dev installed?)"
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
        install_missing "${PACKAGES[@]}"
        build
        cd build && exec ctest --output-on-failure
        ;;
    *)
        sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
