#!/usr/bin/env bash
# Profiles end to end: a repository holding a Node app is uploaded to
# `srclink serve` (keys on); the app runs under the real @pyroscope/nodejs,
# which pushes its wall-clock profile to srclink's Pyroscope-compatible
# /ingest with service_repository / service_git_ref labels. srclink must then
# list the service, draw its flame graph with the app's hot function in it,
# and give that function's lines with self and total at the uploaded commit,
# resolved to the repository file with its code and links.
#
# Usage: SRCLINK_BINARY=build/srclink tests/integration/pyroscope_nodejs_test.sh
# Needs: git, node, curl, python3 and tests/integration/node_modules (npm ci).
set -euo pipefail

TEST_NAME=pyroscope_nodejs_test
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ -d "$here/node_modules/@pyroscope/nodejs" ]] || fail "node_modules missing; run: (cd $here && npm ci)"
for tool in git node curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done


# --- The repository: the app as app/server.js.
repo="$work/shop"
mkdir -p "$repo/app"
cp "$here/pyroscope_app.js" "$repo/app/server.js"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c commit.gpgsign=false commit -q -m init
git -C "$repo" remote add origin https://github.com/acme/shop.git
sha="$(git -C "$repo" rev-parse HEAD)"
burn_line="$(grep -n '^function burn' "$repo/app/server.js" | cut -d: -f1)"

# --- srclink serve with keys.
start_serve
SRCLINK_API_KEY="$key" "$SRCLINK_BINARY" upload --directory "$repo" --server "$base" \
  >"$work/upload.log" 2>&1 || fail "upload failed: $(cat "$work/upload.log")"

# --- The app under @pyroscope/nodejs, run from the uploaded checkout.
(
  cd "$repo/app" &&
    NODE_PATH="$here/node_modules" SRCLINK_URL="$base" SRCLINK_API_KEY="$key" GIT_SHA="$sha" \
      DEBUG=pyroscope node server.js
) >"$work/app.log" 2>&1 || fail "the profiled app failed: $(cat "$work/app.log")"
grep -q '"path":"/ingest"' "$work/serve.log" ||
  fail "the app sent nothing to /ingest: $(cat "$work/app.log")"
grep '"path":"/ingest"' "$work/serve.log" | grep -q '"status":200' ||
  fail "srclink refused the profile: $(grep ingest "$work/serve.log") $(cat "$work/app.log")"

get() { curl -fsS -H "Authorization: Bearer $key" "$base$1"; }
services="$(get /api/v1/profiles/services)" || fail "services: $(cat "$work/serve.log" | tail -5)"
flame="$(get "/api/v1/profiles/flamegraph?service=checkout-node&type=wall:nanoseconds&from=0")" ||
  fail "flamegraph failed"
# The function as the flame graph names it: @pyroscope/nodejs names frames
# "FILE:FUNCTION:LINE" ("./server.js:burn:9").
burn_name="$(FLAME="$flame" python3 -c '
import json, os
stack = [json.loads(os.environ["FLAME"])["flamegraph"]]
while stack:
    node = stack.pop()
    if ":burn:" in node["name"] or node["name"] == "burn":
        print(node["name"]); break
    stack.extend(node["children"])
')"
[[ -n "$burn_name" ]] || fail "burn is not in the flame graph: $(echo "$flame" | head -c 2000)"
encoded="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$burn_name")"
fn="$(get "/api/v1/profiles/function?service=checkout-node&type=wall:nanoseconds&from=0&name=$encoded")" ||
  fail "function details of $burn_name failed"

SERVICES="$services" FLAME="$flame" FN="$fn" SHA="$sha" BURN_LINE="$burn_line" python3 - <<'PY' ||
import json, os, sys

def check(ok, what):
    if not ok:
        print("FAIL: pyroscope_nodejs_test: " + what, file=sys.stderr)
        sys.exit(1)

services = json.loads(os.environ["SERVICES"])["services"]
names = {s["service"]: [t["type"] for t in s["profile_types"]] for s in services}
check("checkout-node" in names, "checkout-node not listed: %s" % services)
check("wall:nanoseconds" in names["checkout-node"], "no wall profile: %s" % names)

flame = json.loads(os.environ["FLAME"])
check(flame["total"] > 0, "empty flame graph: %s" % str(flame)[:500])
check(flame["commits"][0]["commit"] == os.environ["SHA"], "commit not resolved: %s" % flame["commits"])

fn = json.loads(os.environ["FN"])
check(fn["commit"] == os.environ["SHA"], "function at the wrong commit: %s" % fn["commit"])
check(fn["self"] > 0 and fn["total"] >= fn["self"], "burn has no samples: %s" % str(fn)[:500])
burn_files = [f for f in fn["files"] if f["file"].endswith("server.js")]
check(burn_files, "burn's file missing: %s" % fn["files"])
f = burn_files[0]
check(f["resolution"]["status"] == "resolved" and f["resolution"]["path"] == "app/server.js",
      "not resolved to app/server.js: %s" % f["resolution"])
check(f["start_line"] == int(os.environ["BURN_LINE"]), "start line %s, want %s" % (f["start_line"], os.environ["BURN_LINE"]))
check(f["resolution"]["links"]["file"] ==
      "https://github.com/acme/shop/blob/%s/app/server.js#L%s" % (os.environ["SHA"], os.environ["BURN_LINE"]),
      "link: %s" % f["resolution"]["links"])
lines = {l["line"]: l for l in f["lines"]}
check(lines and all(int(os.environ["BURN_LINE"]) <= n <= int(os.environ["BURN_LINE"]) + 7 for n in lines),
      "lines outside burn: %s" % sorted(lines))
check(sum(l["self"] for l in lines.values()) == fn["self"], "self per line does not add up")
check("code" in f and any("Math.sqrt" in c for c in f["code"]["lines"]), "no code: %s" % f.get("code_error"))
print("pyroscope_nodejs_test: burn at app/server.js:%s, %d lines with samples, self %d ns of %d"
      % (os.environ["BURN_LINE"], len(lines), fn["self"], flame["total"]))
PY
  exit 1
echo "pyroscope_nodejs_test: ok"
