#!/usr/bin/env bash
# Installs what ssehub needs from Debian 12's packages; idempotent (installs only what is missing).
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   also what the test suite starts: nginx, chromium, node + npm
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config curl
          libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
          libspdlog-dev libcli11-dev libssl-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(nginx chromium nodejs npm procps)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may already have a newer node than Debian's: keep it.
if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -ra missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
