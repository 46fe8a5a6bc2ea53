#!/usr/bin/env bash
# Function details over a 20 MB pprof: srclink against `go tool pprof -list`,
# in the same run, on the same file (issue #5: at least 10x faster, with the
# same self and total per line).
#
#   bench/function_details_vs_pprof.sh --srclink build/srclink [--runs 5] [--mb 20]
#
# A synthetic Go-like CPU profile of about MB megabytes (uncompressed) is
# written by the embedded generator (5,000 functions in 500 files, stacks 10-40
# deep drawn from a pool of 20,000, the hottest function main.hot at the leaf of
# a third of them), gzipped as Go writes it, pushed once to a `srclink serve` on
# loopback (SQLite in a temporary directory), then:
#   - srclink: GET /api/v1/profiles/function?name=main.hot, `runs` times (wall
#     time per request, the median);
#   - pprof:   go tool pprof -list '^main\.hot$' -unit=ns FILE, `runs` times
#     (wall time per run, the median).
# Both listings are compared line by line (self = flat, total = cum) before the
# times are printed; the script fails if they differ.
set -euo pipefail

srclink="" runs=5 mb=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --srclink) srclink="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --mb) mb="$2"; shift 2 ;;
    *) echo "usage: $0 --srclink PATH [--runs N] [--mb MB]" >&2; exit 2 ;;
  esac
done
[[ -x "$srclink" ]] || { echo "--srclink must name the srclink executable" >&2; exit 2; }
command -v go >/dev/null || { echo "go is not installed (apt-get install golang-go)" >&2; exit 2; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work" GOCACHE="$work/gocache" GOPATH="$work/gopath" GOPROXY=off GOTOOLCHAIN=local

# --- The profile: protobuf written by hand (varints), gzipped.
MB="$mb" OUT="$work/cpu.pprof" SRC="$work/src" python3 - <<'PY'
import gzip, os, random

def varint(n, out):
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return

def field_varint(num, n, out):
    varint(num << 3, out)
    varint(n, out)

def field_bytes(num, data, out):
    varint((num << 3) | 2, out)
    varint(len(data), out)
    out.extend(data)

random.seed(7)
strings = ["", "samples", "count", "cpu", "nanoseconds"]
def sid(s):
    strings.append(s)
    return len(strings) - 1

body = bytearray()
# sample_type (1): samples/count, cpu/nanoseconds
for t, u in ((1, 2), (3, 4)):
    vt = bytearray(); field_varint(1, t, vt); field_varint(2, u, vt); field_bytes(1, vt, body)

functions, locations = 5000, 0
files = [sid("shop/pkg%d/file%d.go" % (i % 50, i)) for i in range(500)]
# pprof -list prints lines only when it finds the source: main.hot's file.
src = os.path.join(os.environ["SRC"], "shop/pkg0/file0.go")
os.makedirs(os.path.dirname(src), exist_ok=True)
with open(src, "w") as f:
    f.write("".join("// line %d\n" % n for n in range(1, 1000)))
names = [sid("main.hot")] + [sid("shop/pkg%d.Func%d" % (i % 50, i)) for i in range(1, functions)]
starts = [10 + (i * 37) % 900 for i in range(functions)]
# function (5): id 1, name 2, system_name 3, filename 4, start_line 5
for i in range(functions):
    f = bytearray()
    field_varint(1, i + 1, f); field_varint(2, names[i], f); field_varint(3, names[i], f)
    field_varint(4, files[i % 500], f); field_varint(5, starts[i], f)
    field_bytes(5, f, body)
# location (4): id 1, address 3, line 4 {function_id 1, line 2}; 10 lines of each function
loc_of = {}
for i in range(functions):
    for k in range(10):
        locations += 1
        loc_of[(i, k)] = locations
        loc = bytearray(); field_varint(1, locations, loc); field_varint(3, 0x400000 + locations * 16, loc)
        ln = bytearray(); field_varint(1, i + 1, ln); field_varint(2, starts[i] + 1 + k, ln)
        field_bytes(4, ln, loc)
        field_bytes(4, loc, body)
# A pool of stacks (leaf first); main.hot is the leaf of a third of them.
pool = []
for p in range(20000):
    depth = random.randint(10, 40)
    stack = [loc_of[(random.randrange(1, functions), random.randrange(10))] for _ in range(depth)]
    if p % 3 == 0:
        stack[0] = loc_of[(0, random.randrange(10))]
    if p % 7 == 0:
        stack[depth // 2] = loc_of[(0, random.randrange(10))]  # recursion through main.hot
    pool.append(stack)
target = int(os.environ["MB"]) * 1000 * 1000
while len(body) < target:
    stack = random.choice(pool)
    s = bytearray()
    ids = bytearray()
    for l in stack: varint(l, ids)
    field_bytes(1, ids, s)
    n = random.randint(1, 5)
    vals = bytearray(); varint(n, vals); varint(n * 10000000, vals)
    field_bytes(2, vals, s)
    field_bytes(2, s, body)
for s in strings:
    field_bytes(6, s.encode(), body)
field_varint(9, 1700000000000000000, body)   # time_nanos
field_varint(10, 10000000000, body)          # duration_nanos
pt = bytearray(); field_varint(1, 3, pt); field_varint(2, 4, pt); field_bytes(11, pt, body)
field_varint(12, 10000000, body)             # period
with open(os.environ["OUT"], "wb") as f:
    f.write(gzip.compress(bytes(body), 1))
print("profile: %.1f MB uncompressed, %d functions, %d locations" % (len(body) / 1e6, functions, locations))
PY

# --- srclink serve; push the profile once.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
"$srclink" serve --listen "127.0.0.1:$port" --data "$work/data" --no-auth >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sS -w '\n%{time_total}' -H "Content-Type: application/octet-stream" --data-binary "@$work/cpu.pprof" "$base/ingest?name=bench.cpu&format=pprof&from=1700000000&until=1700000010" \
  >"$work/ingest.json" && grep -q profile_types "$work/ingest.json" || { echo "ingest failed: $(cat "$work/ingest.json")" >&2; exit 1; }
echo "ingest (once, not counted below): $(tail -1 "$work/ingest.json") s for the gzipped ${mb} MB profile;" \
  "database now $(du -cb "$work/data"/srclink.db* | tail -1 | cut -f1) bytes"

BASE="$base" FILE="$work/cpu.pprof" SRC="$work/src" RUNS="$runs" python3 - <<'PY'
import json, os, re, statistics, subprocess, sys, time, urllib.request

url = os.environ["BASE"] + "/api/v1/profiles/function?service=bench&type=cpu:nanoseconds&from=0&name=main.hot"
srclink_times, answer = [], None
for _ in range(int(os.environ["RUNS"])):
    t = time.perf_counter()
    answer = json.load(urllib.request.urlopen(url))
    srclink_times.append(time.perf_counter() - t)
# main.hot is in one file: compare line by line.
got = {}
for f in answer["files"]:
    for l in f["lines"]:
        got[l["line"]] = (l["self"], l["total"])

pprof_times, listing = [], ""
for _ in range(int(os.environ["RUNS"])):
    t = time.perf_counter()
    listing = subprocess.run(["go", "tool", "pprof", "-list", r"^main\.hot$", "-unit=ns",
                              "-source_path", os.environ["SRC"], os.environ["FILE"]],
                             check=True, capture_output=True, text=True).stdout
    pprof_times.append(time.perf_counter() - t)
want = {}
for row in listing.splitlines():
    m = re.match(r"\s*(\S+)\s+(\S+)\s+(\d+):", row)
    if m and not (m.group(1) == "." and m.group(2) == "."):
        v = lambda s: 0 if s == "." else int(s.rstrip("ns"))
        want[int(m.group(3))] = (v(m.group(1)), v(m.group(2)))
if got != want:
    print("per-line figures differ:\n srclink %s\n pprof   %s" % (sorted(got.items())[:10], sorted(want.items())[:10]))
    sys.exit(1)
s, p = statistics.median(srclink_times), statistics.median(pprof_times)
print("main.hot: %d lines, self and total per line identical to go tool pprof -list" % len(got))
print("srclink /api/v1/profiles/function: median %.1f ms over %d requests" % (s * 1000, len(srclink_times)))
print("go tool pprof -list:               median %.0f ms over %d runs" % (p * 1000, len(pprof_times)))
print("srclink is %.0fx faster (target >= 10x: %s)" % (p / s, "met" if p / s >= 10 else "NOT met"))
PY
