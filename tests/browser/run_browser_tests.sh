#!/usr/bin/env bash
# Browser tests: Debian's Chromium, driven by playwright-core, against the
# real gateway binary (README "Browser tests").
#   tests/browser/run_browser_tests.sh TOBACCO_GATEWAY_BIN TOBACCOCTL_BIN [TEST_FILE...]
# Installs the pinned packages when the lockfile is newer than node_modules.
# Writes Chromium's managed policy (/etc/chromium/policies/managed), so it
# needs root, and runs the test files one after another (the policy is
# machine-wide).
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 TOBACCO_GATEWAY_BIN TOBACCOCTL_BIN [TEST_FILE...]" >&2
  exit 2
fi
gateway_bin="$(realpath "$1")"
ctl_bin="$(realpath "$2")"
shift 2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
for tool in /usr/bin/chromium certutil pk12util; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool is missing: run deploy/install_deps.sh" >&2
    exit 1
  fi
done
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund
fi
tests=("$@")
if ((${#tests[@]} == 0)); then tests=(*.test.mjs); fi
TOBACCO_GATEWAY_BIN="$gateway_bin" TOBACCOCTL_BIN="$ctl_bin" \
  exec node --test --test-concurrency=1 "${tests[@]}"
