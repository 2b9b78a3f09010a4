#!/usr/bin/env bash
# Creates a development PKI for the gateway under OUT (default certs/out/):
#   ca.pem / ca.key            development certificate authority
#   server.pem / server.key    the gateway: SAN localhost, 127.0.0.1, ::1
#   <name>.pem / <name>.key    one client certificate per organisation
#   crl.pem, crl/<hash>.r0     revocation list (revoked-pharmacy is on it)
#   other-ca.pem, foreign.pem  a second CA and a client it signed (must fail)
#   expired.pem                a client certificate that has expired
#
# Where the principal lives: the client certificate's subject carries the
# organisation's ODS code in O (organizationName) and its role in OU
# (organizationalUnitName), one of gp, pharmacy, mental_health_trust,
# tobacco_service, integrator, admin, talking_therapies, local_authority,
# voluntary_sector, icb_commissioner (O is then the integrated care board's
# ODS code). The gateway reads both from the
# verified certificate, never from anything the client sends.
#
# Idempotent: keeps what exists. Private keys are generated here and never
# committed (certs/out/ is git-ignored).
set -euo pipefail
out=${1:-"$(dirname "$0")/out"}
mkdir -p "$out"
cd "$out"

days=825
subj_prefix="/C=GB/L=Development"

if [[ ! -f ca.pem ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "$subj_prefix/O=Tobacco Gateway Dev/CN=Tobacco Gateway Development CA" \
    -keyout ca.key -out ca.pem 2>/dev/null
fi

# CA database for signing and revocation.
mkdir -p ca-db
touch ca-db/index.txt
[[ -f ca-db/serial ]] || echo 1000 > ca-db/serial
[[ -f ca-db/crlnumber ]] || echo 1000 > ca-db/crlnumber
cat > ca.cnf <<CNF
[ ca ]
default_ca = dev
[ dev ]
dir = .
database = ca-db/index.txt
serial = ca-db/serial
crlnumber = ca-db/crlnumber
new_certs_dir = ca-db
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = $days
default_crl_days = 3650
policy = anything
unique_subject = no
copy_extensions = copy
[ anything ]
countryName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ client_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
CNF

# sign NAME SUBJECT EXT [extra openssl ca args...]
sign() {
  local name=$1 subject=$2 ext=$3
  shift 3
  [[ -f "$name.pem" ]] && return 0
  openssl req -new -newkey rsa:2048 -nodes -subj "$subject" \
    -keyout "$name.key" -out "$name.csr" 2>/dev/null
  openssl ca -batch -config ca.cnf -extensions "$ext" -notext \
    -in "$name.csr" -out "$name.pem" "$@" 2>/dev/null
  rm -f "$name.csr"
}

sign server "$subj_prefix/O=Tobacco Gateway Dev/CN=localhost" server_ext

# name ODS role display-name
clients=(
  "trust-rx9 RX9 mental_health_trust North Example Mental Health Trust"
  "service-tds01 TDS01 tobacco_service Example Tobacco Dependency Service"
  "gp-y90001 Y90001 gp Example Medical Practice"
  "gp-y90002 Y90002 gp Second Example Practice"
  "pharmacy-fzz99 FZZ99 pharmacy Example Community Pharmacy"
  "pharmacy-fzz98 FZZ98 pharmacy Second Example Pharmacy"
  "integrator-x26 X26 integrator Example EHR Integration"
  "admin-ops ADM01 admin Gateway Operations"
  "revoked-pharmacy FZZ97 pharmacy Revoked Example Pharmacy"
  "talking-therapies-tt001 TT001 talking_therapies Example Talking Therapies"
  "local-authority-la001 LA001 local_authority Example Local Authority"
  "voluntary-sector-vs001 VS001 voluntary_sector Example Voluntary Service"
  "icb-qe1 QE1 icb_commissioner Example Integrated Care Board"
)
for entry in "${clients[@]}"; do
  read -r name ods role display <<<"$entry"
  sign "$name" "$subj_prefix/O=$ods/OU=$role/CN=$display" client_ext
done

# Expired: valid only in 2020.
sign expired "$subj_prefix/O=FZZ96/OU=pharmacy/CN=Expired Example Pharmacy" \
  client_ext -startdate 20200101000000Z -enddate 20200102000000Z

# Revoke one and publish the CRL.
if ! grep -q "^R" ca-db/index.txt; then
  openssl ca -config ca.cnf -revoke revoked-pharmacy.pem 2>/dev/null
fi
openssl ca -config ca.cnf -gencrl -out crl.pem 2>/dev/null
# The layout gRPC and OpenSSL look up CRLs in: <issuer hash>.r0.
mkdir -p crl
cp crl.pem "crl/$(openssl crl -hash -noout -in crl.pem).r0"

# Another CA the gateway does not trust, and a client it signed.
if [[ ! -f foreign.pem ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "$subj_prefix/O=Elsewhere/CN=Untrusted CA" \
    -keyout other-ca.key -out other-ca.pem 2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes \
    -subj "$subj_prefix/O=FZZ99/OU=pharmacy/CN=Impostor Pharmacy" \
    -keyout foreign.key -out foreign.csr 2>/dev/null
  openssl x509 -req -in foreign.csr -CA other-ca.pem -CAkey other-ca.key \
    -CAcreateserial -days "$days" -out foreign.pem 2>/dev/null
  rm -f foreign.csr
fi
chmod 600 ./*.key
echo "development certificates in $(pwd)"
