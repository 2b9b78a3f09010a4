#!/usr/bin/env bash
# Builds the libFuzzer targets with the clang "fuzz" preset and runs each for a
# bounded time over its committed seed corpus. Exits non-zero when a target
# crashes, leaks, trips a sanitizer or times out; the reproducer is written to
# build/fuzz/artifacts/.
#
#   tests/fuzz/run_fuzz.sh            # 30 s per target
#   FUZZ_SECONDS=300 tests/fuzz/run_fuzz.sh
#
# Needs clang and libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev).
set -euo pipefail

cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-30}"
targets=(hl7v2_parser mllp_framer fhir_json_reader http_request_parser)

cmake --preset fuzz
cmake --build build/fuzz --target "${targets[@]/%/_fuzz}"

mkdir -p build/fuzz/artifacts
for target in "${targets[@]}"; do
  # New inputs go to a scratch corpus so the committed seeds stay small.
  scratch="build/fuzz/corpus/${target}"
  mkdir -p "${scratch}"
  echo "=== ${target}_fuzz for ${seconds}s"
  "build/fuzz/tests/fuzz/${target}_fuzz" \
    -max_total_time="${seconds}" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -max_len=65536 \
    -print_final_stats=1 \
    -artifact_prefix="build/fuzz/artifacts/${target}-" \
    "${scratch}" "tests/fuzz/corpus/${target}"
done
echo "=== all fuzz targets ran ${seconds}s without a crash"
