#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time over its committed seed corpus.
# Exits non-zero when a target crashes, leaks, trips a sanitizer or times out
# on an input that does so again when replayed (three times); the reproducer
# is written to <build>/artifacts/ and printed. One that does not fail again
# is printed and reported, not failed (the first CI run of the asan stage
# stopped fuzz_http_request_parser at 10 s on an input its log did not show,
# and no run here, 25 minutes included, found one).
#
#   tests/fuzz/run_fuzz.sh                      # every target, 30 s each
#   FUZZ_SECONDS=300 tests/fuzz/run_fuzz.sh mllp_framer
#
# By default it builds the targets with the clang "fuzz" preset (build/fuzz).
# With FUZZ_BUILD_DIR set it runs the targets already built there instead:
# the asan preset builds them beside the tests (TOBACCO_BUILD_FUZZ=ON), and its
# ctest entries fuzz_<target> (label fuzz, deploy/test.sh's asan stage) call
# this script with one target each.
#
# Needs clang and libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev).
set -euo pipefail

cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-30}"
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=(hl7v2_parser mllp_framer fhir_json_reader http_request_parser)
fi

if [[ -n "${FUZZ_BUILD_DIR:-}" ]]; then
  build="${FUZZ_BUILD_DIR}"
else
  build=build/fuzz
  cmake --preset fuzz
  cmake --build "${build}" --target "${targets[@]/%/_fuzz}"
fi

mkdir -p "${build}/artifacts"
for target in "${targets[@]}"; do
  # New inputs go to a scratch corpus so the committed seeds stay small.
  scratch="${build}/corpus/${target}"
  mkdir -p "${scratch}"
  binary="${build}/tests/fuzz/${target}_fuzz"
  marker="$(mktemp)"
  echo "=== ${target}_fuzz for ${seconds}s"
  if "${binary}" \
    -max_total_time="${seconds}" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -max_len=65536 \
    -print_final_stats=1 \
    -artifact_prefix="${build}/artifacts/${target}-" \
    "${scratch}" "tests/fuzz/corpus/${target}"; then
    rm -f "${marker}"
    continue
  fi
  # The fuzzer stopped on an input. Replay each reproducer it wrote: one
  # that fails again is a finding and fails the run. One that passes three
  # replays did not reproduce (a timeout while the machine stalled, say):
  # it is printed in hex, for a person to look at, and the run goes on.
  # No reproducer at all (the fuzzer itself failed): fail.
  mapfile -t found < <(find "${build}/artifacts" -name "${target}-*" \
                         -newer "${marker}" -type f)
  rm -f "${marker}"
  if [[ ${#found[@]} -eq 0 ]]; then
    echo "=== ${target}_fuzz failed without writing a reproducer" >&2
    exit 1
  fi
  for artifact in "${found[@]}"; do
    echo "=== replaying ${artifact}"
    for _ in 1 2 3; do
      if ! "${binary}" -timeout=10 -rss_limit_mb=2048 "${artifact}"; then
        echo "=== ${target}_fuzz: ${artifact} fails again: a finding" >&2
        od -A x -t x1z -v "${artifact}" | head -64 >&2
        exit 1
      fi
    done
    echo "=== ${target}_fuzz: ${artifact} did not fail on three replays;" \
         "not a finding. Its bytes:"
    od -A x -t x1z -v "${artifact}" | head -64
  done
done
echo "=== ${targets[*]}: ran ${seconds}s each without a crash"
