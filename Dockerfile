# Obscura server image: `docker run -p 8080:8080 -v photos:/data obscura` is a working album on SQLite.
# Every setting can be given as an OBSCURA_* variable (docs/configuration.md).
#
# Two stages on Debian 12: `build` compiles the server, its storage plugins and the web UI (Release, unity build,
# no tests) and installs them into /opt/obscura; the runtime stage holds only the libraries they load, ffmpeg and
# tini. A compiler cache is used when a directory is mounted at /ccache during the build, e.g.
#   container-check . --build-volume "$HOME/.cache/ccache:/ccache"
#   podman build -v "$HOME/.cache/ccache:/ccache" -t obscura .

FROM debian:bookworm-slim AS build

# Build dependencies: the -dev packages CMake looks for (scripts/setup.sh's list minus the test-only ones), ccache,
# and Debian's nodejs/npm for the web UI's build step.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake ninja-build ccache pkg-config ca-certificates \
        libboost-dev libboost-system-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev \
        prometheus-cpp-dev libssl-dev libjwt-dev libsodium-dev libexif-dev libvips-dev libcurl4-openssl-dev \
        libsqlite3-dev libmysqlcppconn-dev librabbitmq-dev libarchive-dev \
        libexiv2-dev libraw-dev libexpat1-dev \
        nodejs npm \
 && rm -rf /var/lib/apt/lists/*

# The two cores of a small CI machine are shared: at most BUILD_JOBS compilers at once.
ARG BUILD_JOBS=2
# LANG is part of ccache's key (it changes the compiler's messages): .ci/run builds the host tree with this one.
ENV CCACHE_DIR=/ccache LANG=C.UTF-8

COPY . /src
WORKDIR /src
# Release, unity (jumbo) build, tests off: the server, its plugins and whatever else `cmake --build` builds
# (the web UI). Installed by the project's install rules: bin/,
# lib/obscura/plugins/ (the plugins and the image engine module obscura_media_vips.so, which alone links libvips),
# share/obscura/web/.
# The build directory and flags are those of scripts/test.sh's Release tree (<source>/build, unity, -Werror —
# the same Debian 12 compiler as CI's host build, which enforces it): with ccache's paths made relative to the
# source directory, every compile here is a cache hit after CI's host build instead of a third cold build.
# CCACHE_STATSLOG: the cache's hit rate for this build alone (the cache directory may be shared with others).
# Behind a TLS-intercepting proxy (company networks, CI sandboxes) npm needs the proxy's CA to fetch the web UI's
# packages: mount its certificates at /usr/local/share/ca-certificates for the build (`podman build -v
# /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro`; .ci/run does when the host has any).
# They are trusted in this build stage only; nothing of them reaches the runtime image.
RUN started=$(date +%s) && export CCACHE_STATSLOG=/tmp/ccache-stats.log \
        npm_config_cafile=/etc/ssl/certs/ca-certificates.crt \
 && if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then update-ca-certificates >/dev/null; fi \
 && cmake -S . -B /src/build -G Ninja \
        -DCMAKE_BUILD_TYPE=Release \
        -DOBSCURA_BUILD_TESTS=OFF \
        -DOBSCURA_UNITY_BUILD=ON \
 && cmake --build /src/build --parallel "${BUILD_JOBS}" \
 && cmake --install /src/build --prefix /opt/obscura --strip \
 && echo "compiled and installed in $(( $(date +%s) - started ))s" \
 && (ccache --show-log-stats 2>/dev/null | grep -Ei 'hits|misses' || true)


FROM debian:bookworm-slim

ARG VERSION=0.1.0
# Set by whoever publishes the image: --build-arg SOURCE_URL=https://…
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="Obscura" \
      org.opencontainers.image.description="Self-hosted photo and video album server (SQLite or MySQL/MariaDB)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="NOASSERTION"

# The libraries bin/obscura, the plugins and the image engine module (libvips42: lib/obscura/plugins/
# obscura_media_vips.so, dlopen'd on the first photo) are linked against (readelf -d … NEEDED; theirs come along),
# plus obscura-raw's libraw (camera RAW, run as a subprocess beside bin/obscura), ffmpeg/ffprobe (video probing, posters, transcoding: run as subprocesses), tini (PID 1: forwards SIGTERM,
# reaps zombies) and ca-certificates (SMTP over TLS). Most of the image is libvips' and ffmpeg's own
# dependencies; Debian's ffmpeg alone brings Mesa and LLVM (libavdevice -> libgl1), about 140 MB.
# No documentation, manual pages or translations (as debian:bookworm-slim's own dpkg excludes), licences kept.
RUN printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' \
        'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' \
        > /etc/dpkg/dpkg.cfg.d/90-obscura-slim \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libjwt0 libsodium23 libexif12 libssl3 libcurl4 \
        libglib2.0-0 libvips42 libsqlite3-0 libmysqlcppconn7v5 libmariadb3 librabbitmq4 libarchive13 \
        libexiv2-27 libraw20 libexpat1 \
        ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log

RUN groupadd --system --gid 10001 obscura \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin obscura \
 && mkdir -p /data \
 && chown 10001:10001 /data

COPY --from=build /opt/obscura /opt/obscura

# Fail the build here, not at the first start, when a runtime library is missing or the version label is stale.
RUN missing="$(ldd /opt/obscura/bin/obscura /opt/obscura/bin/obscura-raw /opt/obscura/lib/obscura/plugins/*.so | grep 'not found' || true)" \
 && if [ -n "$missing" ]; then echo "runtime libraries missing from the image: $missing" >&2; exit 1; fi \
 && built="$(/opt/obscura/bin/obscura version)" \
 && case "$built" in *"${VERSION}"*) ;; *) echo "ARG VERSION=${VERSION} but the binary says: $built" >&2; exit 1;; esac \
 && command -v ffmpeg ffprobe tini >/dev/null

ENV PATH=/opt/obscura/bin:$PATH \
    OBSCURA_SERVER_DATA_DIR=/data
WORKDIR /data
VOLUME /data
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["obscura", "healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "obscura"]
CMD ["serve"]
