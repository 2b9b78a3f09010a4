# The gateway as a container image (README "Installing: package, systemd unit
# and container"). Not built by CI: no container engine is assumed there.
#   docker build --build-arg GIT_COMMIT=$(git rev-parse --short=12 HEAD) \
#     -t tobacco-gateway .
#   docker compose -f deploy/compose.yaml up --build   # with demo receivers
#
# Stage "build": the toolchain and -dev libraries (install_deps.sh --run),
# builds the binaries and the .deb. Stage "runtime": Debian 12 slim with the
# .deb installed, so apt pulls exactly the runtime libraries dpkg-shlibdeps
# listed, and nothing of the toolchain.

FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY deploy/install_deps.sh deploy/install_deps.sh
# dpkg-dev (dpkg-shlibdeps) and file: cpack's dependency scan.
RUN ./deploy/install_deps.sh --run \
 && apt-get install -y -qq --no-install-recommends dpkg-dev file \
 && rm -rf /var/lib/apt/lists/*
# The console's design system, pinned by the lockfile (its own layer, so a
# source change does not download it again).
COPY console/package.json console/package-lock.json console/
RUN cd console && npm ci --no-audit --no-fund
COPY . .
# The context has no .git: the commit comes in as a build argument.
ARG GIT_COMMIT=unknown
RUN cmake --preset default -DTOBACCO_BUILD_TESTS=OFF -DTOBACCO_DEBUG_INFO=OFF \
      -DTOBACCO_GIT_COMMIT="${GIT_COMMIT}" \
 && cmake --build --preset default \
      --target tobacco-gateway tobaccoctl tobacco-demo-receivers \
 && cpack --config build/default/CPackConfig.cmake -B /out

FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# A fixed uid/gid, so mounted certificate and data volumes can be chowned to
# it (deploy/compose.yaml); the package's systemd-sysusers then finds the
# user already there.
RUN groupadd --system --gid 10001 tobacco-gateway \
 && useradd --system --uid 10001 --gid tobacco-gateway \
      --home-dir /var/lib/tobacco-gateway --no-create-home \
      --shell /usr/sbin/nologin tobacco-gateway
COPY --from=build /out/tobacco-gateway_*.deb /tmp/
# systemd-standalone-sysusers satisfies the package's "systemd |
# systemd-sysusers" without systemd itself; curl is for the HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y -qq --no-install-recommends \
      systemd-standalone-sysusers curl ca-certificates /tmp/tobacco-gateway_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/tobacco-gateway_*.deb \
 && install -d -o tobacco-gateway -g tobacco-gateway -m 0750 \
      /var/lib/tobacco-gateway
# Inside a container a listener must take connections from outside it: gRPC
# and HTTPS (both mutual TLS) on every interface. HL7 v2 stays on loopback:
# the sample config's MLLP is plaintext (allow_plaintext), so give it a tls
# block before exposing it. The admin endpoint stays on loopback for the
# HEALTHCHECK.
RUN sed -i -E 's/address: "127\.0\.0\.1:(50051|8443)"/address: "0.0.0.0:\1"/' \
      /etc/tobacco-gateway/gateway.textproto
USER tobacco-gateway
WORKDIR /var/lib/tobacco-gateway
VOLUME ["/var/lib/tobacco-gateway"]
EXPOSE 50051 8443
# /readyz: 200 once the store takes writes, migrations are done, every
# listener is up and the dispatcher is not stalled; 503 while draining.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:9464/readyz || exit 1
# SIGTERM drains in-flight calls and queued writes (up to 10 s): give
# `docker stop` at least that, e.g. stop_grace_period: 30s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tobacco-gateway"]
CMD ["--config", "/etc/tobacco-gateway/gateway.textproto"]
