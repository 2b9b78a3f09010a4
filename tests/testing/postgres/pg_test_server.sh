#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for tests (issue 16), on a free loopback
# port, with TLS (its own CA) and password (SCRAM) authentication, in a
# folder of its own:
#
#   pg_test_server.sh start DIR   initdb, start, create role and database
#   pg_test_server.sh stop DIR    stop (immediate) and remove DIR
#   pg_test_server.sh standby DIR PRIMARY_DIR
#                                 a streaming standby of the server in
#                                 PRIMARY_DIR (pg_basebackup -R), which then
#                                 commits only once the standby has the WAL
#                                 (synchronous_standby_names): what was
#                                 acknowledged survives a failover
#   pg_test_server.sh kill DIR    stop at once, as a power cut would (kept)
#   pg_test_server.sh promote DIR make a standby the primary
#   pg_test_server.sh restart DIR pg_ctl restart -m fast (clients cut off)
#
# After start, DIR holds:
#   conninfo       libpq connection string for the role "gateway" (no password)
#   conninfo_tls   the same over TLS: host=localhost sslmode=verify-full
#   password       the role's password (mode 0600)
#   ca.pem         the CA that signed the server's certificate
#   port           the port
#   server.log     the server's log
# and after standby, the standby's DIR also holds conninfo_pair: both
# servers, primary first, with target_session_attrs=read-write, as a
# gateway that follows a failover is configured.
# The role may create databases, so each test can have its own.
#
# initdb and pg_ctl refuse to run as root: as root they run as the postgres
# user (runuser), who owns DIR/data. Needs Debian's postgresql-15 (deploy/
# install_deps.sh --test installs it).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd="${1:?usage: pg_test_server.sh start|stop DIR}"
dir="${2:?usage: pg_test_server.sh start|stop DIR}"

as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

stop() {
  if [[ -f "${dir}/data/postmaster.pid" ]]; then
    "${as_owner[@]}" "${bin}/pg_ctl" -D "${dir}/data" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "${dir}"
}

if [[ "${cmd}" == stop ]]; then
  stop
  exit 0
fi
if [[ "${cmd}" == kill ]]; then
  "${as_owner[@]}" "${bin}/pg_ctl" -D "${dir}/data" -m immediate -w stop \
    >/dev/null
  exit 0
fi
if [[ "${cmd}" == restart ]]; then
  "${as_owner[@]}" "${bin}/pg_ctl" -D "${dir}/data" -m fast -w -t 60 \
    -l "${dir}/server.log" restart >/dev/null
  exit 0
fi
if [[ "${cmd}" == promote ]]; then
  "${as_owner[@]}" "${bin}/pg_ctl" -D "${dir}/data" -w -t 60 promote >/dev/null
  exit 0
fi
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
if [[ "${cmd}" == standby ]]; then
  primary="$(cd "${3:?usage: pg_test_server.sh standby DIR PRIMARY_DIR}" && pwd)"
  stop
  mkdir -p "${dir}/data" "${dir}/run"
  chmod 700 "${dir}/data"
  dir="$(cd "${dir}" && pwd)"
  umask 077
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "${dir}/data" "${dir}/run"
    chmod 755 "${dir}"
  fi
  primary_port="$(cat "${primary}/port")"
  port="$(free_port)"
  # The superuser may replicate (initdb's pg_hba.conf allows replication
  # from 127.0.0.1); -R writes primary_conninfo and standby.signal.
  PGPASSWORD="$(cat "${primary}/tls/superuser.pw")" "${as_owner[@]}" \
    "${bin}/pg_basebackup" -h 127.0.0.1 -p "${primary_port}" -U postgres \
    -D "${dir}/data" -R -X stream -c fast >/dev/null
  cat >> "${dir}/data/postgresql.conf" <<CONF
port = ${port}
unix_socket_directories = '${dir}/run'
CONF
  touch "${dir}/server.log"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "${dir}/server.log"; fi
  "${as_owner[@]}" "${bin}/pg_ctl" -D "${dir}/data" -l "${dir}/server.log" \
    -w -t 60 start >/dev/null || {
    cat "${dir}/server.log" >&2
    exit 1
  }
  # From now on the primary's commits wait for this standby's flush.
  printf "synchronous_standby_names = '*'\n" \
    >> "${primary}/data/postgresql.conf"
  "${as_owner[@]}" "${bin}/pg_ctl" -D "${primary}/data" reload >/dev/null
  for _ in $(seq 1 100); do
    state="$(PGPASSWORD="$(cat "${primary}/tls/superuser.pw")" "${bin}/psql" \
      -X -At -h 127.0.0.1 -p "${primary_port}" -U postgres -d postgres \
      -c "SELECT sync_state FROM pg_stat_replication" 2>/dev/null || true)"
    [[ "${state}" == sync ]] && break
    sleep 0.1
  done
  if [[ "${state}" != sync ]]; then
    echo "pg_test_server: the standby did not become synchronous" \
         "(${state:-not connected})" >&2
    exit 1
  fi
  printf '%s\n' "${port}" > "${dir}/port"
  printf 'host=127.0.0.1,127.0.0.1 port=%s,%s dbname=tobacco user=gateway target_session_attrs=read-write\n' \
    "${primary_port}" "${port}" > "${dir}/conninfo_pair"
  chmod 644 "${dir}/port" "${dir}/conninfo_pair"
  echo "pg_test_server: standby on 127.0.0.1:${port} of 127.0.0.1:${primary_port}"
  exit 0
fi
if [[ "${cmd}" != start ]]; then
  echo "pg_test_server.sh: unknown command ${cmd}" >&2
  exit 2
fi
if [[ ! -x "${bin}/initdb" ]]; then
  echo "pg_test_server.sh: ${bin}/initdb not found; install postgresql-15" \
       "(deploy/install_deps.sh --test)" >&2
  exit 1
fi

stop
mkdir -p "${dir}/data" "${dir}/tls" "${dir}/run"
dir="$(cd "${dir}" && pwd)"
umask 077

# TLS: a CA of its own and a server certificate for localhost/127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=pg test CA" \
  -keyout "${dir}/tls/ca.key" -out "${dir}/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "${dir}/tls/server.key" -out "${dir}/tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "${dir}/tls/ext"
openssl x509 -req -in "${dir}/tls/server.csr" -CA "${dir}/ca.pem" \
  -CAkey "${dir}/tls/ca.key" -CAcreateserial -days 2 \
  -extfile "${dir}/tls/ext" -out "${dir}/tls/server.pem" 2>/dev/null
chmod 644 "${dir}/ca.pem"

superuser_password="$(openssl rand -hex 16)"
printf '%s\n' "${superuser_password}" > "${dir}/tls/superuser.pw"
openssl rand -hex 16 > "${dir}/password"

port="$(free_port)"

if [[ $(id -u) -eq 0 ]]; then
  chown -R postgres: "${dir}/data" "${dir}/tls" "${dir}/run"
  chmod 755 "${dir}"
fi
"${as_owner[@]}" "${bin}/initdb" -D "${dir}/data" -U postgres \
  --auth=scram-sha-256 --pwfile="${dir}/tls/superuser.pw" -E UTF8 \
  --no-locale >"${dir}/initdb.log" 2>&1 || {
  cat "${dir}/initdb.log" >&2
  exit 1
}
cat >> "${dir}/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}/run'
ssl = on
ssl_cert_file = '${dir}/tls/server.pem'
ssl_key_file = '${dir}/tls/server.key'
max_connections = 100
shared_buffers = 32MB
CONF
touch "${dir}/server.log"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "${dir}/server.log"; fi
"${as_owner[@]}" "${bin}/pg_ctl" -D "${dir}/data" -l "${dir}/server.log" \
  -w -t 60 start >/dev/null || {
  cat "${dir}/server.log" >&2
  exit 1
}

gateway_password="$(cat "${dir}/password")"
PGPASSWORD="${superuser_password}" "${bin}/psql" -X -q -v ON_ERROR_STOP=1 \
  -h "${dir}/run" -p "${port}" -U postgres -d postgres >/dev/null <<SQL
CREATE ROLE gateway LOGIN CREATEDB PASSWORD '${gateway_password}';
CREATE DATABASE tobacco OWNER gateway;
SQL

printf 'host=127.0.0.1 port=%s dbname=tobacco user=gateway\n' "${port}" \
  > "${dir}/conninfo"
printf 'host=localhost port=%s dbname=tobacco user=gateway sslmode=verify-full sslrootcert=%s\n' \
  "${port}" "${dir}/ca.pem" > "${dir}/conninfo_tls"
printf '%s\n' "${port}" > "${dir}/port"
chmod 644 "${dir}/conninfo" "${dir}/conninfo_tls" "${dir}/port"
echo "pg_test_server: PostgreSQL 15 on 127.0.0.1:${port} in ${dir}"
