#!/usr/bin/env bash
# Installs every Debian package wsk-ns3 needs, then configures and builds it (build/ and, for the
# sanitizer test run, build-asan/). Safe to run again: installs are skipped when present, builds are
# incremental (ccache).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ccache pkg-config ns3 libns3-dev libgsl-dev libxml2-dev libsqlite3-dev
          libgtest-dev googletest python3 python3-cffi python3-matplotlib python3-yaml python3-pytest
          libyaml-cpp-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "wsk-ns3 setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

JOBS=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.configure.log 2>&1 || { cat build.configure.log; exit 1; }
cmake --build build -j "$JOBS"
if [ "${WSK_SKIP_ASAN:-0}" != "1" ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DWSK_SANITIZE=ON > build-asan.configure.log 2>&1 \
    || { cat build-asan.configure.log; exit 1; }
  cmake --build build-asan -j "$JOBS"
fi
echo "wsk-ns3 setup: done (build/ and build-asan/)"
