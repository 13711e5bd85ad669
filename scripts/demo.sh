#!/usr/bin/env bash
# The README's demo command: installs what is needed, then runs a tandem hot-standby pair against real DHCP clients
# in network namespaces (created and removed by the demo).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
bash scripts/setup.sh
exec node --import tsx scripts/demo.ts
