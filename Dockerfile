# chargepoint: an OCPP 1.6-J charge point with a REST API, as a container.
#
#   docker build -t chargepoint .
#   export CP_API_TOKEN=$(openssl rand -hex 32)      # the API listens on 0.0.0.0 here, so it needs a token
#   docker run --rm -p 127.0.0.1:8080:8080 -v chargepoint-data:/data \
#       -e CP_API_TOKEN -e CP_ID=CP001 -e CP_CSMS_URL=ws://citrine:8092 chargepoint
#   docker run --rm -p 127.0.0.1:9000:9000 -p 127.0.0.1:9001:9001 chargepoint csms
#
# Every setting is an environment variable (README.md lists them: CP_ID, CP_CSMS_URL, CP_CONNECTORS, ...);
# the image sets only those that differ in a container. docker-compose.yml runs it next to a central system.

# ---- build: the official Swift toolchain on Debian 12, the same release as the runtime below ----
FROM swift:6.3.1-bookworm AS build

# Headers and pkg-config files of the C libraries the package uses: libmicrohttpd, libwebsockets, SQLite
# and OpenSSL (Package.swift's systemLibrary targets), and libcurl's headers (the binary loads libcurl
# itself at the first file transfer: Sources/CCurl).
# Versions are not pinned (DL3008): they come from Debian 12, whose archive keeps only the current
# stable/security version of a package, so an exact pin would break the build at the next security fix.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libcurl4-openssl-dev \
        libmicrohttpd-dev \
        libsqlite3-dev \
        libssl-dev \
        libwebsockets-dev \
        pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first, so that a change to the sources reuses this layer. The committed Package.resolved
# pins every package to a revision, so the image builds what `make` builds.
COPY Package.swift Package.resolved ./
RUN swift package resolve

# Everything the manifest's targets and plugins need. SwiftPM refuses to load a package whose target
# folders are missing, so the Swift test targets come too (they are not built). The EmbedFiles build-tool
# plugin (Plugins/) builds the web page (Web/, the folder of the target WebContent) and openapi.yaml into
# the binary, so the runtime stage needs neither.
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY Tests ./Tests
COPY Web ./Web
COPY openapi.yaml ./
# The Swift runtime, standard library and Foundation are linked statically, so the binary needs only
# Debian libraries: readelf -d lists libmicrohttpd.so.12, libwebsockets.so.17, libsqlite3.so.0,
# libssl.so.3, libcrypto.so.3, libcap.so.2, libstdc++.so.6, libgcc_s.so.1 and libc/libm, installed below,
# and it opens libcurl.so.4 at the first file transfer.
RUN swift build -c release --static-swift-stdlib --product chargepoint \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/chargepoint" /out/chargepoint \
    && strip /out/chargepoint

# ---- runtime: slim Debian 12 with only the shared libraries the binary loads ----
FROM debian:12.13-slim

# The packages of the shared libraries the binary links directly (its ELF NEEDED entries; libc6 and
# libgcc-s1 are in the base image) and of libcurl, which it loads when a file transfer starts; apt brings
# what those load in turn (GnuTLS, OpenSSL, zlib, ...).
# ca-certificates for wss:// central systems and https:// firmware and diagnostics locations.
# Not pinned: see DL3008 above. Tests/e2e/test_deployment.py checks this list against the binary.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates \
        libcap2 \
        libcurl4 \
        libmicrohttpd12 \
        libsqlite3-0 \
        libssl3 \
        libstdc++6 \
        libwebsockets17 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 chargepoint \
    && useradd --uid 10001 --gid chargepoint --home-dir /data --no-create-home --no-log-init \
        --shell /usr/sbin/nologin chargepoint \
    && install -d -o chargepoint -g chargepoint -m 0750 /data

# The binary is the whole program: the web page and GET /openapi.yaml are built into it.
COPY --from=build /out/chargepoint /usr/local/bin/chargepoint

# Container defaults: listen on every interface (so the service needs CP_API_TOKEN or CP_API_TOKEN_FILE),
# keep the SQLite store in the volume.
ENV CP_HTTP=0.0.0.0:8080 \
    CP_DATA_DIR=/data

WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080

# Liveness: `chargepoint healthcheck` probes GET /healthz with the service's own settings (CP_HTTP,
# CP_API_CERT for HTTPS, the token), so the check follows them; it says nothing about the CSMS link.
# `--ready` probes /readyz instead (registered and able to persist), as docker-compose.yml does.
# `chargepoint csms` answers /healthz on its --http port: `chargepoint healthcheck --http 127.0.0.1:9001`.
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
    CMD ["chargepoint", "healthcheck"]

ENTRYPOINT ["chargepoint"]
CMD ["serve"]
