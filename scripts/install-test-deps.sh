#!/usr/bin/env bash
# Installs the real components the test suite runs against (serf, etcd, podman, InfluxDB,
# Prometheus, Alertmanager, aiosmtpd, dnsmasq, dig, dnsperf, nc, iproute2/iptables, Chromium), from Debian's packages, when they are missing.
# Idempotent: does nothing when every command is already present. Needs root (apt-get).
set -euo pipefail

# command -> Debian package that provides it
declare -A NEEDED=(
  [serf]=serf
  [etcd]=etcd-server
  [podman]=podman
  [influxd]=influxdb
  [prometheus]=prometheus
  [promtool]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [dnsmasq]=dnsmasq
  # The DNS interface's tests ask it with dig; its bench runs dnsperf beside dnsmasq.
  [dig]=bind9-dnsutils
  [dnsperf]=dnsperf
  # The intake tests send raw statsd and graphite lines with netcat-openbsd's nc (-N, -u).
  [nc]=netcat-openbsd
  [ip]=iproute2
  [iptables]=iptables
  [sqlite3]=sqlite3
  # test/deploy rates the systemd unit with `systemd-analyze security --offline=true`.
  [systemd-analyze]=systemd
  # test/cli loads the generated shell completion scripts into them.
  [zsh]=zsh
  [fish]=fish
  # The dashboard tests drive it headless through puppeteer-core; no browser is downloaded.
  [chromium]=chromium
  # The release tests: the arm64 executable under emulation, the image run with runc (crun
  # cannot run containers under hybrid cgroups).
  [qemu-aarch64-static]=qemu-user-static
  [runc]=runc
  # Config generators: the generated haproxy configuration is checked with `haproxy -c`.
  [haproxy]=haproxy
)

# file -> Debian package that provides it (libraries, which no command names)
declare -A NEEDED_FILES=(
  # arm64 glibc for `qemu-aarch64-static -L /usr/aarch64-linux-gnu`
  [/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1]=libc6-arm64-cross
  # musl's loader, to try the -musl executables
  [/lib/ld-musl-x86_64.so.1]=musl
)

missing=()
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDED[$cmd]}")
done
# dnsmasq and others live in /usr/sbin, which a non-login PATH may lack.
for cmd in "${!NEEDED[@]}"; do
  if [[ " ${missing[*]-} " == *" ${NEEDED[$cmd]} "* ]] && [ -x "/usr/sbin/$cmd" ]; then
    missing=("${missing[@]/${NEEDED[$cmd]}}")
  fi
done
# aiosmtpd is a Python module of the system Python (the notifier tests' SMTP server).
/usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
for file in "${!NEEDED_FILES[@]}"; do
  [ -e "$file" ] || missing+=("${NEEDED_FILES[$file]}")
done
read -r -a missing <<<"$(printf '%s\n' "${missing[@]-}" | sort -u | tr '\n' ' ')"

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: all test components present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing ${missing[*]}; run as root (apt-get) or install them by hand" >&2
  exit 1
fi

echo "install-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Services must not start on install: tests start their own instances on loopback.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-test-deps: done"
