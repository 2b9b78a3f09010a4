#!/usr/bin/env bash
# FHIR interop: @medplum/core validates everything the gateway emits, and
# Node's https drives the GP and pharmacy routes against the real binary.
#   tests/interop/run_fhir_interop.sh FHIR_EMIT_SAMPLES_BIN TOBACCO_GATEWAY_BIN
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 FHIR_EMIT_SAMPLES_BIN TOBACCO_GATEWAY_BIN" >&2
  exit 2
fi
emit_bin="$(realpath "$1")"
gateway_bin="$(realpath "$2")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund
fi
tests=(fhir_validate.test.mjs)
if [[ -f fhir_https_pathway.test.mjs ]]; then tests+=(fhir_https_pathway.test.mjs); fi
FHIR_EMIT_BIN="$emit_bin" TOBACCO_GATEWAY_BIN="$gateway_bin" \
  exec node --test "${tests[@]}"
