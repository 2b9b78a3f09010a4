#!/usr/bin/env bash
# Installs the Debian 12 packages the gateway needs, then only what is missing
# (safe to run repeatedly: apt-get runs only when something is absent).
#   deploy/install_deps.sh --run     build and run the gateway (deploy/run.sh)
#   deploy/install_deps.sh --cluster --run's plus PostgreSQL 15 and nginx's
#                                    stream module (deploy/cluster.sh)
#   deploy/install_deps.sh [--test]  everything above plus the test toolchain:
#                                    clang, benchmark, Chromium, packaging
#                                    checks (deploy/test.sh; the default)
set -euo pipefail

mode=test
case "${1:---test}" in
  --run) mode=run ;;
  --cluster) mode=cluster ;;
  --test) mode=test ;;
  *) echo "usage: install_deps.sh [--run|--cluster|--test]" >&2; exit 2 ;;
esac

# Building and running: what deploy/run.sh needs on a clean machine.
packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # lld: links several times faster than GNU ld (CMakeLists.txt)
  lld
  # libraries (README "Dependencies" says why each is here)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libsqlite3-dev libssl-dev tzdata
  # FHIR: JSON building and fast JSON parsing; Boost.Asio + Beast (headers
  # only) for the event-driven HTTPS server and client, TLS through OpenSSL
  nlohmann-json3-dev libsimdjson-dev libboost-dev
  # sd_notify for systemd's Type=notify (gateway/server/service_notify.h)
  libsystemd-dev
  # GoogleTest: CMake looks for it when it configures the tree, even to
  # build only the gateway (cmake/tobacco_test.cmake)
  libgtest-dev libgmock-dev
  # deploy/run.sh: development certificates, the sample pathway script,
  # database inspection, and its HTTP/JSON example
  openssl jq sqlite3 curl
  # Prometheus metrics: prometheus-cpp's core library (registry and text
  # format; the admin endpoint serves it on our own HTTP stack)
  prometheus-cpp-dev
  # PostgreSQL's client library, for the PostgreSQL store (issue 16)
  libpq-dev
  # The GP letter as a PDF (GP Connect Send Document over MESH, issue 17):
  # Cairo draws the PDF, Pango lays out and wraps the text
  libcairo2-dev libpango1.0-dev
  # NHS Digital's MESH sandbox (third_party/mesh-sandbox, MIT): the local
  # MESH the sample pathway's practice mailbox lives in, and the far end of
  # the MESH tests
  python3-fastapi python3-uvicorn python3-cryptography python3-dateutil
)
# Several instances on PostgreSQL behind a load balancer (deploy/cluster.sh),
# and the tests that start the same (issue 16).
if [[ "${mode}" == cluster || "${mode}" == test ]]; then
  packages+=(
    # the primary and its streaming standby (initdb, pg_ctl, pg_basebackup,
    # psql from /usr/lib/postgresql/15/bin); the postgres label's tests start
    # a throwaway one too (tests/testing/postgres/pg_test_server.sh)
    postgresql-15
    # the TCP load balancer: nginx's stream module passes TLS through
    # untouched (client certificates reach the gateways) and sends each
    # gateway a PROXY protocol v1 line naming the real peer
    nginx libnginx-mod-stream
  )
fi
if [[ "${mode}" == test ]]; then
  packages+=(
    # benchmarks
    libbenchmark-dev
    # fuzzing, sanitizer builds and the thread-safety check (clang + its
    # runtimes), the format check, and dpkg-source to unpack Debian's Abseil
    # source for the ThreadSanitizer build (deploy/build_absl_tsan.sh)
    clang libclang-rt-14-dev clang-format dpkg-dev
    # the independent HL7 v2 peer (python3-hl7) of the interop tests
    python3-hl7
    # the console's browser tests (tests/browser): Debian's Chromium, driven
    # by playwright-core, and certutil/pk12util to give each organisation an
    # NSS database holding its development client certificate; libfaketime
    # moves the gateway's clock forward so a request goes overdue in the walk
    chromium libnss3-tools libfaketime
    # the packaging tests (tests/package): systemd-analyze verify on the
    # unit, cpack's dpkg-shlibdeps (dpkg-dev, above) and its file(1),
    # lintian on the .deb, and a Debian 12 root to install it in
    systemd file lintian debootstrap
    # the real Prometheus server and promtool: the scrape integration test,
    # the alert rule tests and `promtool check metrics`
    prometheus
    # pdftotext: the MESH tests read the PDF letter the practice received
    poppler-utils
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm, in both modes: the build itself runs `npm ci` in console/
# for the design system it compiles into the gateway (deploy/build.sh), and
# the interop peers run on Node.js. A machine may already have Node.js from
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

if [[ "${mode}" != test ]]; then exit 0; fi

# The ThreadSanitizer build compiles Debian's own Abseil source package
# (deploy/build_absl_tsan.sh: `apt-get source abseil`), which needs deb-src
# lines. They are added once, beside the machine's deb lines, in a file of
# our own.
deb_src_file=/etc/apt/sources.list.d/tobacco-gateway-deb-src.sources
if ! grep -rqsE '^(deb-src |Types:.*deb-src)' /etc/apt/sources.list \
       /etc/apt/sources.list.d/; then
  echo "install_deps: adding deb-src lines (${deb_src_file})"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f "$f" ]] || continue
      sed -E 's/^Types:.*$/Types: deb-src/' "$f"
      echo
    done
    if [[ -f /etc/apt/sources.list ]]; then
      # One-line format: turn each deb line into a deb822 stanza.
      grep -E '^deb ' /etc/apt/sources.list | while read -r _ uri suite comps; do
        printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n\n' \
          "$uri" "$suite" "$comps"
      done
    fi
  } | "${sudo_cmd[@]}" tee "${deb_src_file}" >/dev/null
  "${sudo_cmd[@]}" apt-get update -qq
fi
