#!/usr/bin/env bash
# Builds and runs the gateway on SQLite with the development config, with
# tobacco-demo-receivers standing in for the systems it delivers to and NHS
# Digital's MESH sandbox holding the GP practice's mailbox (the GP letter goes
# over MESH), plays a sample pathway, then keeps serving in the foreground on
# 127.0.0.1:50051 until Ctrl-C, which stops them all. Safe to run again: data
# persists in var/data, MESH's messages in var/mesh/sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what building and running needs (no clang, benchmark, Chromium).
./deploy/install_deps.sh --run
./deploy/build.sh --target tobacco-gateway tobaccoctl tobacco-demo-receivers

# Development certificates (CA, server, one per sample organisation).
certs/make_dev_certs.sh certs/out >/dev/null

config=${CONFIG:-deploy/config/gateway.textproto}
# The sample config's audit { development_key: true } makes the audit chain's
# key on the first start (var/data/audit-dev.key, mode 0600) and reuses it
# after; checkpoints of the chain go to var/data/audit-checkpoints.log and
# syslog (journalctl -t tobacco-gateway-audit).
mkdir -p var/data var/log
gateway=
receivers=
mesh=
# Gateway first, so it is not left retrying receivers that are gone.
stop() {
  for p in $gateway $receivers $mesh; do
    if kill -TERM "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
  done
}
trap stop EXIT
trap 'exit 130' INT TERM

# MESH (deploy/mesh/README.md): the gateway's mailbox TDS01OT001 and GP
# practice Y90001's Y90001OT001 on NHS Digital's MESH sandbox. The config's
# mesh block reads the gateway's mailbox id, password and the environment's
# shared key from files (mode 0600, never the config); the passwords are the
# development ones of deploy/mesh/mailboxes.jsonl, the shared key a
# development value.
mesh_url=https://127.0.0.1:8700
mesh_shared_key=tobacco-dev-mesh-shared-key
mesh_password() {
  jq -r --arg id "$1" 'select(.mailbox_id == $id) | .password' deploy/mesh/mailboxes.jsonl
}
practice_password=$(mesh_password Y90001OT001)
mkdir -p var/mesh && chmod 700 var/mesh
# write_secret FILE VALUE: (re)written each run, owner-only.
write_secret() {
  (umask 077 && printf '%s\n' "$2" >"$1")
  chmod 600 "$1"
}
write_secret var/mesh/gateway-mailbox-id TDS01OT001
write_secret var/mesh/gateway-password "$(mesh_password TDS01OT001)"
write_secret var/mesh/shared-key "$mesh_shared_key"
# Mutual TLS with the development PKI, as MESH requires: the sandbox presents
# server.pem and takes any client certificate the development CA signed.
mesh_curl=(curl -fsS --max-time 2 --cacert certs/out/ca.pem
  --cert certs/out/service-tds01.pem --key certs/out/service-tds01.key)
mesh_log=var/log/mesh-sandbox.log
if "${mesh_curl[@]}" "$mesh_url/health" >/dev/null 2>&1; then
  echo "run.sh: something already answers on $mesh_url (a MESH sandbox left" \
    "running?); using it" >&2
else
  SHARED_KEY=$mesh_shared_key AUTH_MODE=full third_party/mesh-sandbox/start.sh \
    --port 8700 --data var/mesh/sandbox \
    --mailboxes deploy/mesh/mailboxes.jsonl --workflows deploy/mesh/workflows.jsonl \
    --tls certs/out/server.pem certs/out/server.key certs/out/ca.pem >"$mesh_log" 2>&1 &
  mesh=$!
  for _ in $(seq 1 100); do
    "${mesh_curl[@]}" "$mesh_url/health" >/dev/null 2>&1 && break
    if ! kill -0 $mesh 2>/dev/null; then
      cat "$mesh_log" >&2
      echo "run.sh: the MESH sandbox did not start (see above; ./deploy/install_deps.sh" \
        "--run installs what it needs); GP letters wait in the outbox until MESH answers" >&2
      mesh=
      break
    fi
    sleep 0.2
  done
fi

# Trust RX9's MLLP engine (127.0.0.1:2576), the FHIR endpoint of Y90001,
# FZZ99 and TDS01 (127.0.0.1:9443), where the config routes them, and GP
# practice Y90001's system on its MESH mailbox (letters' PDFs to
# var/mesh/letters); started first so the gateway's first tries succeed. One
# line per message received.
receivers_log=var/log/demo-receivers.log
./build/default/deploy/demo_receivers/tobacco-demo-receivers \
  --mesh_url "$mesh_url" --mesh_mailbox Y90001OT001 \
  --mesh_password "$practice_password" --mesh_shared_key "$mesh_shared_key" \
  --mesh_letters_dir var/mesh/letters >"$receivers_log" 2>&1 &
receivers=$!
for _ in $(seq 1 50); do
  grep -q "mutual TLS" "$receivers_log" && break
  if ! kill -0 $receivers 2>/dev/null; then
    cat "$receivers_log" >&2
    echo "run.sh: the demo receivers did not start (another one still running?" \
      "see above); messages wait in the outbox until a receiver answers" >&2
    receivers=
    break
  fi
  sleep 0.1
done

./build/default/gateway/server/tobacco-gateway --config "$config" &
gateway=$!

ctl=build/default/gateway/cli/tobaccoctl
as_service=(--target localhost:50051 --ca certs/out/ca.pem
  --cert certs/out/service-tds01.pem --key certs/out/service-tds01.key)
for _ in $(seq 1 50); do
  if "$ctl" "${as_service[@]}" --timeout 1 prescriptions list >/dev/null 2>&1; then break; fi
  if ! kill -0 $gateway 2>/dev/null; then
    echo "run.sh: the gateway exited; see the messages above" >&2
    exit 1
  fi
  sleep 0.2
done

./deploy/sample_pathway.sh || echo "run.sh: the sample pathway failed (see above)" >&2

printf '\n== What the demo receivers got (%s)\n' "$receivers_log"
tail -n 20 "$receivers_log"

cat <<MSG

The gateway is serving mutual TLS on localhost:50051 (Ctrl-C stops it
cleanly). Every call presents an organisation's certificate; as the tobacco
dependency service TDS01, in another terminal:
  tds="--target localhost:50051 --ca certs/out/ca.pem --cert certs/out/service-tds01.pem --key certs/out/service-tds01.key"
  $ctl \$tds prescriptions list
  $ctl \$tds prescriptions list --overdue
  $ctl \$tds events watch          # live timeline; Ctrl-C to stop
  $ctl \$tds --json referrals list
As pharmacy FZZ99 you see only what is routed to it:
  $ctl --target localhost:50051 --ca certs/out/ca.pem --cert certs/out/pharmacy-fzz99.pem --key certs/out/pharmacy-fzz99.key prescriptions list
As the operator, verify the audit chain and see what was sent where:
  admin="--target localhost:50051 --ca certs/out/ca.pem --cert certs/out/admin-ops.pem --key certs/out/admin-ops.key"
  $ctl \$admin audit verify
  $ctl \$admin deliveries list
  $ctl \$admin deliveries stats
The same pathway over HTTP/JSON (the OpenAPI document is /v1/openapi.json):
  curl --cacert certs/out/ca.pem --cert certs/out/service-tds01.pem --key certs/out/service-tds01.key https://127.0.0.1:8443/v1/prescriptions
The web console: import an organisation's certificate into your browser
(README "Opening the console"), then open https://127.0.0.1:8443/console/
What the receiving systems get, live: tail -f $receivers_log

GP practice Y90001 takes its letters over MESH (the sandbox on $mesh_url,
log $mesh_log): the demo practice saves each letter's PDF as
var/mesh/letters/<message id>.pdf (pdftotext FILE - reads it) and answers
with ITK3 acknowledgements. In \$admin deliveries list its letter shows
channel MESH, AWAITING_ACKNOWLEDGEMENT once MESH took it, then DELIVERED
when the practice's business acknowledgement came back; the prescription
request it carries goes SENT, then ACKNOWLEDGED
($ctl \$tds prescriptions timeline ID).
Operations (README "Operations"): health, readiness and Prometheus metrics
on the loopback-only admin listener, and an online backup:
  curl -s http://127.0.0.1:9464/readyz
  curl -s http://127.0.0.1:9464/metrics | grep '^tobacco_gateway_outbox'
  ./build/default/gateway/server/tobacco-gateway backup --config $config --to var/
Change logging.level in $config, then: kill -HUP $gateway (re-reads the
level and reloads every listener's certificates and CRLs).
MSG
wait $gateway
