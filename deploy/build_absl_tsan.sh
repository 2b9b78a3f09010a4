#!/usr/bin/env bash
# Builds Debian's own Abseil (the version libabsl-dev has) with
# -fsanitize=thread, once, into a cache folder outside any build folder, and
# prints that folder. Debian's libabsl is not instrumented, so without this
# ThreadSanitizer cannot see absl::Mutex and reports false races on every
# lock. Reused when present: a cold build takes minutes (see README "Tests").
#
#   prefix="$(deploy/build_absl_tsan.sh)"
#   cmake --preset tsan -DCMAKE_PREFIX_PATH="${prefix}"
#
# Needs deb-src lines and dpkg-dev (deploy/install_deps.sh adds both).
set -euo pipefail
version="$(dpkg-query -W -f='${Version}' libabsl-dev)"
cache_root="${TOBACCO_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/tobacco-gateway}"
prefix="${cache_root}/absl-tsan-${version}"
if [[ -f "${prefix}/.complete" ]]; then
  echo "${prefix}"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/absl-tsan.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
{
  echo "build_absl_tsan: building Abseil ${version} with -fsanitize=thread into ${prefix}"
  cd "${work}"
  # Debian's source package with Debian's patches applied, exactly the
  # version the rest of the build uses.
  apt-get source -qq "abseil=${version}"
  src="$(find . -mindepth 1 -maxdepth 1 -type d -name 'abseil*' | head -n1)"
  # -O1 and line tables only: enough for ThreadSanitizer's stacks, and the
  # cheapest build that keeps TSan's reports readable.
  cmake -S "${src}" -B build -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_STANDARD=20 -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -gline-tables-only -fsanitize=thread" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only -fsanitize=thread" \
    -DBUILD_TESTING=OFF -DABSL_PROPAGATE_CXX_STD=ON \
    -DCMAKE_INSTALL_PREFIX="${prefix}" >/dev/null
  cmake --build build -j "${TOBACCO_JOBS:-2}" >/dev/null
  rm -rf "${prefix}"
  cmake --install build >/dev/null
  touch "${prefix}/.complete"
  echo "build_absl_tsan: done"
} >&2
echo "${prefix}"
