#!/usr/bin/env bash
# Runs one benchmark at its CI size, or at its full size when asked:
#
#   run_bench.sh <binary> "<CI-size flags>" "<full-size flags>"
#
# ctest's bench entries run on every CI run (deploy/test.sh's default stage),
# where they only print numbers and never fail on speed, so they run briefly.
# TOBACCO_BENCH_FULL=1 runs the size the README's figures were measured at:
#   TOBACCO_BENCH_FULL=1 ctest --preset default -L bench
set -euo pipefail
binary="$1"
ci_flags="$2"
full_flags="$3"
if [[ "${TOBACCO_BENCH_FULL:-0}" == "1" ]]; then
  echo "=== $(basename "${binary}") at full size (TOBACCO_BENCH_FULL=1): ${full_flags}"
  # shellcheck disable=SC2086  # flags are split on purpose
  exec "${binary}" ${full_flags}
fi
echo "=== $(basename "${binary}") at CI size: ${ci_flags} (TOBACCO_BENCH_FULL=1 for the full size: ${full_flags})"
# shellcheck disable=SC2086
exec "${binary}" ${ci_flags}
