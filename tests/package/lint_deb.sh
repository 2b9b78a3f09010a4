#!/usr/bin/env bash
# Runs lintian over the .deb (ctest package_deb_lintian):
#   tests/package/lint_deb.sh OUT_DIR
# Fails on any error or warning. The package ships its overrides
# (deploy/debian/lintian-overrides, each with its reason), which lintian
# reads from the package itself. Informational tags are printed, not failed
# on. (--show-overrides is left out: with it lintian 2.116 counts an
# overridden warning towards --fail-on.)
set -euo pipefail
out=${1:?usage: lint_deb.sh OUT_DIR}
command -v lintian >/dev/null ||
  { echo "lint_deb: lintian missing (Debian package lintian)" >&2; exit 1; }
debs=("${out}"/tobacco-gateway_*.deb)
[[ -f "${debs[0]}" ]] || { echo "lint_deb: no .deb in ${out}" >&2; exit 1; }
lintian --fail-on error,warning --display-info --tag-display-limit 0 "${debs[0]}"
echo "lint_deb: lintian passed (no error or warning)"
