#!/usr/bin/env bash
# Installs what steadystate needs on a Debian/Ubuntu machine, skipping what is already there:
# Docker (installed from the distribution, daemon started if it is not running), Chromium (the HTML report's
# browser test drives it with playwright-core) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=()
command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
command -v iptables >/dev/null 2>&1 || packages+=(iptables)
if [ "${#packages[@]}" -gt 0 ]; then
  echo "setup: installing ${packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd (log: /tmp/dockerd.log)"
  as_root setsid nohup dockerd >/tmp/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    echo "setup: dockerd did not answer within 30 s; its log:" >&2
    tail -n 20 /tmp/dockerd.log >&2 || true
    exit 3
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
