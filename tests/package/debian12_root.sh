#!/usr/bin/env bash
# Makes a throw-away Debian 12 root in DIR for the package install test:
#   tests/package/debian12_root.sh DIR
# The first run debootstraps one (minbase, from the mirror this machine's apt
# sources name) and keeps a tarball of it in ~/.cache/tobacco-gateway/; later
# runs unpack the tarball, which is what makes the test cheap enough to run
# often (README "Installing" has the measured times). Prints the seconds it
# took and whether the cache was used on stderr.
#   tests/package/debian12_root.sh --warm
# only makes the cached tarball when it is missing: deploy/test.sh runs that
# in the background while it builds, so a cold CI machine pays for the
# debootstrap (about 5 minutes, mostly download and unpack) alongside the
# compile rather than after it. A lock makes the test wait for it.
set -euo pipefail
cache_dir=${TOBACCO_CACHE_DIR:-${HOME}/.cache/tobacco-gateway}
tarball=${cache_dir}/debian12-minbase-root.tar
start=${SECONDS}
warm=0
if [[ "${1:-}" == "--warm" ]]; then
  warm=1
  dir=$(mktemp -d /var/tmp/tobacco-debian12-root.XXXXXX)
  trap 'rm -rf "${dir}"' EXIT
else
  dir=${1:?usage: debian12_root.sh DIR | --warm}
fi
mkdir -p "${cache_dir}"
exec 9>"${cache_dir}/debian12-root.lock"
flock 9

# The first Debian (not security) mirror of this machine's apt sources, so
# the root pulls from where everything else here does.
mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources |
        awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  if [[ -z "${uri}" ]]; then
    uri=$(grep -hsE '^deb ' /etc/apt/sources.list |
          awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

mkdir -p "${dir}"
if [[ -f "${tarball}" ]]; then
  if ((warm)); then exit 0; fi
  tar -C "${dir}" -xf "${tarball}"
  echo "debian12_root: unpacked the cached root in $((SECONDS - start)) s" >&2
  exit 0
fi

debootstrap --variant=minbase bookworm "${dir}" "$(mirror)" >&2
# The package lists are fetched once here and refreshed by the test; a
# stale list only costs an "apt-get update".
chroot "${dir}" apt-get update -qq >&2
chroot "${dir}" apt-get clean
tar -C "${dir}" -cf "${tarball}.tmp" .
mv "${tarball}.tmp" "${tarball}"
echo "debian12_root: debootstrapped in $((SECONDS - start)) s (cached in ${tarball})" >&2
