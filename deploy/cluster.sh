#!/usr/bin/env bash
# Starts, on loopback, what several gateway instances on PostgreSQL look like
# (issue 16; README "PostgreSQL and several instances"), everything under
# var/cluster/:
#   - a PostgreSQL 15 primary (TLS with its own CA, SCRAM passwords; the role
#     gateway owns the database tobacco) and a streaming standby of it, made
#     with pg_basebackup, each on a port of its own (5441 and 5442; Debian's
#     own cluster, if any, keeps 5432);
#   - two gateway instances (or --instances N), each with its own config
#     derived from deploy/config/gateway.textproto, data folder and ports,
#     all on the one database through a multi-host conninfo, so they follow
#     the standby if it is promoted;
#   - nginx's stream module as the TCP load balancer on the ports the sample
#     config's clients use (gRPC 50051, MLLP 2575, HTTPS 8443), passing TLS
#     through so client certificates reach the gateways, with the PROXY
#     protocol on MLLP and HTTPS so the gateways see the real peer;
#   - tobacco-demo-receivers (as deploy/run.sh starts it) when built.
#
#   ./deploy/cluster.sh                  start (what runs already is kept)
#   ./deploy/cluster.sh --instances 3    three gateway instances
#   ./deploy/cluster.sh --infra-only     PostgreSQL and nginx only: run the
#                                        gateways yourself (e.g. under gdb)
#                                        with var/cluster/gwN/gateway.textproto
#   ./deploy/cluster.sh --stop           stop all it started (pid files)
#   ./deploy/cluster.sh --kill-instance I   kill -9 gateway I (a crash drill)
#   ./deploy/cluster.sh --start-instance I  start gateway I again (only it),
#                                        waiting for its /readyz
#   GATEWAY_BIN=build/asan/gateway/server/tobacco-gateway ./deploy/cluster.sh
#                                        the gateways from another tree
#
# Safe to run again: what is running is kept and the data persists in
# var/cluster; after --stop, rm -rf var/cluster starts from nothing.
# PG_PORT (default 5441) moves the primary; the standby takes PG_PORT + 1.
#
# For a second cluster beside the first (a test running beside others),
# the environment moves everything; unset, the defaults above hold:
#   CLUSTER_DIR=DIR        its folder instead of var/cluster
#   CLUSTER_PORT_BASE=B    every port from B: the balancer's gRPC B, MLLP
#                          B+1, HTTPS B+2; PostgreSQL B+3 and B+4; the demo
#                          receivers' MLLP B+5 and FHIR B+6 (the config's
#                          routes to 127.0.0.1:2576 and :9443 follow them);
#                          gateway i gRPC B+10i, MLLP B+10i+1, HTTPS
#                          B+10i+2, admin B+10i+3
#   CLUSTER_CONFIG=FILE    the config the instances' are derived from
#                          (default deploy/config/gateway.textproto; laid
#                          out the same way: top-level blocks at column 0)
#   CLUSTER_CERTS=DIR      the development PKI (default certs/out, made by
#                          certs/make_dev_certs.sh when missing); the
#                          config's ../../certs/out/ paths point there
#   CLUSTER_RECEIVERS=0    no tobacco-demo-receivers (run your own on the
#                          receiver ports)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=start
instances=2
instance=
while (($#)); do
  case "$1" in
    --stop) mode=stop ;;
    --infra-only) mode=infra ;;
    --instances)
      instances=${2:?--instances needs a number}
      shift
      ;;
    --kill-instance | --start-instance)
      mode=${1#--}
      instance=${2:?$1 needs an instance number}
      shift
      ;;
    *)
      echo "usage: cluster.sh [--instances N] [--infra-only] | --stop |" \
        "--kill-instance I | --start-instance I" >&2
      exit 2
      ;;
  esac
  shift
done
if ! [[ "$instances" =~ ^[1-9]$ ]]; then
  echo "cluster.sh: --instances takes 1 to 9" >&2
  exit 2
fi
if [[ -n "$instance" && ! "$instance" =~ ^[1-9]$ ]]; then
  echo "cluster.sh: an instance is 1 to 9" >&2
  exit 2
fi

dir=${CLUSTER_DIR:-$root/var/cluster}
[[ "$dir" == /* ]] || dir=$root/$dir
pg=$dir/pg            # owned by the postgres user when run as root
secrets=$dir/secrets  # mode 700: passwords, the audit key, the CA's key
pgbin=/usr/lib/postgresql/15/bin
port_base=${CLUSTER_PORT_BASE:-}
if [[ -n "$port_base" ]] && ! [[ "$port_base" =~ ^[1-9][0-9]*$ && "$port_base" -le 65435 ]]; then
  echo "cluster.sh: CLUSTER_PORT_BASE must be a port number up to 65435" >&2
  exit 2
fi
if [[ -n "$port_base" ]]; then
  primary_port=${PG_PORT:-$((port_base + 3))}
else
  primary_port=${PG_PORT:-5441}
fi
standby_port=$((primary_port + 1))
base_config=${CLUSTER_CONFIG:-deploy/config/gateway.textproto}
certs=${CLUSTER_CERTS:-$root/certs/out}
[[ "$certs" == /* ]] || certs=$root/$certs
# The demo receivers (RX9's MLLP engine, the FHIR endpoints), where the
# sample config's routes point.
receivers_mllp=127.0.0.1:2576
receivers_fhir=127.0.0.1:9443
if [[ -n "$port_base" ]]; then
  receivers_mllp=127.0.0.1:$((port_base + 5))
  receivers_fhir=127.0.0.1:$((port_base + 6))
fi
# GATEWAY_BIN runs a gateway from another tree (e.g. build/asan) instead.
gateway_bin=${GATEWAY_BIN:-build/default/gateway/server/tobacco-gateway}
ctl=build/default/gateway/cli/tobaccoctl
receivers_bin=build/default/deploy/demo_receivers/tobacco-demo-receivers
# The standby's name on the primary: its replication slot and the
# application_name synchronous replication waits for.
standby_name=tobacco_standby

# initdb, pg_ctl and the server refuse to run as root: as root they run as
# the postgres user (Debian's postgresql-15 makes it), who owns var/cluster/pg.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi

say() { printf 'cluster: %s\n' "$*"; }
die() {
  printf 'cluster.sh: %s\n' "$*" >&2
  exit 1
}
# running PID: the process runs (one killed but not yet reaped, a zombie,
# does not: what this script starts outlives it, and is reaped by init).
running() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n "$state" && "$state" != Z ]]
}
# alive PIDFILE: the process the file names runs.
alive() { [[ -f "$1" ]] && running "$(cat "$1")"; }
# port_busy PORT: something listens on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pg_up() { [[ -f "$1/postmaster.pid" ]] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$1" status >/dev/null 2>&1; }
# psql as the superuser over the primary's Unix socket. Its commits do not
# wait for the standby (synchronous replication would block them until the
# standby exists or is back).
pg_admin() {
  PGOPTIONS="-c synchronous_commit=local" PGPASSFILE=$secrets/superuser.pgpass \
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$pg/run" -p "${1}" -U postgres -d postgres "${@:2}"
}
# The address of the sample config's top-level BLOCK (grpc, mllp, fhir,
# admin): the balancer listens there, the instances next to it (with
# CLUSTER_PORT_BASE, at B, B+1 and B+2; admin's B+3 is only what the
# instances' admin ports derive from).
config_address() {
  if [[ -n "$port_base" ]]; then
    case "$1" in
      grpc) echo "127.0.0.1:$port_base" ;;
      mllp) echo "127.0.0.1:$((port_base + 1))" ;;
      fhir) echo "127.0.0.1:$((port_base + 2))" ;;
      admin) echo "127.0.0.1:$((port_base + 3))" ;;  # the instances' derive from it
    esac
    return 0
  fi
  awk -v want="$1" '/^[a-z_]+ \{/ { block = $1 } /^\}/ { block = "" }
    block == want && /^  address:/ { gsub(/"/, "", $2); print $2; exit }' "$base_config"
}
port_of() { echo "${1##*:}"; }
# Instance i listens on the public port + 10 i (gRPC 50061, 50071, ...);
# with CLUSTER_PORT_BASE B, gRPC B+10i, MLLP B+10i+1, HTTPS B+10i+2,
# admin B+10i+3 (the public ports are B, B+1, B+2, and admin's "B+3").
instance_port() { echo $(($1 + 10 * $2)); }

# --- stop ---------------------------------------------------------------

# stop_pids SECONDS PIDFILE...: SIGTERM to each at once (a gateway drains
# its calls and queued writes, after its drain delay), then SIGKILL to any
# still there after SECONDS.
stop_pids() {
  local seconds=$1 file pid name
  shift
  local -a pids=() names=()
  for file in "$@"; do
    if alive "$file"; then
      pid=$(cat "$file")
      kill -TERM "$pid"
      pids+=("$pid")
      name=${file#"$dir"/}
      names+=("${name%.pid}")
    fi
    rm -f "$file"
  done
  local i
  for i in "${!pids[@]}"; do
    for _ in $(seq 1 $((seconds * 10))); do
      running "${pids[$i]}" || break
      sleep 0.1
    done
    if running "${pids[$i]}"; then
      say "${names[$i]} (pid ${pids[$i]}) still running after ${seconds}s: SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
    say "stopped ${names[$i]} (pid ${pids[$i]})"
  done
}

stop_all() {
  # The balancer first, so no new connection reaches a gateway that is
  # going; then the gateways, which drain onto the database; the database
  # last.
  if alive "$dir/nginx/nginx.pid"; then
    local pid
    pid=$(cat "$dir/nginx/nginx.pid")
    # Graceful: the workers finish their connections, for at most 10 s.
    kill -QUIT "$pid"
    for _ in $(seq 1 100); do
      running "$pid" || break
      sleep 0.1
    done
    if running "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    say "stopped nginx (pid $pid)"
  fi
  local gateways=("$dir"/gw*/gateway.pid)
  [[ -f "${gateways[0]}" ]] && stop_pids 40 "${gateways[@]}"
  stop_pids 10 "$dir/receivers.pid"
  for node in standby primary; do
    if pg_up "$pg/$node"; then
      "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pg/$node" -m fast -w -t 60 stop >/dev/null
      say "stopped PostgreSQL $node"
    fi
  done
}

if [[ "$mode" == stop ]]; then
  [[ -d "$dir" ]] || {
    say "nothing to stop (no $dir)"
    exit 0
  }
  stop_all
  say "stopped; the data stays in $dir (rm -rf it to start from nothing)"
  exit 0
fi

# --kill-instance I: SIGKILL, as a crash would (no drain, connections cut,
# claims and the deadline scan's lease left to lapse); returns once it is
# gone. The pid file stays until --start-instance.
if [[ "$mode" == kill-instance ]]; then
  file=$dir/gw$instance/gateway.pid
  alive "$file" || die "gateway $instance is not running ($file)"
  pid=$(cat "$file")
  kill -KILL "$pid"
  for _ in $(seq 1 100); do
    running "$pid" || break
    sleep 0.05
  done
  running "$pid" && die "gateway $instance (pid $pid) survived SIGKILL"
  say "killed gateway $instance (pid $pid)"
  exit 0
fi

# --- dependencies, binaries, certificates -------------------------------

# PostgreSQL 15 and nginx's stream module on top of what running needs
# (not for --start-instance: the cluster is there already).
if [[ "$mode" != start-instance ]]; then ./deploy/install_deps.sh --cluster; fi
if [[ "$mode" == start && -z "${GATEWAY_BIN:-}" && ! -x "$gateway_bin" ]]; then
  ./deploy/build.sh --target tobacco-gateway tobaccoctl tobacco-demo-receivers
fi
[[ -x "$pgbin/initdb" ]] || die "$pgbin/initdb not found (postgresql-15)"
if [[ "$mode" == start* && ! -x "$gateway_bin" ]]; then die "no gateway at $gateway_bin"; fi
# The development PKI the gateways and clients use (as deploy/run.sh).
if [[ "$mode" != start-instance ]]; then certs/make_dev_certs.sh "$certs" >/dev/null; fi

grpc_public=$(config_address grpc)
mllp_public=$(config_address mllp)
fhir_public=$(config_address fhir)
admin_public=$(config_address admin)
for a in grpc_public mllp_public fhir_public admin_public; do
  [[ -n "${!a}" ]] || die "no ${a%_public} { address } in $base_config"
done

grpc_port=$(port_of "$grpc_public")
mllp_port=$(port_of "$mllp_public")
fhir_port=$(port_of "$fhir_public")
admin_port=$(port_of "$admin_public")

# start_gateway I: gateway I on its config, once it answers /readyz.
start_gateway() {
  local i=$1 gw=$dir/gw$1 admin
  admin=$(instance_port "$admin_port" "$i")
  if alive "$gw/gateway.pid"; then
    say "gateway $i already running (pid $(cat "$gw/gateway.pid"))"
    return 0
  fi
  for p in "$(instance_port "$grpc_port" "$i")" "$(instance_port "$mllp_port" "$i")" \
    "$(instance_port "$fhir_port" "$i")" "$admin"; do
    if port_busy "$p"; then die "port $p (gateway $i) is in use"; fi
  done
  # Its own session, so it outlives this script and a closed terminal.
  setsid "$gateway_bin" --config "$gw/gateway.textproto" >>"$gw/gateway.log" 2>&1 </dev/null &
  echo $! >"$gw/gateway.pid"
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "http://127.0.0.1:$admin/readyz"; then
      say "started gateway $i (pid $(cat "$gw/gateway.pid")), ready"
      return 0
    fi
    if ! alive "$gw/gateway.pid"; then
      tail -n 20 "$gw/gateway.log" >&2
      rm -f "$gw/gateway.pid"
      die "gateway $i exited (log: $gw/gateway.log)"
    fi
    sleep 0.2
  done
  die "gateway $i not ready after 60 s (curl http://127.0.0.1:$admin/readyz; log: $gw/gateway.log)"
}

# --start-instance I: gateway I alone, on the config the last start wrote
# (after --kill-instance, or a crash); the rest is left as it is.
if [[ "$mode" == start-instance ]]; then
  [[ -f "$dir/gw$instance/gateway.textproto" ]] ||
    die "no gateway $instance in $dir: start the cluster first"
  start_gateway "$instance"
  exit 0
fi

mkdir -p "$dir" "$secrets" "$pg/run" "$pg/tls" "$dir/nginx"
chmod 700 "$secrets"
# A secret is made once and kept: the database already holds its hash.
secret() {
  [[ -s "$secrets/$1" ]] || (umask 077 && openssl rand -hex 24 >"$secrets/$1")
  cat "$secrets/$1"
}
superuser_password=$(secret superuser.password)
gateway_password=$(secret gateway.password)
replicator_password=$(secret replicator.password)
# The audit chain's key: one for every instance, since they seal one chain
# (README "Audit chain": hex of 32 random bytes, mode 0600).
[[ -s "$secrets/audit.key" ]] || (umask 077 && openssl rand -hex 32 >"$secrets/audit.key")
(umask 077 && printf '*:*:*:postgres:%s\n' "$superuser_password" >"$secrets/superuser.pgpass")

# --- PostgreSQL: TLS --------------------------------------------------------

# A CA of its own and a server certificate for 127.0.0.1 and localhost, so
# the gateways connect with sslmode=verify-full as they would in production
# (the CA's key stays in secrets/, the server's with the server).
if [[ ! -s "$pg/tls/server.pem" ]]; then
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
      -subj "/CN=Tobacco Gateway cluster PostgreSQL CA" \
      -keyout "$secrets/pg-ca.key" -out "$pg/tls/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
      -keyout "$pg/tls/server.key" -out "$pg/tls/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$pg/tls/ext"
    openssl x509 -req -sha256 -days 825 -in "$pg/tls/server.csr" \
      -CA "$pg/tls/ca.pem" -CAkey "$secrets/pg-ca.key" -CAcreateserial \
      -extfile "$pg/tls/ext" -out "$pg/tls/server.pem" 2>/dev/null
  )
  chmod 644 "$pg/tls/ca.pem" "$pg/tls/server.pem"
fi
# The standby's password for replication, in a file only its server reads.
if [[ ! -s "$pg/replicator.pgpass" ]]; then
  (umask 077 && printf '*:*:*:replicator:%s\n' "$replicator_password" >"$pg/replicator.pgpass")
fi
if [[ $(id -u) -eq 0 ]]; then
  chown -R postgres: "$pg"
fi

# --- PostgreSQL: the primary ----------------------------------------------

if [[ ! -f "$pg/primary/PG_VERSION" ]]; then
  for p in "$primary_port" "$standby_port"; do
    if port_busy "$p"; then die "port $p is in use (PG_PORT=... picks others)"; fi
  done
  rm -rf "$pg/primary" "$pg/standby"
  (umask 077 && printf '%s\n' "$superuser_password" >"$pg/superuser.pw")
  [[ $(id -u) -ne 0 ]] || chown postgres: "$pg/superuser.pw"
  "${as_pg[@]}" "$pgbin/initdb" -D "$pg/primary" -U postgres \
    --auth=scram-sha-256 --pwfile="$pg/superuser.pw" -E UTF8 --no-locale \
    >"$pg/initdb.log" 2>&1 || {
    rm -f "$pg/superuser.pw"
    cat "$pg/initdb.log" >&2
    die "initdb failed"
  }
  rm -f "$pg/superuser.pw"
  mkdir -p "$pg/archive"
  [[ $(id -u) -ne 0 ]] || chown postgres: "$pg/archive"
  cat >>"$pg/primary/postgresql.conf" <<CONF

# --- deploy/cluster.sh ---
listen_addresses = '127.0.0.1'
port = ${primary_port}
unix_socket_directories = '${pg}/run'
ssl = on
ssl_cert_file = '${pg}/tls/server.pem'
ssl_key_file = '${pg}/tls/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = scram-sha-256
# Sizing (README): instances x (reader_connections + 2) for the gateways,
# plus the standby's and psql's.
max_connections = 100
shared_buffers = 64MB
# Streaming replication to the standby through a slot, so it can catch up
# after being down (bounded: past 1 GB of WAL the slot is given up on).
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
max_slot_wal_keep_size = 1GB
# Synchronous: a commit (so every gateway reply) waits until the standby has
# the WAL on disk, so promoting it loses nothing acknowledged. The price:
# while the standby is down, writes wait (README "Failover").
synchronous_standby_names = '${standby_name}'
synchronous_commit = on
# WAL archiving, for point-in-time recovery from a base backup (README
# "Backups"): each finished WAL segment is copied to pg/archive.
archive_mode = on
archive_command = 'test ! -f ${pg}/archive/%f && cp %p ${pg}/archive/%f'
log_connections = on
CONF
  # Every TCP connection over TLS with a SCRAM password; the superuser only
  # over the Unix socket (this script's psql).
  cat >"$pg/primary/pg_hba.conf" <<HBA
# TYPE    DATABASE     USER        ADDRESS        METHOD
local     all          postgres                   scram-sha-256
hostssl   tobacco      gateway     127.0.0.1/32   scram-sha-256
hostssl   replication  replicator  127.0.0.1/32   scram-sha-256
HBA
  [[ $(id -u) -ne 0 ]] || chown postgres: "$pg/primary/pg_hba.conf"
  say "initialised the PostgreSQL primary in $pg/primary"
fi

# After `pg_ctl promote` on the standby (a failover drill) the old primary
# must not start again as a second primary beside it: the gateways would
# write to whichever they reach first.
if [[ -f "$pg/standby/PG_VERSION" && ! -f "$pg/standby/standby.signal" ]]; then
  die "the standby was promoted; the old primary would be a second one." \
    "Rebuild it as a standby of the new primary (pg_rewind or pg_basebackup;" \
    "README \"Failover\"), or start over: ./deploy/cluster.sh --stop && rm -rf var/cluster"
fi

start_pg() {
  local node=$1 port=$2
  if pg_up "$pg/$node"; then
    say "PostgreSQL $node already running on 127.0.0.1:$port"
    return 0
  fi
  if port_busy "$port"; then die "port $port is in use, not by this cluster's $node"; fi
  touch "$pg/$node.log"
  [[ $(id -u) -ne 0 ]] || chown postgres: "$pg/$node.log"
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pg/$node" -l "$pg/$node.log" -w -t 60 \
    start >/dev/null || {
    tail -n 20 "$pg/$node.log" >&2
    die "PostgreSQL $node did not start (log: $pg/$node.log)"
  }
  say "started PostgreSQL $node on 127.0.0.1:$port"
}
start_pg primary "$primary_port"

# Roles and database, idempotently; the passwords are set from the files on
# every start, so the files are what is true. Fed on stdin, never in argv.
pg_admin "$primary_port" >/dev/null <<SQL
SELECT 'CREATE ROLE gateway LOGIN' WHERE NOT EXISTS
  (SELECT FROM pg_roles WHERE rolname = 'gateway') \gexec
SELECT 'CREATE ROLE replicator LOGIN REPLICATION' WHERE NOT EXISTS
  (SELECT FROM pg_roles WHERE rolname = 'replicator') \gexec
SELECT 'CREATE DATABASE tobacco OWNER gateway' WHERE NOT EXISTS
  (SELECT FROM pg_database WHERE datname = 'tobacco') \gexec
ALTER ROLE gateway PASSWORD '${gateway_password}';
ALTER ROLE replicator PASSWORD '${replicator_password}';
SQL

# --- PostgreSQL: the streaming standby ------------------------------------

if [[ ! -f "$pg/standby/PG_VERSION" ]]; then
  rm -rf "$pg/standby"
  # A slot left by an earlier standby would make -C fail.
  pg_admin "$primary_port" >/dev/null <<SQL
SELECT pg_drop_replication_slot('${standby_name}') FROM pg_replication_slots
  WHERE slot_name = '${standby_name}';
SQL
  # -R writes standby.signal and primary_conninfo (this connection string:
  # TLS verified against the CA, the password from the passfile); -C -S
  # create the slot; -X stream copies the WAL made meanwhile.
  "${as_pg[@]}" "$pgbin/pg_basebackup" -D "$pg/standby" -R -C -S "$standby_name" \
    -X stream -c fast \
    -d "host=127.0.0.1 port=${primary_port} user=replicator application_name=${standby_name} sslmode=verify-full sslrootcert=${pg}/tls/ca.pem passfile=${pg}/replicator.pgpass" \
    >"$pg/basebackup.log" 2>&1 || {
    cat "$pg/basebackup.log" >&2
    die "pg_basebackup failed"
  }
  # The copy carries the primary's settings: its own port, and no
  # synchronous standby of its own once promoted (it would wait forever
  # for one that is not there).
  cat >>"$pg/standby/postgresql.conf" <<CONF

# --- deploy/cluster.sh: the standby ---
port = ${standby_port}
synchronous_standby_names = ''
CONF
  say "made the standby with pg_basebackup in $pg/standby"
fi
start_pg standby "$standby_port"

# --- the gateway instances ----------------------------------------------

# One conninfo for every instance: both servers, the first that accepts
# writes wins, so after `pg_ctl promote` on the standby the gateways
# reconnect to it (README "Failover").
conninfo="host=127.0.0.1,127.0.0.1 port=${primary_port},${standby_port} dbname=tobacco user=gateway target_session_attrs=read-write sslmode=verify-full sslrootcert=${pg}/tls/ca.pem"

# write_config I: var/cluster/gwI/gateway.textproto from the sample config,
# block by block: its own listeners (PROXY protocol from the balancer on
# MLLP and HTTPS; gRPC has none), its own data folder, the shared database
# and audit key, absolute paths for the development PKI.
write_config() {
  local i=$1 out=$dir/gw$1/gateway.textproto
  mkdir -p "$dir/gw$i/data"
  {
    echo "# Written by deploy/cluster.sh for gateway instance $i from"
    echo "# $base_config at each start: edit that (or the script), not this."
    awk -v root="$root" -v certs="$certs" \
      -v receivers_mllp="$receivers_mllp" -v receivers_fhir="$receivers_fhir" \
      -v grpc="127.0.0.1:$(instance_port "$grpc_port" "$i")" \
      -v mllp="127.0.0.1:$(instance_port "$mllp_port" "$i")" \
      -v fhir="127.0.0.1:$(instance_port "$fhir_port" "$i")" \
      -v admin="127.0.0.1:$(instance_port "$admin_port" "$i")" \
      -v public_fhir="https://${fhir_public}/fhir/\$process-message" \
      -v data_dir="$dir/gw$i/data" -v conninfo="$conninfo" \
      -v password_file="$secrets/gateway.password" \
      -v audit_key="$secrets/audit.key" '
      function limits() {
        return "  limits { proxy_protocol: true trusted_proxy_networks: \"127.0.0.1/32\" }"
      }
      # MESH (issue 17) is not part of the cluster demo: the mesh block and
      # the organisations mesh routes go (the letters take the fhir routes).
      /^mesh \{/ { in_mesh = 1; next }
      in_mesh && /^\}/ { in_mesh = 0; next }
      in_mesh { next }
      /^  mesh \{.*\}/ { next }
      /^[a-z_]+ \{/ { block = $1 }
      /^\}/ { block = "" }
      # The rest of a multi-line sqlite block (TextFormat prints it so):
      # the postgres block replaced it.
      skip && /^  \}/ { skip = 0; next }
      skip { next }
      {
        line = $0
        gsub(/"\.\.\/\.\.\/certs\/out\//, "\"" certs "/", line)
        gsub(/"\.\.\/\.\.\//, "\"" root "/", line)
        # The demo receivers, where CLUSTER_PORT_BASE put them.
        gsub(/127\.0\.0\.1:2576/, receivers_mllp, line)
        gsub(/127\.0\.0\.1:9443\//, receivers_fhir "/", line)
        if (block == "grpc" && line ~ /^  address:/) {
          line = "  address: \"" grpc "\""
        } else if (block == "admin" && line ~ /^  address:/) {
          line = "  address: \"" admin "\""
        } else if (block == "mllp" && line ~ /^  address:/) {
          line = "  address: \"" mllp "\"\n" limits()
        } else if (block == "fhir" && line ~ /^  address:/) {
          line = "  address: \"" fhir "\"\n" limits() \
                 "\n  # What MessageHeader.source.endpoint names: the balancer." \
                 "\n  public_endpoint: \"" public_fhir "\""
        } else if (block == "store" && line ~ /^  data_dir:/) {
          line = "  data_dir: \"" data_dir "\""
        } else if (block == "store" && line ~ /^  sqlite /) {
          skip = line !~ /\}/
          line = "  postgres {\n    conninfo: \"" conninfo "\"\n" \
                 "    password_file: \"" password_file "\"\n" \
                 "    reader_connections: 4\n  }"
        } else if (block == "audit" && line ~ /^  development_key:/) {
          line = "  key_id: \"cluster-dev\"\n  key_file: \"" audit_key "\""
        }
        print line
      }' "$base_config"
  } >"$out"
  # Every rewrite must have happened: a sample config laid out otherwise
  # would leave an instance on SQLite or on the public ports.
  for want in "127.0.0.1:$(instance_port "$grpc_port" "$i")" "conninfo:" \
    "127.0.0.1:$(instance_port "$mllp_port" "$i")" "public_endpoint:" \
    "127.0.0.1:$(instance_port "$admin_port" "$i")" "key_file: \"$secrets"; do
    grep -qF "$want" "$out" || die "could not derive $out from $base_config ($want)"
  done
}


for i in $(seq 1 "$instances"); do write_config "$i"; done
if [[ "$mode" == start ]]; then
  # The systems the outbox delivers to, as deploy/run.sh starts them.
  # CLUSTER_RECEIVERS=0: the caller runs its own there.
  if [[ "${CLUSTER_RECEIVERS:-1}" != 0 && -x "$receivers_bin" ]] &&
    ! alive "$dir/receivers.pid"; then
    if port_busy "$(port_of "$receivers_mllp")" || port_busy "$(port_of "$receivers_fhir")"; then
      say "tobacco-demo-receivers not started: $receivers_mllp or $receivers_fhir in use"
    else
      setsid "$receivers_bin" --mllp_address "$receivers_mllp" \
        --fhir_address "$receivers_fhir" --tls_cert "$certs/server.pem" \
        --tls_key "$certs/server.key" --client_ca "$certs/ca.pem" \
        >>"$dir/receivers.log" 2>&1 </dev/null &
      echo $! >"$dir/receivers.pid"
      say "started tobacco-demo-receivers (pid $!)"
    fi
  fi
  for i in $(seq 1 "$instances"); do start_gateway "$i"; done
fi

# --- nginx: the TCP load balancer ----------------------------------------

# upstream NAME PUBLIC_PORT: the instances behind one public port. A
# gateway that refuses connections is left out for 5 s and the next one
# tried (open-source nginx has passive checks only; /readyz is for
# orchestrators).
upstream() {
  echo "  upstream $1 {"
  echo "    least_conn;"
  for i in $(seq 1 "$instances"); do
    echo "    server 127.0.0.1:$(instance_port "$2" "$i") max_fails=1 fail_timeout=5s;"
  done
  echo "  }"
}
user_line=
# As root nginx would give its workers to "nobody", whose group Debian
# lacks; the package's own user then.
if [[ $(id -u) -eq 0 ]]; then user_line="user www-data;"; fi
{
  cat <<CONF
# Written by deploy/cluster.sh at each start. nginx runs as the cluster's own
# process with this file; the package's /etc/nginx and service stay as they
# are.
${user_line}
worker_processes 1;
# --stop waits for open connections (Watch streams) this long, no longer.
worker_shutdown_timeout 10s;
pid ${dir}/nginx/nginx.pid;
error_log ${dir}/nginx/error.log notice;
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events { worker_connections 1024; }

# TCP only: TLS passes through untouched, so each gateway does the mutual
# TLS handshake itself and sees the client's certificate (the principal).
# Terminating TLS here would lose it.
stream {
  log_format gateway '\$time_iso8601 \$remote_addr:\$remote_port -> :\$server_port -> \$upstream_addr '
                     'status=\$status sent=\$bytes_sent received=\$bytes_received \$session_time s';
  access_log ${dir}/nginx/access.log gateway;
  proxy_connect_timeout 2s;
  # Watch streams and kept-open MLLP connections stay quiet for long; a cut
  # one reconnects (Watch resumes from its cursor).
  proxy_timeout 1h;
  proxy_socket_keepalive on;

CONF
  upstream gateway_grpc "$grpc_port"
  upstream gateway_mllp "$mllp_port"
  upstream gateway_https "$fhir_port"
  cat <<CONF

  # gRPC: the gateways' gRPC listener takes no PROXY header; callers are
  # known by their certificates, and the per-address caps are MLLP's and
  # HTTPS's.
  server {
    listen ${grpc_public};
    proxy_pass gateway_grpc;
  }
  # MLLP and the FHIR/JSON/console HTTPS port: a PROXY protocol v1 line
  # first, naming the real client, which the gateways believe from
  # 127.0.0.1 only (limits.trusted_proxy_networks).
  server {
    listen ${mllp_public};
    proxy_pass gateway_mllp;
    proxy_protocol on;
  }
  server {
    listen ${fhir_public};
    proxy_pass gateway_https;
    proxy_protocol on;
  }
}
CONF
} >"$dir/nginx/nginx.conf"
nginx_args=(-p "$dir/nginx/" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log")
nginx "${nginx_args[@]}" -t -q || die "nginx rejected $dir/nginx/nginx.conf"
if alive "$dir/nginx/nginx.pid"; then
  # Running: take the new config (another --instances) without dropping
  # connections.
  nginx "${nginx_args[@]}" -s reload
  say "nginx already running (pid $(cat "$dir/nginx/nginx.pid")): config reloaded"
else
  for a in "$grpc_public" "$mllp_public" "$fhir_public"; do
    if port_busy "$(port_of "$a")"; then die "$a is in use (deploy/run.sh still running?)"; fi
  done
  nginx "${nginx_args[@]}"
  # The master writes its pid file after it has gone to the background.
  for _ in $(seq 1 50); do
    [[ -s "$dir/nginx/nginx.pid" ]] && break
    sleep 0.1
  done
  alive "$dir/nginx/nginx.pid" || die "nginx did not start (log: $dir/nginx/error.log)"
  say "started nginx (pid $(cat "$dir/nginx/nginx.pid"))"
fi

# --- what is where ----------------------------------------------------------

row() { printf '  %-26s %s\n' "$1" "$2"; }
echo
echo "The cluster ($dir; ./deploy/cluster.sh --stop stops it):"
row "PostgreSQL primary" "127.0.0.1:${primary_port}  data $pg/primary, log $pg/primary.log"
row "PostgreSQL standby" "127.0.0.1:${standby_port}  data $pg/standby, log $pg/standby.log"
row "load balancer (nginx)" "gRPC ${grpc_public}, MLLP ${mllp_public}, HTTPS ${fhir_public}; log $dir/nginx/access.log"
for i in $(seq 1 "$instances"); do
  row "gateway $i" "gRPC :$(instance_port "$grpc_port" "$i") MLLP :$(instance_port "$mllp_port" "$i") HTTPS :$(instance_port "$fhir_port" "$i") admin http://127.0.0.1:$(instance_port "$admin_port" "$i")/readyz"
  row "" "config $dir/gw$i/gateway.textproto, log $dir/gw$i/gateway.log"
done
if [[ -f "$dir/receivers.pid" ]]; then
  row "demo receivers" "RX9 MLLP $receivers_mllp, FHIR $receivers_fhir; log $dir/receivers.log"
fi
cat <<MSG

The database as the gateways reach it (password in $secrets/gateway.password):
  PGPASSWORD=\$(cat $secrets/gateway.password) psql "host=127.0.0.1 port=${primary_port} dbname=tobacco user=gateway sslmode=verify-full sslrootcert=$pg/tls/ca.pem"
Replication, on the primary:
  PGPASSFILE=$secrets/superuser.pgpass psql -h $pg/run -p ${primary_port} -U postgres -c 'SELECT application_name, state, sync_state FROM pg_stat_replication'
Through the balancer, as the tobacco dependency service TDS01 (README):
  tds="--target localhost:${grpc_port} --ca $certs/ca.pem --cert $certs/service-tds01.pem --key $certs/service-tds01.key"
  $ctl \$tds prescriptions list
  ./deploy/sample_pathway.sh      # the whole sample pathway, through the balancer
MSG
if [[ "$mode" == infra ]]; then
  cat <<MSG
Gateways not started (--infra-only); each runs with
  $gateway_bin --config $dir/gwN/gateway.textproto
MSG
fi
