#!/usr/bin/env bash
# Builds and runs the gateway on SQLite with the development config, with
# tobacco-demo-receivers standing in for the systems it delivers to, plays a
# sample pathway, then keeps serving in the foreground on 127.0.0.1:50051
# until Ctrl-C, which stops both. Safe to run again: data persists in
# var/data.
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
# Gateway first, so it is not left retrying receivers that are gone.
stop() {
  for p in $gateway $receivers; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
}
trap stop EXIT
trap 'exit 130' INT TERM

# Trust RX9's MLLP engine (127.0.0.1:2576) and the FHIR endpoint of Y90001,
# FZZ99 and TDS01 (127.0.0.1:9443), where the config routes them; started
# first so the gateway's first tries succeed. One line per message received.
receivers_log=var/log/demo-receivers.log
./build/default/deploy/demo_receivers/tobacco-demo-receivers >"$receivers_log" 2>&1 &
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
Operations (README "Operations"): health, readiness and Prometheus metrics
on the loopback-only admin listener, and an online backup:
  curl -s http://127.0.0.1:9464/readyz
  curl -s http://127.0.0.1:9464/metrics | grep '^tobacco_gateway_outbox'
  ./build/default/gateway/server/tobacco-gateway backup --config $config --to var/
Change logging.level in $config, then: kill -HUP $gateway (re-reads the
level and reloads every listener's certificates and CRLs).
MSG
wait $gateway
