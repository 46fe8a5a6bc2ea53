#!/usr/bin/env bash
# The web UI end to end: scripts/demo fills a server from real instrumented
# processes (dd-trace, @pyroscope/nodejs, Go runtime/pprof) at two commits of
# this repository (a clone plus one commit that moves the Go worker's lines),
# a 10,000-node profile is pushed, and ui_test.mjs clicks through every page in
# Debian's headless chromium. Screenshots go to $SRCLINK_SCREENSHOTS (default:
# the temporary directory; docs/screenshots to refresh the README's).
set -euo pipefail
TEST_NAME=ui_e2e
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
source "$here/../integration/lib.sh"

[[ -x /usr/bin/chromium ]] || fail "Debian's chromium is missing: run scripts/setup"
[[ -d "$repo_root/web/node_modules/playwright-core" ]] || fail "web/node_modules is missing: run scripts/setup"
git -C "$repo_root" rev-parse HEAD >/dev/null 2>&1 || fail "$repo_root is not a git checkout"
shots="${SRCLINK_SCREENSHOTS:-$work/screenshots}"
mkdir -p "$shots"

# Two commits that both hold examples/demo: this repository's HEAD, and one on
# top of it in which the worker's functions sit two lines lower.
git clone -q "$repo_root" "$work/repo"
sed -i '1i // Two lines added by tests/e2e/ui_test.sh: in this commit every\n// function of the worker sits two lines lower.' \
  "$work/repo/examples/demo/worker/main.go"
git -C "$work/repo" commit -qam "demo worker: two lines of comment at the top"

demo_port="$(free_port)"
"$repo_root/scripts/demo" --exit --repo "$work/repo" --port "$demo_port" --data "$work/data" \
  >"$work/demo.log" 2>&1 || fail "scripts/demo failed: $(tail -n 30 "$work/demo.log")"

start_serve
# A profile whose flame graph has 10,000 nodes (more before pruning).
now="$(date +%s)"
node "$here/synthetic_profile.mjs" 12000 |
  curl -fsS -H "Authorization: Bearer $key" --data-binary @- \
    "$base/ingest?name=synthetic.cpu&format=lines&from=$((now - 10))&until=$now" >/dev/null ||
  fail "pushing the synthetic profile failed"

# An empty server, for the empty states.
empty_port="$(free_port)"
"$SRCLINK_BINARY" serve --no-auth --listen "127.0.0.1:$empty_port" --data "$work/empty" >"$work/empty.log" 2>&1 &
empty_pid=$!
trap 'kill $empty_pid 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$empty_port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

node "$here/ui_test.mjs" "$base" "$key" "$shots" "http://127.0.0.1:$empty_port" ||
  fail "browser checks failed (screenshots of failures in $shots; server log: $(tail -n 20 "$work/serve.log"))"
echo "PASS: $TEST_NAME"
