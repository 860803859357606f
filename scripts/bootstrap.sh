#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (Node 20, Go, root) to the point where `npm run demo` and
# `npm test` can run: Debian packages, pnpm through corepack, workspace packages, the TypeScript
# build. Every step checks first, so a second run costs about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'bootstrap: %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  log "Node $(node --version) is too old: install Node 20 or newer"; exit 1
fi

# Debian packages the harnesses start for real: the registry, htpasswd, openssl for test certs,
# skopeo as the peer the registry client is checked against, chromium and ripgrep for code-server;
# containerd, runc and the CNI plugins for the sandbox's real node (runc also runs the controller
# image as a pod would), iptables for its kube-proxy and the `kubernetes` Service's NAT rule,
# busybox-static for the fixture images that really run there.
debs=(docker-registry apache2-utils openssl skopeo chromium ripgrep libkrb5-dev ca-certificates
  containerd runc containernetworking-plugins iptables busybox-static)
missing=()
for d in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q 'install ok installed' || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"; exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # The registry and containerd packages enable systemd services (the registry's on :5000); the
  # harnesses start their own, so policy-rc.d keeps those from starting.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# The controller image's arm64 C runtime comes from Debian's arm64 packages (`apt-get download`
# in packages/kubectl-istream/ship/image.mjs; nothing is installed): apt needs their lists.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  if [ "$(id -u)" -ne 0 ]; then
    log "apt has no arm64 package lists; run as root or: sudo dpkg --add-architecture arm64 && sudo apt-get update"; exit 1
  fi
  log "adding arm64 package lists (for the controller image)"
  dpkg --add-architecture arm64
  apt-get update -qq >/dev/null
fi

# Corepack 0.3x on Node 20 ships signing keys older than current pnpm releases; the
# lockfile still pins what gets installed.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0
pnpm() { corepack pnpm "$@"; }

stamp=node_modules/.istream-install-stamp
want=$(cat pnpm-lock.yaml package.json packages/*/package.json test/harness/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing workspace packages (pnpm)"
  if [ -f pnpm-lock.yaml ] && [ "${CI:-}" = "true" ]; then
    pnpm install --frozen-lockfile --reporter=append-only >&2
  else
    pnpm install --reporter=append-only >&2
  fi
  want=$(cat pnpm-lock.yaml package.json packages/*/package.json test/harness/package.json | sha256sum | cut -d' ' -f1)
  echo "$want" > "$stamp"
fi

log "building (tsc -b)"
pnpm exec tsc -b

# The commit `kubectl istream version` reports. Without git (a source archive) the file is left
# out and the plugin says "unknown" rather than report a commit it was not built from.
build_info=packages/kubectl-istream/dist/build-info.json
if commit=$(git rev-parse HEAD 2>/dev/null); then
  tree_state=clean
  git diff --quiet HEAD -- 2>/dev/null || tree_state=dirty
  info=$(printf '{"gitCommit":"%s","gitTreeState":"%s"}' "$commit" "$tree_state")
  # Rewritten only when it changes: the bundle below is rebuilt when this file is newer.
  [ "$(cat "$build_info" 2>/dev/null)" = "$info" ] || echo "$info" > "$build_info"
else
  rm -f "$build_info"
fi

# The bundled CLI (what the npm package, the executables and the controller image run); esbuild is
# skipped when nothing it reads changed since the last bundle.
bundle=packages/kubectl-istream/dist/bundle/kubectl-istream.cjs
if [ ! -f "$bundle" ] || [ -n "$(find packages/kubectl-istream/dist/src packages/core/dist/src packages/kubectl-istream/dist/build-info.json packages/kubectl-istream/ship/bundle.mjs packages/kubectl-istream/ship/bundle-info.mjs -newer "$bundle" -print -quit 2>/dev/null)" ]; then
  log "bundling the CLI (esbuild)"
  node packages/kubectl-istream/ship/bundle.mjs
fi

if [ "${1:-}" = "--package-extension" ]; then
  log "packaging the VS Code extension (esbuild + vsce)"
  pnpm --filter vscode-istream run package >&2
fi
