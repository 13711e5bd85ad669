#!/usr/bin/env bash
# Runs tandem's tests with node:test. `unit`: tests next to the code and under test/contract,
# test/integration and test/helpers (a few need root and skip without it). `e2e`: test/e2e (root;
# real clients in network namespaces). `all`: both.
# Extra arguments are passed to node --test.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-all}; shift || true
unit=$(find src test/contract test/integration test/helpers bench -name '*.test.ts' 2>/dev/null | sort)
e2e=$(find test/e2e -name '*.test.ts' 2>/dev/null | sort)
case "$kind" in
  unit) files="$unit" ;;
  e2e) files="$e2e" ;;
  all) files="$unit $e2e" ;;
  *) files="$kind" ;;
esac
# shellcheck disable=SC2086
exec node --import tsx --test --test-concurrency=1 "$@" $files
