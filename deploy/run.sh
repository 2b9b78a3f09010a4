#!/usr/bin/env bash
# Builds and runs the gateway on SQLite with the development config, plays a
# sample pathway, then keeps serving in the foreground on 127.0.0.1:50051
# until Ctrl-C. Safe to run again: data persists in var/data.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install_deps.sh
./deploy/build.sh --target tobacco-gateway tobaccoctl

# Development certificates (CA, server, one per sample organisation).
certs/make_dev_certs.sh certs/out >/dev/null

config=${CONFIG:-deploy/config/gateway.textproto}
mkdir -p var/data var/log
./build/default/gateway/server/tobacco-gateway --config "$config" &
gateway=$!
trap 'kill -TERM $gateway 2>/dev/null; wait $gateway' INT TERM

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
As the operator, verify the audit chain:
  $ctl --target localhost:50051 --ca certs/out/ca.pem --cert certs/out/admin-ops.pem --key certs/out/admin-ops.key audit verify
MSG
wait $gateway
