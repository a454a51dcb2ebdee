#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test Tessera.
# Idempotent: packages already present are skipped (no apt-get update then).
# Usage: scripts/install_deps.sh [--all]   (--all adds the test-only extras)
set -euo pipefail

need=(cmake ninja-build g++ pkg-config libopenblas-dev libgtest-dev)
if [[ "${1:-}" == "--all" ]]; then
  need+=(ocl-icd-opencl-dev opencl-headers pocl-opencl-icd libclblast-dev clinfo
         mono-mcs mono-runtime python3-venv)
fi

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[deps] installing: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[deps] all present"
fi
