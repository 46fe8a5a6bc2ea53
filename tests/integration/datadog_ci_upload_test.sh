#!/usr/bin/env bash
# End-to-end: the real `datadog-ci git-metadata upload` (pinned in
# package.json, installed into tests/integration/node_modules by
# scripts/setup with `npm ci`) uploads a fixture repository to
# `srclink serve`, and srclink lists the commit with its file count.
#
# Usage: SRCLINK_BINARY=build/srclink tests/integration/datadog_ci_upload_test.sh
# Needs: git, node, curl, python3. Talks to 127.0.0.1 only: every other
# destination datadog-ci might try (metrics flush to api.<DATADOG_SITE>) is
# sent to a closed local proxy port.
set -euo pipefail

TEST_NAME=datadog_ci_upload_test
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"  # fail, work, free_port, start_serve, an isolated git
datadog_ci="$here/node_modules/.bin/datadog-ci"
[[ -x "$datadog_ci" ]] || fail "$datadog_ci is missing; run: (cd $here && npm ci)"
for tool in git node curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

# --- Fixture repository.
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
repo="$work/shop"
mkdir -p "$repo/src" "$repo/dir with space"
git -C "$repo" init -q -b main
echo 'int main() {}' >"$repo/src/main.cc"
echo '# shop' >"$repo/README.md"
echo 'x' >"$repo/dir with space/$(printf '\xc3\xbc').txt"  # git ls-files quotes this one
git -C "$repo" add -A
git -C "$repo" -c commit.gpgsign=false commit -q -m init
git -C "$repo" remote add origin https://github.com/acme/shop.git
sha="$(git -C "$repo" rev-parse HEAD)"
expected_files="$(git -C "$repo" ls-files | wc -l | tr -d ' ')"

# --- srclink serve.
start_serve --no-auth

# --- datadog-ci, pointed at srclink; anything else goes to a closed port.
dead_proxy="http://127.0.0.1:$(free_port)"
set +e
(
  cd "$repo" &&
    env -u DD_API_KEY -u DATADOG_SITE -u DD_SITE \
      DATADOG_API_KEY=srclink-test \
      DATADOG_SOURCEMAP_INTAKE_URL="$base" \
      DD_SITE=datadoghq.invalid \
      HTTPS_PROXY="$dead_proxy" HTTP_PROXY="$dead_proxy" https_proxy="$dead_proxy" http_proxy="$dead_proxy" \
      NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
      DD_CIVISIBILITY_AGENTLESS_ENABLED=false \
      "$datadog_ci" git-metadata upload --no-gitsync
) >"$work/datadog-ci.log" 2>&1
status=$?
set -e
[[ $status -eq 0 ]] || fail "datadog-ci git-metadata upload exited $status: $(cat "$work/datadog-ci.log")"
grep -q "Successfully uploaded tracked files" "$work/datadog-ci.log" ||
  fail "datadog-ci did not report success: $(cat "$work/datadog-ci.log")"

# --- The commit is stored with every tracked file.
repository_id="github.com/acme/shop"
encoded_id="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$repository_id")"
commits="$(curl -fsS "$base/api/v1/repositories/$encoded_id/commits")" ||
  fail "GET /api/v1/repositories/$encoded_id/commits failed: $(cat "$work/serve.log")"
python3 - "$commits" "$sha" "$expected_files" <<'PY' || fail "commit listing is wrong: $commits"
import json, sys
doc, sha, expected = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
commits = doc.get("commits", doc) if isinstance(doc, dict) else doc
match = [c for c in commits if c.get("commit_sha") == sha]
if not match:
    sys.exit(f"commit {sha} not listed")
c = match[0]
if c.get("file_count") != expected:
    sys.exit(f"file_count {c.get('file_count')}, expected {expected}")
if c.get("source") not in (None, "datadog-ci"):
    sys.exit(f"source {c.get('source')!r}, expected 'datadog-ci'")
PY

echo "PASS: datadog_ci_upload_test: datadog-ci $(node -p "require('$here/node_modules/@datadog/datadog-ci/package.json').version") uploaded $sha ($expected_files files) to srclink serve"
