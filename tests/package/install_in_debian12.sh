#!/usr/bin/env bash
# Installs the .deb in a throw-away Debian 12 root, runs it, and purges it
# (ctest package_deb_install_debian12):
#   tests/package/install_in_debian12.sh OUT_DIR
# The root comes from tests/package/debian12_root.sh (debootstrap once, then
# a cached tarball); the package's dependencies come from Debian's mirror
# through the root's own apt, as on a real host. Downloaded .debs are kept in
# ~/.cache/tobacco-gateway/apt-archives between runs. Needs root (chroot);
# exits 77 (ctest: skipped) without it.
set -euo pipefail
out=${1:?usage: install_in_debian12.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
debs=("${out}"/tobacco-gateway_*.deb)
[[ -f "${debs[0]}" ]] || { echo "install_test: no .deb in ${out}" >&2; exit 1; }
deb=${debs[0]}
if [[ $(id -u) -ne 0 ]]; then
  echo "install_test: needs root for debootstrap and chroot; skipped" >&2
  exit 77
fi
cache_dir=${TOBACCO_CACHE_DIR:-${HOME}/.cache/tobacco-gateway}
archives=${cache_dir}/apt-archives
mkdir -p "${archives}"

work=$(mktemp -d /var/tmp/tobacco-deb-install.XXXXXX)
root=${work}/root
proc_mounted=0
cleanup() {
  if [[ ${proc_mounted} == 1 ]]; then umount "${root}/proc" || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT

start=${SECONDS}
"${here}/debian12_root.sh" "${root}"
root_seconds=$((SECONDS - start))
# systemd's and dpkg's scripts read /proc; a container may refuse the mount,
# and the install still works without it.
if mount -t proc proc "${root}/proc" 2>/dev/null; then proc_mounted=1; fi
cp /etc/resolv.conf "${root}/etc/resolv.conf"
cp -a "${archives}/." "${root}/var/cache/apt/archives/" 2>/dev/null || true

in_root() { chroot "${root}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

cp "${deb}" "${root}/tmp/"
name=$(basename "${deb}")
in_root apt-get update -qq
step=${SECONDS}
in_root apt-get install -y -qq --no-install-recommends "/tmp/${name}"
install_seconds=$((SECONDS - step))
cp -a "${root}/var/cache/apt/archives/"*.deb "${archives}/" 2>/dev/null || true

# It runs, from the installed paths, and says what it is.
version=$(in_root /usr/bin/tobacco-gateway --version)
echo "${version}"
[[ "${version}" =~ ^tobacco-gateway\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]{12}(-dirty)?|unknown)\)$ ]] ||
  { echo "install_test: unexpected --version: ${version}" >&2; exit 1; }
ctl_version=$(in_root /usr/bin/tobaccoctl --version)
[[ "${ctl_version}" == tobaccoctl\ * ]] ||
  { echo "install_test: unexpected tobaccoctl --version: ${ctl_version}" >&2; exit 1; }

# What the postinst and the package promise.
in_root getent passwd tobacco-gateway >/dev/null ||
  { echo "install_test: no tobacco-gateway user" >&2; exit 1; }
tls_mode=$(in_root stat -c '%a %U %G' /etc/tobacco-gateway/tls)
[[ "${tls_mode}" == "750 root tobacco-gateway" ]] ||
  { echo "install_test: /etc/tobacco-gateway/tls is ${tls_mode}" >&2; exit 1; }
in_root dpkg-query -W -f='${Conffiles}\n' tobacco-gateway |
  grep -q '/etc/tobacco-gateway/gateway.textproto' ||
  { echo "install_test: gateway.textproto is not a conffile" >&2; exit 1; }
# The installed unit verifies against the root's own systemd.
if in_root test -x /usr/bin/systemd-analyze; then
  systemd-analyze verify --root="${root}" --man=no tobacco-gateway.service
fi

# Purge leaves none of the package's files, and no configuration folder.
mapfile -t files < <(in_root dpkg-query -L tobacco-gateway)
in_root apt-get remove --purge -y -qq tobacco-gateway
left=()
for f in "${files[@]}"; do
  [[ -z "${f}" || "${f}" == "/." ]] && continue
  # Folders other packages share (/usr/bin, /usr/lib/systemd) stay.
  if [[ -e "${root}${f}" && ! -d "${root}${f}" ]]; then left+=("${f}"); fi
done
for d in /etc/tobacco-gateway /usr/share/doc/tobacco-gateway; do
  [[ -e "${root}${d}" ]] && left+=("${d}")
done
if ((${#left[@]})); then
  printf 'install_test: left after purge: %s\n' "${left[@]}" >&2
  exit 1
fi
if in_root dpkg-query -W -f='${Status}' tobacco-gateway 2>/dev/null |
    grep -q installed; then
  echo "install_test: dpkg still lists tobacco-gateway" >&2
  exit 1
fi
echo "install_test: root ready in ${root_seconds} s, apt-get install in" \
  "${install_seconds} s, whole test $((SECONDS - start)) s; installed, ran" \
  "--version, purged cleanly"
