#!/usr/bin/env bash
# Installs the Debian 12 packages the gateway needs to build, run and test.
# Safe to run repeatedly: it only calls apt-get when something is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # libraries (README "Dependencies" says why each is here)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libsqlite3-dev libssl-dev tzdata
  # FHIR: JSON building, fast JSON parsing, HTTPS server/client (with OpenSSL)
  nlohmann-json3-dev libsimdjson-dev libcpp-httplib-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing (clang + libFuzzer runtime)
  clang libclang-rt-14-dev
  # the sample pathway script, database inspection, certificates, and the
  # independent HL7 v2 peer (python3-hl7) of the interop tests
  jq sqlite3 openssl python3-hl7
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Interop peers run on Node.js. A machine may already have Node.js from
# another source (which bundles npm and conflicts with Debian's npm), so
# these are checked by command, not by package.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "install_deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
