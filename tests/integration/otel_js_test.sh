#!/usr/bin/env bash
# End-to-end with the real OpenTelemetry JS SDK (pinned in package.json,
# installed into tests/integration/node_modules by scripts/setup with
# `npm ci`): otel_app.js exports spans (an exception event, code.* attributes)
# and log records (exception.* attributes) with both OTLP/HTTP exporters —
# protobuf (exporter-*-otlp-proto) and JSON (exporter-*-otlp-http) — to a
# loopback receiver that saves each request body; srclink's decoder
# (OtlpCaptureTest in ingest_tests) must then read what the SDK sent:
# service name, exception type/message/stack, the entry span's code origin.
# tests/data/otlp/ holds a committed copy of such a capture.
#
# Usage: SRCLINK_INGEST_TESTS=build/tests/ingest_tests tests/integration/otel_js_test.sh
# Needs: node. Talks to 127.0.0.1 only.
set -euo pipefail

fail() { echo "FAIL: otel_js_test: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -n "${SRCLINK_INGEST_TESTS:-}" ]] || fail "set SRCLINK_INGEST_TESTS to the ingest_tests executable"
[[ -x "$SRCLINK_INGEST_TESTS" ]] || fail "SRCLINK_INGEST_TESTS=$SRCLINK_INGEST_TESTS is not an executable"
command -v node >/dev/null || fail "node is not installed"
for pkg in sdk-trace sdk-logs exporter-trace-otlp-proto exporter-trace-otlp-http \
           exporter-logs-otlp-proto exporter-logs-otlp-http; do
  [[ -d "$here/node_modules/@opentelemetry/$pkg" ]] ||
    fail "@opentelemetry/$pkg is missing; run: (cd $here && npm ci)"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# No proxy, no exporter settings from the environment: only our receiver.
(cd "$here" && env -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_HEADERS \
   -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy -u OTLP_ENDPOINT \
   timeout 120 node otel_app.js "$work/capture") >"$work/app.log" 2>&1 ||
  { cat "$work/app.log" >&2; fail "otel_app.js failed"; }

for f in js-proto-traces.pb js-proto-logs.pb js-json-traces.json js-json-logs.json; do
  [[ -s "$work/capture/$f" ]] || { cat "$work/app.log" >&2; fail "the SDK sent no $f"; }
done
grep -q '"resourceSpans"' "$work/capture/js-json-traces.json" || fail "js-json-traces.json is not OTLP/JSON"

SRCLINK_OTLP_CAPTURE_DIR="$work/capture" "$SRCLINK_INGEST_TESTS" \
  --gtest_filter='OtlpCaptureTest.*' >"$work/gtest.log" 2>&1 ||
  { cat "$work/gtest.log" >&2; fail "srclink did not decode what the SDK sent"; }
grep -q '\[  PASSED  \] 2 tests' "$work/gtest.log" || { cat "$work/gtest.log" >&2; fail "OtlpCaptureTest did not run"; }
echo "PASS: otel_js_test: the OpenTelemetry JS SDK's protobuf and JSON exports decode"
