#!/usr/bin/env bash
# Runs the Node.js @grpc/grpc-js interop test against a tobacco-gateway binary.
#   tests/interop/run_grpc_interop.sh build/default/gateway/server/tobacco-gateway
# Installs the pinned packages from package-lock.json (npm ci) when
# node_modules is missing or older than the lock file. Registered with ctest as
# interop_grpc_js_pathway (label interop).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PATH_TO_TOBACCO_GATEWAY_BINARY" >&2
  exit 2
fi
gateway_bin="$(realpath "$1")"
if [[ ! -x "$gateway_bin" ]]; then
  echo "error: $gateway_bin is not an executable gateway binary" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

for tool in node npm; do
  if ! command -v "$tool" > /dev/null; then
    echo "error: $tool not found; install Node.js 20 or newer (with npm)" >&2
    exit 2
  fi
done

# npm writes node_modules/.package-lock.json on every install: it stands for
# "when node_modules was last brought in line with the lock file".
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund
fi

TOBACCO_GATEWAY_BIN="$gateway_bin" exec node --test grpc_pathway.test.mjs
