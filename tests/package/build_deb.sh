#!/usr/bin/env bash
# Builds the .deb from a configured and built tree into OUT_DIR (ctest
# package_deb_build, the fixture the lintian and install tests share):
#   tests/package/build_deb.sh BUILD_DIR OUT_DIR
# Prints the package's path last.
set -euo pipefail
build=${1:?usage: build_deb.sh BUILD_DIR OUT_DIR}
out=${2:?usage: build_deb.sh BUILD_DIR OUT_DIR}
rm -rf "${out}"
mkdir -p "${out}"
start=${SECONDS}
cpack --config "${build}/CPackConfig.cmake" -B "${out}" >"${out}/cpack.log" 2>&1 ||
  { cat "${out}/cpack.log" >&2; exit 1; }
debs=("${out}"/tobacco-gateway_*.deb)
if [[ ${#debs[@]} -ne 1 || ! -f "${debs[0]}" ]]; then
  echo "build_deb: expected one tobacco-gateway_*.deb in ${out}" >&2
  exit 1
fi
dpkg-deb --info "${debs[0]}"
dpkg-deb --contents "${debs[0]}"
echo "build_deb: packed in $((SECONDS - start)) s"
echo "${debs[0]}"
