# Shared by the integration scripts that start `srclink serve` (sourced, not
# run). The caller sets TEST_NAME before sourcing. Gives:
#   fail MESSAGE      print "FAIL: $TEST_NAME: MESSAGE" and exit 1
#   work              a temporary directory, removed (and the server stopped) on exit
#   free_port         a free TCP port on 127.0.0.1
#   start_serve ARGS  `srclink keys create` (sets key), `srclink serve` on a free
#                     loopback port with ARGS (sets base, server_pid; logs to
#                     $work/serve.log), waiting for /healthz
# and a git environment isolated from the machine's (identity, config in $work).

fail() { echo "FAIL: $TEST_NAME: $*" >&2; exit 1; }

[[ -x "${SRCLINK_BINARY:-}" ]] || fail "set SRCLINK_BINARY to the srclink executable"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

: >"$work/gitconfig"
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1 HOME="$work"
export GIT_AUTHOR_NAME=srclink GIT_AUTHOR_EMAIL=srclink@example.com
export GIT_COMMITTER_NAME=srclink GIT_COMMITTER_EMAIL=srclink@example.com

start_serve() {
  local data="$work/data" port
  key="$("$SRCLINK_BINARY" keys create --data "$data" --name e2e --scope upload,read 2>/dev/null)"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  "$SRCLINK_BINARY" serve --listen "127.0.0.1:$port" --data "$data" "$@" >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "srclink serve exited: $(cat "$work/serve.log")"
    sleep 0.1
  done
  fail "srclink serve did not answer $base/healthz within 10 s: $(cat "$work/serve.log")"
}
