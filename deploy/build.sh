#!/usr/bin/env bash
# Configures (once) and builds the gateway, CLI and tests with Ninja and
# ccache; an unchanged tree rebuilds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/default/build.ninja ]]; then
  cmake --preset default
fi
cmake --build --preset default "$@"
