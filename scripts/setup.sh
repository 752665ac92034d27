#!/usr/bin/env bash
# Installs what steadystate needs on a Debian/Ubuntu machine, skipping what is already there:
# Docker (installed from the distribution, daemon started if it is not running), the kernel tools network
# faults use (iptables, tc, nsenter), Prometheus, Alertmanager and HAProxy (detection and balancer
# scenarios run the distribution's binaries), Chromium for browser journeys and the HTML report's
# browser test (driven by playwright-core, which downloads no browser) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }

packages=()
command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
command -v iptables >/dev/null 2>&1 || packages+=(iptables)
command -v tc >/dev/null 2>&1 || packages+=(iproute2)
command -v nsenter >/dev/null 2>&1 || packages+=(util-linux)
command -v prometheus >/dev/null 2>&1 || packages+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || packages+=(prometheus-alertmanager)
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || packages+=(haproxy)
# Chromium without its recommended extras (fonts and codecs a headless test does not need).
browser=()
[ -x /usr/bin/chromium ] || browser+=(chromium)
if [ "${#packages[@]}" -gt 0 ] || [ "${#browser[@]}" -gt 0 ]; then
  echo "setup: installing ${packages[*]} ${browser[*]}"
  as_root apt-get update -qq
  [ "${#packages[@]}" -gt 0 ] && apt_install "${packages[@]}"
  [ "${#browser[@]}" -gt 0 ] && apt_install --no-install-recommends "${browser[@]}"
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
# The fixtures' own dependencies (npm ci does it too, as `prepare`; here also when node_modules was current).
node scripts/install-fixtures.mjs
