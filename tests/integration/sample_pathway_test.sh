#!/usr/bin/env bash
# The newcomer's sample pathway (deploy/sample_pathway.sh), run by every
# organisation with its own certificate against the real gateway binary on
# mutual TLS, then the gateway's whole log is searched for patient
# identifiers: there must be none.
#   sample_pathway_test.sh GATEWAY_BIN TOBACCOCTL_BIN SOURCE_DIR
set -euo pipefail
gateway_bin=$1
ctl=$2
src=$3
work=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- gateway log" >&2; cat "$work/gateway.log" >&2; exit 1; }

bash "$src/certs/make_dev_certs.sh" "$work/certs" >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s#127.0.0.1:50051#127.0.0.1:$port#" \
    -e "s#../../certs/out#$work/certs#g" \
    -e "s#../../var/data#$work/data#" \
    -e "s#127.0.0.1:2575#127.0.0.1:0#" \
    "$src/deploy/config/gateway.textproto" > "$work/gateway.textproto"

"$gateway_bin" --config "$work/gateway.textproto" 2> "$work/gateway.log" &
pid=$!
as_service=(--target "localhost:$port" --ca "$work/certs/ca.pem"
  --cert "$work/certs/service-tds01.pem" --key "$work/certs/service-tds01.key")
for _ in $(seq 1 100); do
  "$ctl" "${as_service[@]}" --timeout 1 prescriptions list >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "the gateway exited at start-up"
  sleep 0.1
done

TOBACCOCTL=$ctl TARGET="localhost:$port" CERTS="$work/certs" \
  bash "$src/deploy/sample_pathway.sh" > "$work/out.txt" 2>&1 ||
  { cat "$work/out.txt" >&2; fail "the sample pathway failed"; }

for expected in "DISPENSED" "SUPPLIED" "QUIT_CO_VERIFIED" "SAFETY_ALERT" \
    "no prescriptions" "PERMISSION_DENIED" "audit chain intact" \
    "FAILED_PRECONDITION"; do
  grep -q "$expected" "$work/out.txt" ||
    { cat "$work/out.txt" >&2; fail "output lacks $expected"; }
done
# Tables mask the NHS number; JSON is only used inside the script.
grep -q "999 \*\*\* \*\*18" "$work/out.txt" || fail "no masked NHS number shown"

kill -TERM "$pid"
wait "$pid" || fail "the gateway did not stop cleanly"
pid=
for identifier in 9990000018 "999 000 0018" 1980-04-01 TESTPATIENT; do
  if grep -q -- "$identifier" "$work/gateway.log"; then
    fail "the gateway log contains a patient identifier ($identifier)"
  fi
done
echo "sample pathway over mutual TLS, no patient identifier in the logs: 1 passed, 0 failed"
