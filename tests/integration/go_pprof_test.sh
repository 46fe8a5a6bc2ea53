#!/usr/bin/env bash
# Profiles from Go: a Go program (Debian's golang-go) profiles itself with
# runtime/pprof; its checkout is uploaded to `srclink serve` and its pprof
# file is pushed to /ingest as the Pyroscope clients do (gzipped pprof,
# service_repository / service_git_ref labels). srclink's function details of
# the hot function must give, line by line, the same self and total as
# `go tool pprof -list`, at the uploaded commit, with code and links.
#
# Usage: SRCLINK_BINARY=build/srclink tests/integration/go_pprof_test.sh
# Needs: git, go, curl, python3.
set -euo pipefail

TEST_NAME=go_pprof_test
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
for tool in git go curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install golang-go)"
done


export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local

# --- The repository: a Go module with the program as cmd/burner/main.go.
repo="$work/shop"
mkdir -p "$repo/cmd/burner"
printf 'module github.com/acme/shop\n\ngo 1.19\n' >"$repo/go.mod"
cp "$here/go_pprof_app.go" "$repo/cmd/burner/main.go"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c commit.gpgsign=false commit -q -m init
git -C "$repo" remote add origin https://github.com/acme/shop.git
sha="$(git -C "$repo" rev-parse HEAD)"
(cd "$repo" && go build -o "$work/burner" ./cmd/burner) >"$work/build.log" 2>&1 ||
  fail "go build failed: $(cat "$work/build.log")"
"$work/burner" "$work/cpu.pprof" || fail "the program failed"

# --- srclink serve with keys; upload; push the profile.
start_serve
SRCLINK_API_KEY="$key" "$SRCLINK_BINARY" upload --directory "$repo" --server "$base" \
  >"$work/upload.log" 2>&1 || fail "upload failed: $(cat "$work/upload.log")"
name="burner.cpu{service_repository=https://github.com/acme/shop,service_git_ref=main}"
curl -fsS -H "Authorization: Bearer $key" --data-binary "@$work/cpu.pprof" \
  -H 'Content-Type: application/octet-stream' \
  "$base/ingest?name=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$name")&format=pprof&spyName=gospy" \
  >"$work/ingest.json" || fail "ingest refused: $(tail -3 "$work/serve.log")"

fn="$(curl -fsS -H "Authorization: Bearer $key" \
  "$base/api/v1/profiles/function?service=burner&type=cpu:nanoseconds&from=0&name=main.burn")" ||
  fail "function details failed: $(tail -3 "$work/serve.log")"
go tool pprof -list '^main\.burn$' -unit=ns "$work/cpu.pprof" >"$work/list.txt" 2>"$work/list.err" ||
  fail "go tool pprof failed: $(cat "$work/list.err")"

FN="$fn" SHA="$sha" LIST="$work/list.txt" python3 - <<'PY' || exit 1
import json, os, re, sys

def check(ok, what):
    if not ok:
        print("FAIL: go_pprof_test: " + what, file=sys.stderr)
        sys.exit(1)

# go tool pprof -list: "  flat  cum  LINE: source", "." for zero, values in ns.
want = {}
for row in open(os.environ["LIST"]):
    m = re.match(r"\s*(\S+)\s+(\S+)\s+(\d+):", row)
    if not m or (m.group(1) == "." and m.group(2) == "."):
        continue
    v = lambda s: 0 if s == "." else int(s.rstrip("ns"))
    want[int(m.group(3))] = (v(m.group(1)), v(m.group(2)))
check(want, "go tool pprof listed no samples:\n" + open(os.environ["LIST"]).read())

fn = json.loads(os.environ["FN"])
check(fn["commit"] == os.environ["SHA"], "the ref main was not resolved: %s" % fn["commit"])
files = [f for f in fn["files"] if f["file"].endswith("main.go")]
check(len(files) == 1, "main.go missing: %s" % [f["file"] for f in fn["files"]])
f = files[0]
got = {l["line"]: (l["self"], l["total"]) for l in f["lines"]}
check(got == want, "per-line self/total differ from go tool pprof -list:\n srclink %s\n pprof   %s"
      % (sorted(got.items()), sorted(want.items())))
check(f["resolution"]["path"] == "cmd/burner/main.go", "resolved to %s" % f["resolution"])
check(f["resolution"]["links"]["blame"].startswith(
      "https://github.com/acme/shop/blame/%s/cmd/burner/main.go#L" % os.environ["SHA"]), "links")
start = f["code"]["start_line"]
code = f["code"]["lines"]
hot = max(got, key=lambda n: got[n][0])
check("math.Sqrt" in code[hot - start], "the hottest line's code: %r" % code[hot - start])
print("go_pprof_test: main.burn, %d lines agree with go tool pprof -list (hottest %s:%d, self %d ns)"
      % (len(got), f["resolution"]["path"], hot, got[hot][0]))
PY
echo "go_pprof_test: ok"
