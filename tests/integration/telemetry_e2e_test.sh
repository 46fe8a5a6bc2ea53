#!/usr/bin/env bash
# End-to-end telemetry: a repository is uploaded to `srclink serve` (keys on,
# --accept-agent-traffic), then
#   - an Express app traced by the real dd-trace (Code Origin for Spans on)
#     sends its spans as to an agent, and
#   - the real OpenTelemetry JS SDK exports spans and logs over OTLP/HTTP
#     (protobuf and JSON) with a key,
# and srclink must show each service's entry points resolved to the handler's
# file and line at the uploaded commit, with code, and the errors grouped with
# their in-app frames linked.
#
# Usage: SRCLINK_BINARY=build/srclink tests/integration/telemetry_e2e_test.sh
# Needs: git, node, curl, python3 and tests/integration/node_modules (npm ci).
set -euo pipefail

TEST_NAME=telemetry_e2e_test
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ -d "$here/node_modules/dd-trace" ]] || fail "node_modules missing; run: (cd $here && npm ci)"
for tool in git node curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done


# --- The repository: the dd-trace app as app/server.js, and the files the
# OTel app's code.* attributes name (src/routes/users.js line 42).
repo="$work/shop"
mkdir -p "$repo/app" "$repo/src/routes"
cp "$here/dd_trace_app.js" "$repo/app/server.js"
for i in $(seq 1 41); do echo "// line $i"; done >"$repo/src/routes/users.js"
echo 'function getUser (req, res) { res.json({}) }' >>"$repo/src/routes/users.js"
printf 'function charge () {}\n' >"$repo/src/payments.js"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c commit.gpgsign=false commit -q -m init
git -C "$repo" remote add origin https://github.com/acme/shop.git
sha="$(git -C "$repo" rev-parse HEAD)"

# --- srclink serve with keys, taking tracers' traffic without one.
start_serve --accept-agent-traffic
SRCLINK_API_KEY="$key" "$SRCLINK_BINARY" upload --directory "$repo" --server "$base" \
  >"$work/upload.log" 2>&1 || fail "upload failed: $(cat "$work/upload.log")"

# --- dd-trace, as to an agent (no key), from the uploaded checkout.
(
  cd "$repo/app" &&
    NODE_PATH="$here/node_modules" DD_TRACE_AGENT_URL="$base" DD_SERVICE=shop-api \
      DD_VERSION=2.0.1 DD_ENV=test DD_GIT_REPOSITORY_URL=https://github.com/acme/shop \
      DD_GIT_COMMIT_SHA="$sha" node server.js
) >"$work/dd.log" 2>&1 || fail "the dd-trace app failed: $(cat "$work/dd.log")"

# --- The OTel SDK, with the key.
OTLP_ENDPOINT="$base" OTLP_HEADERS="Authorization=Bearer%20$key" OTLP_COMMIT="$sha" \
  node "$here/otel_app.js" >"$work/otel.log" 2>&1 || fail "the OTel app failed: $(cat "$work/otel.log")"

# Aggregates are flushed once a second.
get() { curl -fsS -H "Authorization: Bearer $key" "$base$1"; }
services() {
  get '/api/v1/code-origins' |
    python3 -c 'import json,sys; print(" ".join(sorted({o["service"] for o in json.load(sys.stdin)["code_origins"]})))'
}
for _ in $(seq 1 50); do
  [[ "$(services)" == "checkout shop-api" ]] && break
  sleep 0.2
done

get '/api/v1/code-origins?snippets=true' >"$work/origins.json"
get '/api/v1/errors' >"$work/errors.json"
python3 - "$work" "$sha" "$key" "$base" <<'PY' || fail "see above; server log: $(cat "$work/serve.log")"
import json, sys, urllib.request
work, sha, key, base = sys.argv[1:5]
origins = json.load(open(work + "/origins.json"))["code_origins"]
errors = json.load(open(work + "/errors.json"))["errors"]
by = {(o["service"], o["resource"]): o for o in origins}
print("code origins:", sorted(by))
print("errors:", [(e["service"], e["type"], e["count"]) for e in errors])

def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)

# dd-trace: the route handlers, at their lines in app/server.js.
lines = open(work + "/shop/app/server.js").read().split("\n")
def line_of(marker):
    return next(i + 1 for i, l in enumerate(lines) if marker in l)
for route, marker in [("GET /users/:id", "ROUTE users"), ("GET /fail", "ROUTE fail")]:
    o = by.get(("shop-api", route))
    check(o is not None, "no code origin for shop-api " + route)
    r = o["frame"]["resolution"]
    check(r["status"] == "resolved" and r["path"] == "app/server.js", "resolution %s" % r)
    check(o["frame"]["line"] == line_of(marker), "line %s, want %s" % (o["frame"]["line"], line_of(marker)))
    check(r["links"]["file"] == "https://github.com/acme/shop/blob/%s/app/server.js#L%d" % (sha, o["frame"]["line"]), r["links"])
    check(marker in r["snippet"]["lines"][r["snippet"]["line"] - r["snippet"]["start_line"]], r["snippet"])
check(by[("shop-api", "GET /fail")]["errors"] >= 1, "the failing route's errors are counted")

# OTel: the SERVER span's code.* attributes, resolved at the uploaded commit.
o = by.get(("checkout", "GET /users/:id"))
check(o is not None, "no code origin for the OTel service")
check(o["frame"]["resolution"].get("path") == "src/routes/users.js", o)
check(o["git"]["commit"] == sha, o["git"])

# Errors: dd-trace's TypeError, with its in-app frame linked into app/server.js.
dd = [e for e in errors if e["service"] == "shop-api" and e["type"] == "TypeError"]
check(len(dd) == 1, "one dd-trace TypeError group, got %s" % errors)
req = urllib.request.Request(base + "/api/v1/errors/%d" % dd[0]["id"], headers={"Authorization": "Bearer " + key})
event = json.load(urllib.request.urlopen(req))["events"][0]
frames = [f for ex in event["exceptions"] for f in ex["frames"] if f["in_app"]]
check(frames, "in-app frames in %s" % event)
first = frames[0]["resolution"]
check(first["status"] == "resolved" and first["path"] == "app/server.js", first)
check(first["links"]["file"].startswith("https://github.com/acme/shop/blob/" + sha + "/app/server.js#L"), first)
check(frames[0]["line"] == line_of("throw new TypeError"), "error frame line %s" % frames[0]["line"])

otel = [e for e in errors if e["service"] == "checkout"]
check(otel, "OTel errors grouped: %s" % errors)
print("ok")
PY
echo "PASS: telemetry_e2e_test"
