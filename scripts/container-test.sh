#!/usr/bin/env bash
# Checks the container path without a Docker engine or a registry: builds the image from the
# unchanged Dockerfile with podman, on a debian:bookworm-slim made here by debootstrap, runs it
# and checks it from outside: /healthz, the page, an SSE stream with a published event, the
# image's HEALTHCHECK, a non-root PID 1, the ulimits, a mounted config file, a bad flag (exit 2),
# and SIGTERM -> exit 0 with the stream ended. Prints PASS/FAIL lines; exits 1 on any failure.
#   bash scripts/container-test.sh            (root, or sudo; CI runs it through ctest)
# Environment (all optional):
#   SSEHUB_CI_STATE   podman storage + lock      (default /var/lib/ssehub-ci)
#   SSEHUB_CI_CACHE   debootstrapped base tarballs (default /var/cache/ssehub-ci)
#   SSEHUB_CI_MIRROR  Debian mirror              (default: the first one in /etc/apt/sources*)
#   SSEHUB_CI_JOBS    compile jobs in the build  (default 2; the machine is shared)
#   SSEHUB_CI_DRIVER  podman storage driver      (default: overlay if the kernel mounts it, else vfs)
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  exec sudo -n --preserve-env=SSEHUB_CI_STATE,SSEHUB_CI_CACHE,SSEHUB_CI_MIRROR,SSEHUB_CI_JOBS,SSEHUB_CI_DRIVER \
    bash "$0" "$@"
fi

root_dir=$(cd "$(dirname "$0")/.." && pwd)
state=${SSEHUB_CI_STATE:-/var/lib/ssehub-ci}
cache=${SSEHUB_CI_CACHE:-/var/cache/ssehub-ci}
jobs=${SSEHUB_CI_JOBS:-2}
base_image=debian:bookworm-slim  # the Dockerfile's FROM, made locally: nothing is pulled
image=localhost/ssehub:ci
build_stage=localhost/ssehub-build:ci  # tagged so that pruning keeps its layers as the cache
# The hard nofile limit here is 20000, and runc refuses podman's default of 1048576.
ulimits=(--ulimit nofile=16384:16384 --ulimit nproc=4096:4096)

failures=0
started=$SECONDS
log() { printf '%s [%4ds] %s\n' "$(date -u +%H:%M:%S)" $((SECONDS - started)) "$*"; }
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; echo "RESULT: FAIL (container test stopped early)"; exit 1; }

# ---- podman: own storage and run dir; cgroupfs (no systemd here); runc (crun fails on the
# cgroup setup of this kind of machine) ---------------------------------------------------
mkdir -p "$state" "$cache"
tmp=$(mktemp -d /tmp/ssehub-container-test.XXXXXX)
# overlay keeps one diff per layer; vfs (works anywhere) copies the whole tree for every
# layer: measured here, a cold build peaked at 14 GB with vfs and took minutes more.
driver=${SSEHUB_CI_DRIVER:-}
if [[ -z "$driver" ]]; then
  mkdir -p "$tmp/ov/l" "$tmp/ov/u" "$tmp/ov/w" "$tmp/ov/m"
  if mount -t overlay overlay -o "lowerdir=$tmp/ov/l,upperdir=$tmp/ov/u,workdir=$tmp/ov/w" "$tmp/ov/m" 2>/dev/null; then
    umount "$tmp/ov/m"; driver=overlay
  else
    driver=vfs
  fi
fi
pm_args=(--root "$state/storage-$driver" --runroot "/run/ssehub-ci/$driver" --storage-driver "$driver"
         --cgroup-manager cgroupfs --events-backend file --runtime runc)
# Every podman call is bounded (120 s unless pmt gives another), and none inherits the lock (fd 9).
pmt() { local t=$1; shift; timeout "$t" podman "${pm_args[@]}" "$@" 9>&-; }
pm() { pmt 120 "$@"; }

# ---- cleanup: only what this run started ------------------------------------------------
containers=()
bg_pids=()
cleanup() {
  local pid c
  for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for c in "${containers[@]}"; do pm rm -f -t 2 "$c" >/dev/null 2>&1 || true; done
  if [[ -n "${rootfs:-}" && -d "${rootfs:-}" ]]; then # an interrupted debootstrap may leave mounts
    umount -R "$rootfs/proc" "$rootfs/sys" "$rootfs/dev/pts" 2>/dev/null || true
    rm -rf --one-file-system "$rootfs"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One run at a time on a machine: they share the storage and the cached base image.
exec 9>"$state/lock"
log "waiting for the lock $state/lock (at most 30 min)"
flock -w 1800 9 || die "another container test held $state/lock for 30 minutes"

# ---- 1. tools ---------------------------------------------------------------------------
log "1/6 tools"
tools=(podman buildah runc conmon debootstrap curl)
missing=()
for p in podman buildah runc debootstrap curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -qq || die "apt-get update"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]}"
fi
for t in "${tools[@]}"; do command -v "$t" >/dev/null || die "$t is not installed"; done
pass "tools: $(podman --version), $(runc --version | head -1), storage driver $driver"
# Holding the lock, any container in this private storage is left over from a killed run.
for c in $(pm ps -a --format '{{.Names}}' 2>/dev/null | grep '^ssehub-ci-' || true); do
  log "removing $c, left over by an earlier run"
  pm rm -f -t 2 "$c" >/dev/null 2>&1 || true
done

# ---- 2. base image: debootstrap once a week, kept as a tarball and as the podman image ----
log "2/6 base image $base_image"
t0=$SECONDS
mirror=${SSEHUB_CI_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
  /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -E '^[[:space:]]*(deb[[:space:]]|URIs:)' |
  grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' | grep -v security | head -1 | tr -d '[:space:]' || true)}
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}
security=${mirror%/debian}/debian-security
key=$(date -u +%G-w%V)
tarball=$cache/debian-bookworm-minbase-$key.tar
if pm image exists "$base_image" && [[ "$(cat "$state/base.key.$driver" 2>/dev/null)" == "$key" ]]; then
  pass "base image: reused ($key)"
else
  if [[ ! -s "$tarball" ]]; then
    rootfs=$cache/rootfs.$$
    log "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
    timeout 1200 nice -n 10 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" \
      >"$tmp/debootstrap.log" 2>&1 || { tail -20 "$tmp/debootstrap.log"; die "debootstrap"; }
    # Like the official slim image: deb822 sources with updates and security, no apt caches,
    # no docs, man pages or translations (kept out of later installs too).
    rm -f "$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
    find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    rm -rf "$rootfs"/usr/share/{groff,info,linda,lintian/overrides,locale,man}/*
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
EOF
    cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
    tar --numeric-owner --exclude='./dev/*' -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
    find "$cache" -maxdepth 1 -name 'debian-bookworm-minbase-*.tar' ! -name "${tarball##*/}" -delete
  fi
  pmt 600 import --change 'CMD ["bash"]' "$tarball" "$base_image" >/dev/null 2>"$tmp/import.log" \
    || { cat "$tmp/import.log"; die "podman import"; }
  echo "$key" >"$state/base.key.$driver"
  pass "base image: imported $tarball as $base_image"
fi
log "base image ready in $((SECONDS - t0))s"

# ---- 3. build ---------------------------------------------------------------------------
log "3/6 podman build (cold: several minutes; layers are cached in $state)"
t0=$SECONDS
# --format docker keeps HEALTHCHECK (the OCI format has no such field); --pull=never proves
# nothing comes from a registry; chroot isolation and the host network need no runtime here.
build() { # podman build arguments
  timeout 1800 nice -n 10 podman "${pm_args[@]}" build --isolation chroot --network host --format docker \
    --pull=never --layers "${ulimits[@]}" --build-arg JOBS="$jobs" -f "$root_dir/Dockerfile" "$@" "$root_dir" \
    >>"$tmp/build.log" 2>&1 9>&-
}
# The build stage first, under a tag of its own, then the image (the stage comes from cache).
if build --target build -t "$build_stage" && build -t "$image"; then
  pass "image built in $((SECONDS - t0))s"
else
  tail -40 "$tmp/build.log"
  die "podman build (the last 40 lines above; a compile error there is the code's, not the Dockerfile's)"
fi
# Drop what the new tags replaced (older code's layers, older bases), so the storage stays bounded.
pmt 300 image prune -f >/dev/null 2>&1 || true
size=$(pm image inspect --format '{{.Size}}' "$image")
log "image $image: $((size / 1000000)) MB"

user=$(pm image inspect --format '{{.Config.User}}' "$image")
[[ -n "$user" && "$user" != 0* && "$user" != root* ]] && pass "image user is $user" || fail "image runs as root ('$user')"
pm image inspect --format '{{.Config.Healthcheck}}' "$image" | grep -q healthz \
  && pass "image has a HEALTHCHECK on /healthz" || fail "image has no HEALTHCHECK"
pm image inspect --format '{{.Config.ExposedPorts}}' "$image" | grep -q 8080 \
  && pass "image exposes 8080" || fail "image does not expose 8080"

# ---- helpers for the running containers ---------------------------------------------------
# A port nothing uses now: below the ephemeral range and absent from /proc/net/tcp{,6}.
free_port() {
  local p i
  local -A used=()
  local _sl local_addr _rest
  while read -r _sl local_addr _rest; do
    [[ "$local_addr" == *:* ]] && used[$((16#${local_addr##*:}))]=1
  done < <(tail -q -n +2 /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    [[ -n "${used[$p]:-}" ]] || { echo "$p"; return 0; }
  done
  return 1
}
run_ctr() { # name, then podman run arguments
  local name=$1; shift
  containers+=("$name")
  # No periodic health timer (podman wants systemd for it, and logs an error without it): the
  # test runs the image's check itself. The error lines are shown only if the run fails.
  pm run -d --name "$name" --runtime runc --network host --health-interval=disable "${ulimits[@]}" "$@" \
    >/dev/null 2>"$tmp/run.err" || { cat "$tmp/run.err"; return 1; }
}
wait_healthy() { # name port seconds
  local end=$((SECONDS + $3))
  while ((SECONDS < end)); do
    [[ "$(pm inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" == true ]] || return 1
    curl -fsS --max-time 2 "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}
wait_grep() { # file pattern seconds
  local end=$((SECONDS + $3))
  while ((SECONDS < end)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
# SIGTERM, then the exit code (or 'timeout') and the seconds it took, in stop_code/stop_secs.
stop_ctr() { # name
  local t=$SECONDS
  pmt 30 kill -s TERM "$1" >/dev/null || true
  stop_code=$(pmt 20 wait "$1" 2>/dev/null) || stop_code=timeout
  stop_secs=$((SECONDS - t))
}

# ---- 4. run: health, page, stream -------------------------------------------------------
log "4/6 run"
port=$(free_port) || die "no free port found"
ctr=ssehub-ci-$$
token=ci-$RANDOM$RANDOM
run_ctr "$ctr" -e SSEHUB_PORT="$port" -e SSEHUB_PUBLISH_TOKEN="$token" -e SSEHUB_SHUTDOWN_TIMEOUT_MS=5000 "$image" \
  || die "podman run"
if wait_healthy "$ctr" "$port" 30; then
  pass "container started; /healthz answers on 127.0.0.1:$port"
else
  pm logs "$ctr" 2>&1 | tail -30
  die "container is not serving /healthz on port $port after 30 s"
fi

body=$(curl -sS --max-time 5 -w '\n%{http_code} %{content_type}' "http://127.0.0.1:$port/healthz")
[[ "$(head -1 <<<"$body" | tr -d '[:space:]')" == '{"status":"ok"}' && "$(tail -1 <<<"$body")" == "200 application/json"* ]] \
  && pass "GET /healthz: 200 {\"status\":\"ok\"}" || fail "GET /healthz: $body"

# Served bytes against the files in the image (the tree may have changed since the build).
pmt 60 cp "$ctr:/opt/ssehub/static" "$tmp/image-static" || fail "podman cp of /opt/ssehub/static"
if curl -fsS --max-time 5 -o "$tmp/index.html" "http://127.0.0.1:$port/" && cmp -s "$tmp/index.html" "$tmp/image-static/index.html"; then
  pass "GET /: the page (static/index.html, byte for byte)"
else
  fail "GET /: not static/index.html"
fi
served=()
for f in "$tmp"/image-static/*; do
  n=${f##*/}
  if curl -fsS --max-time 5 -o "$tmp/served" "http://127.0.0.1:$port/$n" && cmp -s "$tmp/served" "$f"; then
    served+=("$n")
  else
    fail "GET /$n: not the image's static/$n"
  fi
done
pass "GET of every static file, byte for byte: ${served[*]}"
changed=$(diff -rq "$tmp/image-static" "$root_dir/static" 2>&1 | sed "s|$tmp/image-static|image|; s|$root_dir/||" || true)
[[ -z "$changed" ]] || echo "NOTE: static/ changed in the tree since the build: $(tr '\n' ';' <<<"$changed")"

curl -sSN --max-time 120 -D "$tmp/stream.headers" -H 'Accept: text/event-stream' \
  "http://127.0.0.1:$port/events" >"$tmp/stream.out" 2>"$tmp/stream.err" &
stream_pid=$!
bg_pids+=("$stream_pid")
if wait_grep "$tmp/stream.out" '^: ssehub stream open' 10; then
  grep -qi '^content-type: text/event-stream' "$tmp/stream.headers" \
    && pass "GET /events: text/event-stream, open comment received" || fail "GET /events: wrong Content-Type"
else
  fail "GET /events: nothing received in 10 s"
fi
wait_grep "$tmp/stream.out" '^event: tick' 10 && pass "stream: ticker event received" || fail "stream: no ticker event in 10 s"
code=$(curl -sS --max-time 5 -o "$tmp/publish.out" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --data '{"topic":"ci","event":"ci-check","data":"hello from the container test"}' \
  "http://127.0.0.1:$port/publish" || true)
[[ "$code" == 202 ]] && pass "POST /publish with SSEHUB_PUBLISH_TOKEN: 202" || fail "POST /publish: $code $(cat "$tmp/publish.out" 2>/dev/null)"
wait_grep "$tmp/stream.out" '^data: hello from the container test' 10 \
  && pass "stream: the published event arrived" || fail "stream: the published event did not arrive in 10 s"

# ---- 5. inside the container: healthcheck, user, PID 1, limits -----------------------------
log "5/6 inside"
health=$(pmt 30 healthcheck run "$ctr" 2>&1) && pass "HEALTHCHECK (podman healthcheck run): healthy" \
  || fail "HEALTHCHECK: $health"
uid=$(pmt 30 exec "$ctr" id -u 2>&1 || true)
[[ "$uid" =~ ^[0-9]+$ && "$uid" != 0 ]] && pass "runs as uid $uid" || fail "runs as uid '$uid'"
comm=$(pmt 30 exec "$ctr" cat /proc/1/comm 2>&1 || true)
[[ "$comm" == ssehub ]] && pass "PID 1 is ssehub (exec-form ENTRYPOINT, no shell)" || fail "PID 1 is '$comm'"
limits=$(pmt 30 exec "$ctr" cat /proc/1/limits 2>&1 || true)
grep -Eq 'Max open files +16384 +16384' <<<"$limits" && grep -Eq 'Max processes +4096 +4096' <<<"$limits" \
  && pass "ulimits nofile=16384 nproc=4096 applied" || fail "ulimits: $(grep -E 'open files|processes' <<<"$limits")"

# ---- 6. SIGTERM, config file, bad flag ----------------------------------------------------
log "6/6 shutdown and configuration"
stop_ctr "$ctr"
# shutdown_timeout_ms is 5 s; 3 s more for podman itself.
[[ "$stop_code" == 0 && $stop_secs -le 8 ]] && pass "SIGTERM: exit code 0 after ${stop_secs}s" \
  || { pm logs "$ctr" 2>&1 | tail -20; fail "SIGTERM: exit code $stop_code after ${stop_secs}s (want 0 within 8 s)"; }
for ((i = 0; i < 100; i++)); do kill -0 "$stream_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$stream_pid" 2>/dev/null; then
  fail "stream: still open 10 s after the container stopped"
else
  stream_rc=0; wait "$stream_pid" || stream_rc=$?
  [[ $stream_rc == 0 ]] && pass "stream: ended by the server, cleanly (curl exit 0)" \
    || fail "stream: ended with curl exit $stream_rc ($(tr -d '\n' <"$tmp/stream.err"))"
fi
logs=$(pm logs "$ctr" 2>&1 || true)
grep -q 'signal 15 received' <<<"$logs" && grep -q 'stopped' <<<"$logs" \
  && pass "logs: 'signal 15 received' ... 'stopped'" || fail "logs: no graceful shutdown lines"
pmt 60 rm -f "$ctr" >/dev/null 2>&1 || true

# The documented mount: the port and a topic from the file only (no SSEHUB_PORT).
port2=$(free_port) || die "no free port found"
cat >"$tmp/my.json" <<EOF
{ "_comment": "container test", "port": $port2, "ticker_topic": "ci-ticks", "log_level": "debug" }
EOF
chmod 644 "$tmp/my.json"
ctr2=ssehub-ci-cfg-$$
if run_ctr "$ctr2" -v "$tmp/my.json:/etc/ssehub/ssehub.json:ro" -e SSEHUB_CONFIG=/etc/ssehub/ssehub.json "$image" \
   && wait_healthy "$ctr2" "$port2" 30; then
  curl -sSN --max-time 4 "http://127.0.0.1:$port2/events?topic=ci-ticks" >"$tmp/stream2.out" 2>/dev/null || true
  grep -q '^event: tick' "$tmp/stream2.out" \
    && pass "config file mounted with SSEHUB_CONFIG: port $port2 and ticker_topic applied" \
    || fail "config file: no tick on topic ci-ticks"
else
  pm logs "$ctr2" 2>&1 | tail -20
  fail "config file: the server did not come up on the file's port $port2"
fi
stop_ctr "$ctr2"
[[ "$stop_code" == 0 ]] && pass "SIGTERM (config-file container): exit code 0 after ${stop_secs}s" \
  || fail "SIGTERM (config-file container): exit code $stop_code"
pmt 60 rm -f "$ctr2" >/dev/null 2>&1 || true

ctr3=ssehub-ci-bad-$$
containers+=("$ctr3")
bad=0; pmt 60 run --name "$ctr3" --runtime runc --network host "${ulimits[@]}" "$image" \
  --port not-a-number >"$tmp/bad.out" 2>&1 || bad=$?
[[ $bad == 2 ]] && pass "bad flag (--port not-a-number): exit code 2" || fail "bad flag: exit code $bad ($(tail -1 "$tmp/bad.out"))"
pmt 60 rm -f "$ctr3" >/dev/null 2>&1 || true

log "done in $((SECONDS - started))s; image $((size / 1000000)) MB"
if ((failures)); then
  echo "RESULT: FAIL ($failures checks failed)"
  exit 1
fi
echo "RESULT: PASS"
