#!/usr/bin/env bash
# The newcomer's sample pathway (deploy/sample_pathway.sh), run by every
# organisation with its own certificate against the real gateway binary on
# mutual TLS, with tobacco-demo-receivers standing in for the receiving
# systems and NHS Digital's MESH sandbox holding practice Y90001's mailbox,
# as under deploy/run.sh. Then: every message the pathway caused was
# delivered and arrived at the receiver it names (the GP letters over MESH,
# their PDFs readable), and neither the gateway's log nor the receivers'
# output holds a patient identifier.
# With "json" (README "Logs"): the gateway logs JSON, every line parses with
# the fixed fields, one referral's id is followed from the gRPC call that
# made it to the outbox messages it caused, and SIGHUP lowers the level to
# WARNING without a restart.
#   sample_pathway_test.sh GATEWAY_BIN TOBACCOCTL_BIN DEMO_RECEIVERS_BIN SOURCE_DIR [json]
set -euo pipefail
gateway_bin=$1
ctl=$2
receivers_bin=$3
src=$4
log_format=${5:-text}
work=$(mktemp -d)
pid=
receivers=
mesh=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
  if [[ -n "$receivers" ]]; then kill "$receivers" 2>/dev/null || true; fi
  if [[ -n "$mesh" ]]; then kill "$mesh" 2>/dev/null && wait "$mesh" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- gateway log" >&2; cat "$work/gateway.log" >&2
  echo "--- demo receivers" >&2; cat "$work/receivers.out" "$work/receivers.err" >&2
  exit 1
}

# Under ctest, a copy of the PKI the fixture dev_certs_template made for the
# run (tests/CMakeLists.txt); on its own, a PKI of its own.
if [[ -f "${TOBACCO_DEV_CERTS_TEMPLATE:-}/ca.pem" ]]; then
  cp -r "$TOBACCO_DEV_CERTS_TEMPLATE" "$work/certs"
else
  bash "$src/certs/make_dev_certs.sh" "$work/certs" >/dev/null
fi
touch "$work/gateway.log" "$work/receivers.out" "$work/receivers.err"
# Five distinct free ports (all bound at once): gRPC, the gateway's FHIR
# listener, the demo receivers' MLLP and FHIR listeners, and MESH.
read -r port fhir_port rx_mllp_port rx_fhir_port mesh_port < <(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
sed -e "s#127.0.0.1:50051#127.0.0.1:$port#" \
    -e "s#../../certs/out#$work/certs#g" \
    -e "s#../../var/data#$work/data#" \
    -e "s#127.0.0.1:2575#127.0.0.1:0#" \
    -e "s#127.0.0.1:9464#127.0.0.1:0#" \
    -e "s#127.0.0.1:8443#127.0.0.1:$fhir_port#" \
    -e "s#127.0.0.1:2576#127.0.0.1:$rx_mllp_port#" \
    -e "s#127.0.0.1:9443#127.0.0.1:$rx_fhir_port#g" \
    -e "s#127.0.0.1:8700#127.0.0.1:$mesh_port#" \
    -e "s#../../var/mesh#$work/mesh#g" \
    "$src/deploy/config/gateway.textproto" > "$work/gateway.textproto"
if [[ $log_format == json ]]; then
  printf 'logging { format: FORMAT_JSON level: LEVEL_INFO }\n' >> "$work/gateway.textproto"
fi
grep -q "outbound_address: \"127.0.0.1:$rx_mllp_port\"" "$work/gateway.textproto" ||
  fail "the sample config no longer routes RX9 to 127.0.0.1:2576"
[[ $(grep -c "127.0.0.1:$rx_fhir_port/fhir" "$work/gateway.textproto") == 3 ]] ||
  fail "the sample config no longer routes Y90001, FZZ99 and TDS01 to 127.0.0.1:9443"

grep -q "mailbox_id_file: \"$work/mesh/" "$work/gateway.textproto" ||
  fail "the sample config no longer reads its MESH secrets from ../../var/mesh"

# MESH as run.sh starts it: the sandbox with deploy/mesh's mailboxes, mutual
# TLS, the NHSMESH header checked; the gateway's secrets in files.
mesh_key=sample-pathway-test-shared-key
mesh_password() {
  jq -r --arg id "$1" 'select(.mailbox_id == $id) | .password' \
    "$src/deploy/mesh/mailboxes.jsonl"
}
mkdir -p "$work/mesh" "$work/letters"
(umask 077
 printf 'TDS01OT001\n' > "$work/mesh/gateway-mailbox-id"
 mesh_password TDS01OT001 > "$work/mesh/gateway-password"
 printf '%s\n' "$mesh_key" > "$work/mesh/shared-key")
SHARED_KEY=$mesh_key AUTH_MODE=full bash "$src/third_party/mesh-sandbox/start.sh" \
  --port "$mesh_port" --data "$work/mesh/sandbox" \
  --mailboxes "$src/deploy/mesh/mailboxes.jsonl" \
  --workflows "$src/deploy/mesh/workflows.jsonl" \
  --tls "$work/certs/server.pem" "$work/certs/server.key" "$work/certs/ca.pem" \
  > "$work/mesh.log" 2>&1 &
mesh=$!
for _ in $(seq 1 300); do
  curl -fsS --max-time 2 --cacert "$work/certs/ca.pem" \
    --cert "$work/certs/gp-y90001.pem" --key "$work/certs/gp-y90001.key" \
    "https://127.0.0.1:$mesh_port/health" >/dev/null 2>&1 && break
  kill -0 "$mesh" 2>/dev/null || { cat "$work/mesh.log" >&2; fail "the MESH sandbox exited at start-up"; }
  sleep 0.1
done

# The receivers first, as run.sh starts them: the first tries succeed.
"$receivers_bin" --mllp_address "127.0.0.1:$rx_mllp_port" \
  --fhir_address "127.0.0.1:$rx_fhir_port" \
  --tls_cert "$work/certs/server.pem" --tls_key "$work/certs/server.key" \
  --client_ca "$work/certs/ca.pem" \
  --mesh_url "https://127.0.0.1:$mesh_port" --mesh_mailbox Y90001OT001 \
  --mesh_password "$(mesh_password Y90001OT001)" --mesh_shared_key "$mesh_key" \
  --mesh_letters_dir "$work/letters" --mesh_ca "$work/certs/ca.pem" \
  --mesh_cert "$work/certs/gp-y90001.pem" --mesh_key "$work/certs/gp-y90001.key" \
  > "$work/receivers.out" 2> "$work/receivers.err" &
receivers=$!
for _ in $(seq 1 100); do
  grep -q "mutual TLS" "$work/receivers.err" && break
  kill -0 "$receivers" 2>/dev/null || fail "the demo receivers exited at start-up"
  sleep 0.1
done

"$gateway_bin" --config "$work/gateway.textproto" 2> "$work/gateway.log" &
pid=$!
as_service=(--target "localhost:$port" --ca "$work/certs/ca.pem"
  --cert "$work/certs/service-tds01.pem" --key "$work/certs/service-tds01.key")
as_admin=(--target "localhost:$port" --ca "$work/certs/ca.pem"
  --cert "$work/certs/admin-ops.pem" --key "$work/certs/admin-ops.key")
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
    "FAILED_PRECONDITION" "REFERRAL_RESPONSE" "GP_RECOMMENDATION" \
    "DELIVERED"; do
  grep -q "$expected" "$work/out.txt" ||
    { cat "$work/out.txt" >&2; fail "output lacks $expected"; }
done
# The outbox confirmed both requests: nobody recorded SENT or ACKNOWLEDGED
# by hand.
if grep -q "by hand" "$work/out.txt"; then
  cat "$work/out.txt" >&2; fail "a request was not confirmed by its receiver"
fi
# Tables mask the NHS number; JSON is only used inside the script.
grep -q "999 \*\*\* \*\*18" "$work/out.txt" || fail "no masked NHS number shown"

# Every message the pathway caused was delivered (none pending or dead), and
# arrived where the outbox says: HL7 by MSH-10 (the message id's first 20 hex
# digits) at RX9, FHIR by MessageHeader.id at the organisation it names.
"$ctl" "${as_admin[@]}" --json deliveries list --page-size 500 > "$work/deliveries.json" ||
  fail "deliveries list failed"
jq -e '[.deliveries[] | select(.state != "DELIVERY_STATE_DELIVERED")] | length == 0' \
  "$work/deliveries.json" >/dev/null ||
  { cat "$work/deliveries.json" >&2; fail "a message was not delivered"; }
for kind in REFERRAL_RESPONSE SAFETY_ALERT GP_RECOMMENDATION \
    PHARMACY_SUPPLY_REQUEST PRESCRIPTION_NOTICE TRUST_OUTCOME GP_OUTCOME; do
  jq -e --arg k "MESSAGE_KIND_$kind" 'any(.deliveries[]; .kind == $k)' \
    "$work/deliveries.json" >/dev/null ||
    { cat "$work/deliveries.json" >&2; fail "no $kind delivered"; }
done
while read -r id channel destination; do
  if [[ $channel == DELIVERY_CHANNEL_HL7V2_MLLP ]]; then
    seen=$(tr -d - <<<"$id" | cut -c1-20)
    line="HL7V2_MLLP .* $seen +$destination\$"
  elif [[ $channel == DELIVERY_CHANNEL_MESH ]]; then
    # The practice's system names the ITK3 message id (= the outbox's) and
    # the PDF it saved.
    seen=$id
    line="MESH +[A-Z_]+ +$seen +$destination +"
    pdftotext "$work/letters/$id.pdf" - | grep -q "Dear colleague" ||
      fail "the letter $id.pdf does not read as a letter"
  else
    seen=$id
    line="FHIR_HTTPS .* $seen +$destination\$"
  fi
  grep -Eq "$line" "$work/receivers.out" ||
    fail "the demo receivers did not report $channel $seen for $destination"
done < <(jq -r '.deliveries[] | "\(.messageId) \(.channel) \(.destinationOds)"' \
  "$work/deliveries.json")
jq -e '[.deliveries[] | select(.kind == "MESSAGE_KIND_GP_RECOMMENDATION")] |
    length > 0 and all(.channel == "DELIVERY_CHANNEL_MESH")' \
  "$work/deliveries.json" >/dev/null ||
  fail "the GP recommendation did not go over MESH"
grep -q "RRI^I12" "$work/receivers.out" || fail "no RRI^I12 reported"

if [[ $log_format == json ]]; then
  # Every line is one JSON object with the fixed fields.
  jq -e -s 'length > 0 and all(.[]; (.time | type == "string") and
      (.level | IN("DEBUG", "INFO", "WARNING", "ERROR")) and
      (.component | type == "string") and (.message | type == "string"))' \
    "$work/gateway.log" >/dev/null || fail "a log line is not JSON with time, level, component, message"
  # One id followed across adapters: a referral made over gRPC (its call's
  # event names it) and the outbox messages it caused (their events too).
  referral=$(jq -r -s '[.[] | select(.component == "grpc" and
      .method == "/nhs.tobacco.v1.ReferralService/CreateReferral" and
      .grpc_code == "OK") | .referral_id][0] // empty' "$work/gateway.log")
  [[ -n $referral ]] || fail "no CreateReferral event names its referral_id"
  jq -e -s --arg r "$referral" 'any(.[]; .component == "delivery" and
      .message == "delivered" and .referral_id == $r and
      (.message_id | type == "string") and (.destination | type == "string"))' \
    "$work/gateway.log" >/dev/null || fail "no delivery event names referral $referral"
  jq -e -s 'any(.[]; .component == "grpc" and (.request_id | type == "string")
      and (.duration_ms | type == "number"))' "$work/gateway.log" >/dev/null ||
    fail "no gRPC event carries the request_id of a write"
  # SIGHUP re-reads the level: INFO events stop, WARNING ones do not.
  sed -i 's/level: LEVEL_INFO/level: LEVEL_WARNING/' "$work/gateway.textproto"
  kill -HUP "$pid"
  for _ in $(seq 1 50); do
    grep -q '"log_level":"WARNING"' "$work/gateway.log" && break
    sleep 0.1
  done
  grep -q '"log_level":"WARNING"' "$work/gateway.log" || fail "SIGHUP did not re-read the level"
  # The same SIGHUP reloaded the HTTPS listener's certificate, key, CA and
  # CRLs (README "Certificate and CRL rotation").
  jq -e -s 'any(.[]; .component == "tls" and (.message | startswith("TLS reloaded")))' \
    "$work/gateway.log" >/dev/null || fail "SIGHUP did not reload TLS"
  before=$(wc -l < "$work/gateway.log")
  "$ctl" "${as_service[@]}" prescriptions list >/dev/null || fail "list after SIGHUP failed"
  kill -0 "$pid" || fail "the gateway exited on SIGHUP"
  after=$(tail -n +$((before + 1)) "$work/gateway.log" | jq -s '[.[] | select(.level == "INFO")] | length')
  [[ $after == 0 ]] || fail "INFO events after SIGHUP set WARNING"
fi

kill -TERM "$pid"
wait "$pid" || fail "the gateway did not stop cleanly"
pid=
kill -TERM "$receivers"
wait "$receivers" || fail "the demo receivers did not stop cleanly"
receivers=
for identifier in 9990000018 "999 000 0018" 1980-04-01 19800401 TESTPATIENT; do
  if grep -q -- "$identifier" "$work/gateway.log"; then
    fail "the gateway log contains a patient identifier ($identifier)"
  fi
  if grep -q -- "$identifier" "$work/receivers.out" "$work/receivers.err"; then
    fail "the demo receivers printed a patient identifier ($identifier)"
  fi
done
echo "sample pathway over mutual TLS, every message delivered to the demo receivers, no patient identifier in the logs: 1 passed, 0 failed"
