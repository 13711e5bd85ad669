#!/usr/bin/env bash
# Installs what tandem and its tests need on a fresh Debian machine: the Debian packages (real DHCP
# clients, Kea for comparison, relay, capture tools) and the npm packages from the lock file.
# Idempotent: packages already present are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for pkg in iproute2 isc-dhcp-client udhcpc dhcpcd-base isc-dhcp-relay kea-dhcp4-server kea-ctrl-agent kea-admin tcpdump faketime python3; do
  have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Kea (dhcp4 server, ctrl-agent) and the relay are only peers for tests and benchmarks: their services must not start.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi
