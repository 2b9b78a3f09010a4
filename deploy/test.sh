#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: unit,
# integration (real sockets, kill -9), interop (Node @grpc/grpc-js) and a
# bounded fuzz run. Exits non-zero if anything fails. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install_deps.sh
./deploy/build.sh
# Labels: unit, integration, interop, fuzz (bounded libFuzzer run), bench
# (prints numbers; never fails on speed).
ctest --preset default -j2 "$@"
