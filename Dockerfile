# ssehub container image: a Debian 12 build stage and a slim runtime stage.
#
#   docker build -t ssehub .
#   docker run --rm -p 8080:8080 -e SSEHUB_PUBLISH_TOKEN=change-me ssehub
#
# Configuration, as outside a container (flags > SSEHUB_* environment > config file > defaults):
#   -e SSEHUB_<KEY>=value                          any key, e.g. -e SSEHUB_LOG_LEVEL=debug
#   -v $PWD/my.json:/etc/ssehub/ssehub.json:ro -e SSEHUB_CONFIG=/etc/ssehub/ssehub.json
#   docker run ... ssehub --heartbeat-ms 5000      arguments go to the binary (ENTRYPOINT)
# SSEHUB_BIND=0.0.0.0 is set below, so a "bind" in a mounted file has no effect (use the flag).
# Set the port with SSEHUB_PORT (not only in the file): the HEALTHCHECK reads it.
# Without SSEHUB_PUBLISH_TOKEN a token is generated and printed once on stdout (docker logs).
# Scripted check of this file without a Docker engine: bash scripts/container-test.sh (podman).

# ---- build ------------------------------------------------------------------------------
FROM debian:bookworm-slim AS build
# The build dependencies come from the script the README uses (without --test: no nginx,
# chromium or node), so the image follows when a library is added there.
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN bash /tmp/install-deps.sh && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh
WORKDIR /src
# Only what the binary is built from, so editing static/, docs/ or tests reuses this stage
# (a new top-level source directory of the build must be added here).
COPY CMakeLists.txt ./
COPY lib lib
COPY app app
# Two jobs at most: the image is often built on a machine shared with others.
ARG JOBS=2
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DSSEHUB_TESTS=OFF -DSSEHUB_BENCH=OFF \
 && cmake --build build -j "${JOBS}" --target ssehub \
 && strip build/app/ssehub \
 && for lib in $(ldd build/app/ssehub | awk '$2 == "=>" { print $3 }'); do \
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")"; \
    done | cut -d: -f1 | sort -u > runtime-packages.txt \
 && cat runtime-packages.txt

# ---- files ------------------------------------------------------------------------------
# static/ and config/ through a stage of their own: git keeps no empty directory, so config/
# may be missing from a fresh clone, and a plain COPY of a missing path fails the build.
FROM debian:bookworm-slim AS files
COPY . /ctx/
RUN mkdir -p /ctx/config

# ---- runtime ----------------------------------------------------------------------------
FROM debian:bookworm-slim
# Only the packages that own the shared libraries `ldd ssehub` lists, found in the build
# stage: today libboost-json1.81.0, libspdlog1.1, libfmt9 and libhiredis0.14 (the image talks to
# an external Redis with backplane redis: no redis-server inside) (libc6, libstdc++6 and libgcc-s1
# are in the base already). Package names carry the soname, so the two stages agree.
COPY --from=build /src/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(cat /tmp/runtime-packages.txt) \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && groupadd --system --gid 10001 ssehub \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ssehub \
 && mkdir -p /etc/ssehub
COPY --from=build /src/build/app/ssehub /usr/local/bin/ssehub
COPY --from=files /ctx/static /opt/ssehub/static
COPY --from=files /ctx/config /opt/ssehub/config
# Fails the build if a shared library is missing, and proves the binary starts here.
RUN if ldd /usr/local/bin/ssehub | grep 'not found'; then exit 1; fi \
 && /usr/local/bin/ssehub --version

# static_root defaults to "static", relative to the working directory.
WORKDIR /opt/ssehub
USER 10001:10001
ENV SSEHUB_BIND=0.0.0.0
EXPOSE 8080
# No curl in slim, and none added: bash (already in the base) speaks enough HTTP/1.1 through
# /dev/tcp to ask GET /healthz and read the status line, so the image needs no extra package
# and no extra attack surface. It follows SSEHUB_PORT; the check's own deadline is --timeout.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SSEHUB_PORT:-8080} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r -t 2 version code rest <&3 && [ \"$code\" = 200 ]"]
# SIGTERM (docker stop) starts the server's graceful shutdown: it exits 0 within
# shutdown_timeout_ms (5 s by default, under docker stop's 10 s). The exec form makes the
# binary PID 1 with no shell in between; it installs its own SIGTERM/SIGINT handlers, which
# PID 1 needs (the kernel drops signals PID 1 does not handle).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ssehub"]
