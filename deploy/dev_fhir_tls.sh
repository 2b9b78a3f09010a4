#!/usr/bin/env bash
# Makes a throwaway self-signed certificate for the FHIR listener in
# development (var/tls/fhir.crt + fhir.key, for 127.0.0.1 and localhost).
# Never use it beyond your machine; var/ is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/tls
if [[ -f var/tls/fhir.crt && -f var/tls/fhir.key ]]; then
  echo "dev_fhir_tls: var/tls/fhir.crt exists; delete it to make a new one"
  exit 0
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 30 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout var/tls/fhir.key -out var/tls/fhir.crt 2>/dev/null
chmod 600 var/tls/fhir.key
echo "dev_fhir_tls: wrote var/tls/fhir.crt and var/tls/fhir.key"
