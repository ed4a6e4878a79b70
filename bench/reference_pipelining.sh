#!/usr/bin/env bash
# Checks that sse_reference (bench/reference/) answers pipelined requests: three requests in one
# write, answered in order (202, 404, 202), and both events reach a subscriber in order. The
# practical limit of the pipelined scenario p is measured with this, not assumed. Then that a
# subscriber with Last-Event-ID: 1 is replayed event 2 (the limit of scenario storm).
#   bench/reference_pipelining.sh PATH/TO/sse_reference
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
reference_bin=$1
source "$here/lib.sh"
source "$here/servers.sh"

results=$(mktemp -d) # the server's log (servers.sh writes there)
REFERENCE_PID=
cleanup() {
  [[ -n $REFERENCE_PID ]] && kill -KILL "$REFERENCE_PID" 2>/dev/null || true
  rm -rf "$results"
}
trap cleanup EXIT
start_server reference pipelining
port=${BASE##*:}

fail() { echo "reference pipelining: $*" >&2; exit 1; }

# A subscriber first, so that it sees both events.
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /sub HTTP/1.1\r\nHost: x\r\n\r\n' >&4
IFS= read -r -t 5 status <&4 || fail "no answer to the subscriber"
[[ $status == "HTTP/1.1 200"* ]] || fail "subscriber got: $status"
while IFS= read -r -t 5 line <&4 && [[ $line != $'\r' ]]; do :; done # the rest of the head

post() { printf 'POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n%b\r\n%s' "$1" "${#2}" "$3" "$2"; }
# One write: bash's printf to a /dev/tcp descriptor is a single write(2) of the whole string.
request="$(post /pub first '')$(post /nowhere x '')$(post /pub second 'Connection: close\r\n')"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf '%s' "$request" >&3
# The last request says Connection: close, so the answers end with the connection.
answers=$(timeout 5 cat <&3 | tr -d '\r' | grep '^HTTP/1.1 ' | cut -d' ' -f2 | tr '\n' ' ') || true
[[ $answers == "202 404 202 " ]] || fail "expected the answers 202 404 202 in order, got: '$answers'"

frames=
for _ in 1 2 3 4 5 6; do # id and data lines, skipping the blank ones
  IFS= read -r -t 5 line <&4 || fail "the subscriber got only: $frames"
  [[ -n $line ]] && frames+="$line;"
done
[[ $frames == "id: 1;data: first;id: 2;data: second;"* ]] || fail "the subscriber got: $frames"
exec 5<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /sub HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 1\r\n\r\n' >&5
while IFS= read -r -t 5 line <&5 && [[ $line != $'\r' ]]; do :; done # the head
replayed=
for _ in 1 2; do
  IFS= read -r -t 5 line <&5 || fail "the replay got only: $replayed"
  replayed+="$line;"
done
[[ $replayed == "id: 2;data: second;" ]] || fail "Last-Event-ID: 1 replayed: $replayed"

stop_pid "$REFERENCE_PID" 10 || fail "sse_reference exited with $?"
REFERENCE_PID=
echo "reference pipelining and replay: ok (answers $answers)"
