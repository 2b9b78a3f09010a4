#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: unit,
# integration (real sockets, kill -9), interop (Node @grpc/grpc-js) and a
# bounded fuzz run. Exits non-zero if anything fails. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install_deps.sh
./deploy/build.sh
# The Node test peers, once, before tests that share node_modules start.
if [[ ! -d tests/interop/node_modules ]] ||
   [[ tests/interop/package-lock.json -nt tests/interop/node_modules/.package-lock.json ]]; then
  (cd tests/interop && npm ci --no-audit --no-fund)
fi
# Labels: unit, integration, interop, fuzz (bounded libFuzzer run), bench
# (prints numbers; never fails on speed).
ctest --preset default -j2 "$@"
