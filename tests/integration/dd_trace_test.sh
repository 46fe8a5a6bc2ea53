#!/usr/bin/env bash
# The real dd-trace (pinned in package.json, installed into
# tests/integration/node_modules by scripts/setup with `npm ci`) still sends
# what srclink decodes: dd_trace_app.js (Express, Code Origin for Spans on)
# sends its spans to a stand-in agent (dd_trace_capture.js) with protocol
# v0.4 and v0.5, and dd_trace_check.js checks the payloads: msgpack, both
# routes' entry spans with their handler's line as code origin, the thrown
# error's stack, the git tags on the first span of a chunk.
#
# Usage: tests/integration/dd_trace_test.sh [--update]
#   --update  also copies the payloads into tests/data/dd_trace/ (the
#             fixtures of tests/ingest/datadog_capture_test.cc)
# Needs: node. Talks to 127.0.0.1 only (remote config, telemetry, runtime
# metrics and profiling off).
set -euo pipefail

fail() { echo "FAIL: dd_trace_test: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -d "$here/node_modules/dd-trace" ]] || fail "dd-trace is missing; run: (cd $here && npm ci)"
command -v node >/dev/null || fail "node is not installed"
update=false
[[ "${1:-}" == "--update" ]] && update=true

work="$(mktemp -d)"
capture_pid=""
cleanup() {
  if [[ -n "$capture_pid" ]]; then
    kill "$capture_pid" 2>/dev/null || true
    wait "$capture_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

for version in 0.4 0.5; do
  out="$work/v$version"
  node "$here/dd_trace_capture.js" "$out" >"$work/capture.log" 2>&1 &
  capture_pid=$!
  for _ in $(seq 100); do
    grep -q '^listening ' "$work/capture.log" 2>/dev/null && break
    sleep 0.1
  done
  port="$(awk '/^listening /{print $2}' "$work/capture.log")"
  [[ -n "$port" ]] || fail "the capture server did not start: $(cat "$work/capture.log")"

  # One flush a second: both requests' spans land in one payload.
  (cd "$here" && env DD_TRACE_AGENT_URL="http://127.0.0.1:$port" \
    DD_TRACE_AGENT_PROTOCOL_VERSION="$version" DD_TRACE_FLUSH_INTERVAL=1000 \
    DD_SERVICE=shop DD_VERSION=1.4.2 DD_ENV=test \
    DD_GIT_REPOSITORY_URL=https://github.com/acme/shop \
    DD_GIT_COMMIT_SHA=0123456789abcdef0123456789abcdef01234567 \
    timeout 60 node dd_trace_app.js >"$work/app.log" 2>&1) ||
    fail "dd_trace_app.js failed (protocol v$version): $(cat "$work/app.log")"
  kill "$capture_pid"
  wait "$capture_pid" 2>/dev/null || true
  capture_pid=""

  node "$here/dd_trace_check.js" "$out" || fail "protocol v$version: see above"
  traces=$(grep -l "\"/v$version/traces\"" "$out"/*.json || true)
  [[ $(echo "$traces" | grep -c .) -eq 1 ]] ||
    fail "protocol v$version: expected one traces payload, got: $traces"
  if $update; then
    name="v${version/./}_traces"
    cp "${traces%.json}.body" "$here/../data/dd_trace/$name.msgpack"
    cp "$traces" "$here/../data/dd_trace/$name.request.json"
    echo "updated tests/data/dd_trace/$name.*"
  fi
done
echo "PASS: dd_trace_test"
