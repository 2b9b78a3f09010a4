#!/usr/bin/env bash
# `PROGRAM --version` exits 0 and prints exactly
# "<name> <version> (commit <commit>)", the values CMake configured
# (ctest package_version_*):
#   tests/package/check_version.sh PROGRAM NAME VERSION COMMIT
set -euo pipefail
program=${1:?usage: check_version.sh PROGRAM NAME VERSION COMMIT}
expected="${2:?} ${3:?} (commit ${4:?})"
output=$("${program}" --version)
if [[ "${output}" != "${expected}" ]]; then
  echo "check_version: ${program} --version printed '${output}'," \
    "expected '${expected}'" >&2
  exit 1
fi
echo "check_version: ${output}"
