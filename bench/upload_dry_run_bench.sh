#!/usr/bin/env bash
# `srclink upload --dry-run` on a 100,000-file checkout, timed against
# `git ls-files` and `datadog-ci git-metadata upload --dry-run --no-gitsync`
# on the same checkout, in the same run (so the ratios mean something even
# on a loaded machine).
#
# Usage: bench/upload_dry_run_bench.sh [--srclink PATH] [--cache DIR] [--files N]
#                                      [--runs N] [--no-datadog-ci] [--check]
#   --srclink  the srclink binary (default: build/srclink)
#   --cache    where the generated repository is kept and reused
#              (default: ${TMPDIR:-/tmp}/srclink-bench)
#   --files    tracked files in the generated repository (default 100000)
#   --runs     timed runs per tool, after one untimed warm-up (default 10)
#   --check    exit 1 when a target is missed: srclink ≤ 1.5× git ls-files,
#              and ≥ 10× faster than datadog-ci
#
# The repository is written with one `git fast-import` stream (every file has
# distinct contents, so 100,000 blobs) and checked out once; later runs reuse
# it. datadog-ci comes from tests/integration/node_modules (`npm ci` there);
# it is pointed at a closed local port and never reaches the network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
srclink="$root/build/srclink"
cache="${TMPDIR:-/tmp}/srclink-bench"
files=100000
runs=10
check=0
with_datadog=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --srclink) srclink="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --check) check=1; shift ;;
    --no-datadog-ci) with_datadog=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x "$srclink" ]] || { echo "no srclink binary at $srclink: build it or pass --srclink" >&2; exit 2; }
datadog_ci="$root/tests/integration/node_modules/.bin/datadog-ci"
if [[ $with_datadog -eq 1 && ! -x "$datadog_ci" ]]; then
  echo "$datadog_ci is missing: run (cd $root/tests/integration && npm ci), or pass --no-datadog-ci" >&2
  exit 2
fi

mkdir -p "$cache"
# Where output goes while timing: a null device of our own when we may make
# one (in some sandboxes /dev/null is a regular file, so writing to it costs
# real work and its contents are not empty), else a file truncated each time.
sink="$cache/null"
if [[ ! -c "$sink" ]]; then
  rm -f "$sink"
  mknod "$sink" c 1 3 2>/dev/null || : >"$sink"
fi
# Git isolated from the user's configuration (an empty file, not /dev/null: see above).
: >"$cache/empty-gitconfig"
export GIT_CONFIG_GLOBAL="$cache/empty-gitconfig" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=srclink GIT_AUTHOR_EMAIL=srclink@example.com
export GIT_COMMITTER_NAME=srclink GIT_COMMITTER_EMAIL=srclink@example.com

repo="$cache/repo-$files"
if [[ ! -f "$repo/.git/srclink-bench-ready" ]]; then
  echo "generating a $files-file repository in $repo ..." >&2
  rm -rf "$repo"
  mkdir -p "$repo"
  git -C "$repo" init -q -b main
  # 50 projects × 20 packages × 5 directories × 20 files = 100,000 (about 6,000 trees),
  # in JS, Python, Go and Java names; each file's contents name the file.
  awk -v n="$files" 'BEGIN {
    split("js py go java", ext, " ");
    printf "commit refs/heads/main\ncommitter srclink <srclink@example.com> 1700000000 +0000\ndata 5\ninit\n";
    for (i = 0; i < n; i++) {
      p = int(i / 2000); s = int(i / 100) % 20; d = int(i / 20) % 5; e = ext[p % 4 + 1];
      path = sprintf("project%02d/src/package%02d/dir%d/file%06d.%s", p, s, d, i, e);
      body = sprintf("// %s\nexport const value%d = %d;\n", path, i, i);
      printf "M 100644 inline %s\ndata %d\n%s\n", path, length(body), body;
    }
  }' | git -C "$repo" fast-import --quiet
  git -C "$repo" checkout -q -f main
  git -C "$repo" remote add origin https://github.com/acme/mono.git
  touch "$repo/.git/srclink-bench-ready"
fi
tracked="$(git -C "$repo" ls-files | wc -l | tr -d ' ')"

# Times `"$@"` (output discarded) `runs` times after one warm-up; prints the
# median in seconds. Fails when the command fails.
median_seconds() {
  local times=() start end
  "$@" >"$sink" 2>&1 || { echo "failed: $*" >&2; "$@" >&2 || true; return 1; }
  for ((r = 0; r < runs; r++)); do
    [[ -c "$sink" ]] || : >"$sink"
    start=$(date +%s%N)
    "$@" >"$sink" 2>&1
    end=$(date +%s%N)
    times+=($((end - start)))
  done
  printf '%s\n' "${times[@]}" | sort -n |
    awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4f\n", m / 1e9 }'
}

run_git() { git -C "$repo" ls-files; }
run_srclink() { "$srclink" upload --dry-run -C "$repo"; }
dead_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
run_datadog() {
  (cd "$repo" && env -u DD_API_KEY -u DD_SITE DATADOG_API_KEY=dummy DATADOG_SITE=datadoghq.invalid \
    DATADOG_SOURCEMAP_INTAKE_URL="http://127.0.0.1:$dead_port" \
    HTTPS_PROXY="http://127.0.0.1:$dead_port" HTTP_PROXY="http://127.0.0.1:$dead_port" \
    DD_CIVISIBILITY_AGENTLESS_ENABLED=false \
    "$datadog_ci" git-metadata upload --dry-run --no-gitsync)
}

# The dry run must list every tracked file.
if ! run_srclink | grep -q "^$tracked tracked file paths will be reported"; then
  echo "srclink upload --dry-run did not report $tracked files:" >&2
  run_srclink >&2
  exit 1
fi

echo "repository: $repo ($tracked tracked files), $runs runs each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -c "$sink" ]] || echo "note: output goes to a regular file ($sink): no null device could be made"
git_s="$(median_seconds run_git)"
srclink_s="$(median_seconds run_srclink)"
datadog_s=""
if [[ $with_datadog -eq 1 ]]; then datadog_s="$(median_seconds run_datadog)"; fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-48s %10s %10s\n' "command" "median s" "ratio"
printf '%-48s %10s %10s\n' "git ls-files" "$git_s" "1.00"
printf '%-48s %10s %10s\n' "srclink upload --dry-run" "$srclink_s" "$(ratio "$srclink_s" "$git_s")"
if [[ -n "$datadog_s" ]]; then
  printf '%-48s %10s %10s\n' "datadog-ci git-metadata upload --dry-run" "$datadog_s" \
    "$(ratio "$datadog_s" "$git_s")"
fi

status=0
vs_git="$(ratio "$srclink_s" "$git_s")"
if awk -v r="$vs_git" 'BEGIN { exit !(r <= 1.5) }'; then
  echo "target srclink ≤ 1.5× git ls-files: met (${vs_git}×)"
else
  echo "target srclink ≤ 1.5× git ls-files: MISSED (${vs_git}×)"
  status=1
fi
if [[ -n "$datadog_s" ]]; then
  speedup="$(ratio "$datadog_s" "$srclink_s")"
  if awk -v r="$speedup" 'BEGIN { exit !(r >= 10) }'; then
    echo "target srclink ≥ 10× faster than datadog-ci: met (${speedup}×)"
  else
    echo "target srclink ≥ 10× faster than datadog-ci: MISSED (${speedup}×)"
    status=1
  fi
fi
if [[ $check -eq 1 ]]; then exit $status; fi
exit 0
