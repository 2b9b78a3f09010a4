#!/usr/bin/env bash
# Builds and runs the gateway on SQLite with the development config, plays a
# sample pathway, then keeps serving in the foreground on 127.0.0.1:50051
# until Ctrl-C. Safe to run again: data persists in var/data.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install_deps.sh
./deploy/build.sh --target tobacco-gateway tobaccoctl

config=${CONFIG:-deploy/config/gateway.textproto}
mkdir -p var/data var/log
./build/default/gateway/server/tobacco-gateway --config "$config" &
gateway=$!
trap 'kill -TERM $gateway 2>/dev/null; wait $gateway' INT TERM

ctl=build/default/gateway/cli/tobaccoctl
for _ in $(seq 1 50); do
  if "$ctl" --timeout 1 prescriptions list >/dev/null 2>&1; then break; fi
  if ! kill -0 $gateway 2>/dev/null; then
    echo "run.sh: the gateway exited; see the messages above" >&2
    exit 1
  fi
  sleep 0.2
done

./deploy/sample_pathway.sh || echo "run.sh: the sample pathway failed (see above)" >&2

cat <<MSG

The gateway is serving on 127.0.0.1:50051 (Ctrl-C stops it cleanly).
In another terminal, try:
  $ctl prescriptions list
  $ctl prescriptions list --overdue
  $ctl events watch             # live timeline; Ctrl-C to stop
  $ctl --json referrals list
MSG
wait $gateway
