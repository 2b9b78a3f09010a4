#!/usr/bin/env bash
# Proves tools/check_layering.py can fail: builds small trees in a temporary
# folder, each with one include from a layer above, and expects the check to
# name that file; a tree that keeps to the layers must pass.
set -euo pipefail
check="$(cd "$(dirname "$0")" && pwd)/check_layering.py"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
failures=0

# A tree that keeps to the layers: domain includes common and the protos,
# the pathway includes the store, api includes the pathway and an adapter.
make_clean_tree() {
  local root="$1"
  mkdir -p "${root}"/gateway/{common,domain,store,pathway,api} \
           "${root}"/adapters/{hl7v2,mental_health}
  printf '#include <string>\n' >"${root}/gateway/common/log.h"
  printf '#include "gateway/common/log.h"\n#include "nhs/tobacco/v1/referral.pb.h"\n' \
    >"${root}/gateway/domain/rules.h"
  printf '#include "gateway/domain/rules.h"\n' >"${root}/gateway/store/store.h"
  printf '#include "gateway/store/store.h"\n' >"${root}/gateway/pathway/use_case.cc"
  printf '#include "gateway/pathway/use_case.h"\n#include "adapters/hl7v2/message.h"\n' \
    >"${root}/gateway/api/edge.cc"
  printf '#include "absl/strings/str_cat.h"\n' >"${root}/adapters/hl7v2/message.h"
  printf '#include "adapters/hl7v2/message.h"\n#include "gateway/domain/rules.h"\n' \
    >"${root}/adapters/mental_health/translate.cc"
}

expect_pass() {
  local name="$1" root="${tmp}/$1"
  if out="$("${check}" "${root}")"; then
    echo "ok   ${name}: passes"
  else
    echo "FAIL ${name}: expected the check to pass, got:"; echo "${out}"
    failures=$((failures + 1))
  fi
}

# expect_fail NAME FILE INCLUDE: FILE (under a fresh clean tree) gets
# INCLUDE added; the check must exit 1 and name FILE and INCLUDE.
expect_fail() {
  local name="$1" file="$2" include="$3" root="${tmp}/$1"
  make_clean_tree "${root}"
  mkdir -p "$(dirname "${root}/${file}")"
  printf '#include "%s"\n' "${include}" >>"${root}/${file}"
  set +e
  out="$("${check}" "${root}")"
  rc=$?
  set -e
  if [[ ${rc} -eq 1 ]] && grep -q "^${file}:[0-9]*: .* may not include ${include}$" <<<"${out}"; then
    echo "ok   ${name}: fails on ${file} -> ${include}"
  else
    echo "FAIL ${name}: expected exit 1 naming ${file} -> ${include}; exit ${rc}:"
    echo "${out}"
    failures=$((failures + 1))
  fi
}

make_clean_tree "${tmp}/clean"
expect_pass clean
expect_fail domain_includes_store gateway/domain/rules.h gateway/store/store.h
expect_fail domain_includes_api gateway/domain/rules.h gateway/api/edge.h
expect_fail domain_includes_adapter gateway/domain/rules.h adapters/hl7v2/message.h
expect_fail adapter_includes_pathway adapters/mental_health/translate.cc gateway/pathway/use_case.h
expect_fail adapter_includes_store adapters/mental_health/translate.cc gateway/store/store.h
expect_fail store_includes_pathway gateway/store/store.h gateway/pathway/use_case.h
expect_fail store_includes_api gateway/store/store.h gateway/api/edge.h
expect_fail common_includes_domain gateway/common/log.h gateway/domain/rules.h
expect_fail security_includes_store gateway/security/policy.h gateway/store/store.h
expect_fail api_includes_store gateway/api/edge.cc gateway/store/store.h
expect_fail hl7v2_includes_domain adapters/hl7v2/message.h gateway/domain/rules.h
# A file in a folder the check does not know is reported too.
make_clean_tree "${tmp}/unknown"
mkdir -p "${tmp}/unknown/gateway/newlayer"
printf '\n' >"${tmp}/unknown/gateway/newlayer/x.h"
if "${check}" "${tmp}/unknown" >/dev/null; then
  echo "FAIL unknown_folder: expected the check to fail"; failures=$((failures + 1))
else
  echo "ok   unknown_folder: fails on a folder in no layer"
fi

if ((failures)); then
  echo "check_layering_test: ${failures} failed"
  exit 1
fi
echo "check_layering_test: all passed"
