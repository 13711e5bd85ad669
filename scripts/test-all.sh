#!/usr/bin/env bash
# The README's test command: installs everything, typechecks, runs the unit tests under Node 24 too,
# then every test (unit, integration, end-to-end with real clients in network namespaces) under the
# machine's Node. The last lines are node:test's summary of that full run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== typecheck"
npx tsc -p . --noEmit
echo "== unit tests under Node 24"
node24=$(bash scripts/node24.sh)
"$node24" --version
PATH="$(dirname "$node24"):$PATH" bash scripts/test.sh unit --test-reporter=dot
echo "== all tests under $(node --version)"
exec bash scripts/test.sh all
