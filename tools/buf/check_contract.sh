#!/usr/bin/env bash
# The API contract (proto/) checked with buf, pinned by this folder's
# package-lock.json (README "The API contract"):
#   check_contract.sh                 buf lint, then buf breaking against the
#                                     released contract (released.binpb)
#   check_contract.sh --self-test     proves the breaking check bites: removes
#                                     a field from a copy of the contract and
#                                     expects buf breaking to fail
#   check_contract.sh --cut-baseline  at a release: today's contract becomes
#                                     the released one (commit released.binpb)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
baseline="${here}/released.binpb"

if [[ ! -x "${here}/node_modules/.bin/buf" ]] ||
   [[ "${here}/package-lock.json" -nt "${here}/node_modules/.package-lock.json" ]]; then
  (cd "${here}" && npm ci --no-audit --no-fund >/dev/null)
fi
buf="${here}/node_modules/.bin/buf"

case "${1:-}" in
  --cut-baseline)
    (cd "${root}/proto" && "${buf}" build -o "${baseline}")
    echo "released contract written to ${baseline#"${root}"/}: commit it with the release"
    ;;
  --self-test)
    scratch="$(mktemp -d)"
    trap 'rm -rf "${scratch}"' EXIT
    cp -a "${root}/proto/." "${scratch}/"
    # Delete the first field of Referral: a wire- and source-breaking change.
    python3 - "${scratch}/nhs/tobacco/v1/referral.proto" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
start = text.index("message Referral {")
m = re.compile(r"\n  [^\n/]*= \d+;").search(text, start)
open(path, "w").write(text[:m.start()] + text[m.end():])
PY
    if (cd "${scratch}" && "${buf}" breaking --against "${baseline}" >"${scratch}/out.txt" 2>&1); then
      echo "buf breaking accepted a deleted field: the check does not bite" >&2
      exit 1
    fi
    grep -q "FIELD_NO_DELETE\|deleted" "${scratch}/out.txt" || {
      cat "${scratch}/out.txt" >&2; exit 1; }
    echo "buf breaking refuses a deleted field, as it must"
    ;;
  "")
    cd "${root}/proto"
    "${buf}" lint
    "${buf}" breaking --against "${baseline}"
    echo "contract: lint clean, no breaking change against the released contract"
    ;;
  *)
    echo "usage: $0 [--self-test|--cut-baseline]" >&2
    exit 2
    ;;
esac
