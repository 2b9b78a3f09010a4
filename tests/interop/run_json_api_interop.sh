#!/usr/bin/env bash
# HTTP/JSON API interop: Node's https drives the GP and pharmacy routes over
# mutual TLS against the real binary, and @apidevtools/swagger-parser
# validates the served OpenAPI document.
#   tests/interop/run_json_api_interop.sh TOBACCO_GATEWAY_BIN
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 TOBACCO_GATEWAY_BIN" >&2
  exit 2
fi
gateway_bin="$(realpath "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund
fi
TOBACCO_GATEWAY_BIN="$gateway_bin" exec node --test json_api_pathway.test.mjs
