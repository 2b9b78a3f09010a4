#!/usr/bin/env bash
# Configures (once) and builds the gateway, CLI and tests with Ninja and
# ccache; an unchanged tree rebuilds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
# The web console's front end (nhsuk-frontend, pinned by the lockfile) is
# compiled into the gateway: install it when missing or when the lockfile
# changed since the last install.
if [[ ! -f console/node_modules/.package-lock.json ]] ||
   [[ console/package-lock.json -nt console/node_modules/.package-lock.json ]]; then
  (cd console && npm ci --no-audit --no-fund)
fi
if [[ ! -f build/default/build.ninja ]]; then
  # CI needs pass or fail, not gdb: no debug information (CMakeLists.txt,
  # TOBACCO_DEBUG_INFO), a fifth less compile time and a tenth of the disk.
  # Its C++ unit, integration and postgres tests are built and run in the
  # asan tree only (CMakeLists.txt, TOBACCO_LABELS_NOT_BUILT).
  if [[ "${CI:-}" == "true" ]]; then
    cmake --preset default -DTOBACCO_DEBUG_INFO=OFF \
      "-DTOBACCO_LABELS_NOT_BUILT=unit;integration;postgres"
  else
    cmake --preset default
  fi
fi
cmake --build --preset default "$@"
