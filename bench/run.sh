#!/usr/bin/env bash
# The benchmark, one command (see docs/performance.md):
#   bash bench/run.sh [perf4 options]      rate sweep, tandem vs Kea 2.2 (bench/perf4.ts)
#   bash bench/run.sh --scale [options]    1,000,000 leases: start-up, memory, rate (bench/scale4.ts)
#   bash bench/run.sh --ha [perf4 options]  the same sweep with hot-standby pairs (bench/lib/bench-ha.ts)
# Needs root (network namespaces). Installs missing packages first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = "--scale" ]; then
  shift
  exec node --import tsx bench/scale4.ts "$@"
fi
exec node --import tsx bench/perf4.ts "$@"
