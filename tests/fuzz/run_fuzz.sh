#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time over its committed seed corpus.
# Exits non-zero when a target crashes, leaks, trips a sanitizer or times out;
# the reproducer is written to <build>/artifacts/.
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
  echo "=== ${target}_fuzz for ${seconds}s"
  "${build}/tests/fuzz/${target}_fuzz" \
    -max_total_time="${seconds}" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -max_len=65536 \
    -print_final_stats=1 \
    -artifact_prefix="${build}/artifacts/${target}-" \
    "${scratch}" "tests/fuzz/corpus/${target}"
done
echo "=== ${targets[*]}: ran ${seconds}s each without a crash"
