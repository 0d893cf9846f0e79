#!/bin/bash
# --serve-demo: the demo server alone, for any client.  It prints where it
# listens and the demo credentials, serves smtpscope and swaks, refuses
# AUTH before TLS, and exits 0 on SIGTERM.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

"$SMTPSCOPE" --serve-demo 127.0.0.1:0 </dev/null >"$E2E_DIR/serve.out" 2>"$E2E_DIR/serve.err" &
serve_pid=$!
e2e_pids+=("$serve_pid")
for i in $(seq 1 100); do
	grep -q 'port [0-9]' "$E2E_DIR/serve.out" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$E2E_DIR/serve.out")
[ -n "$port" ] || { cat "$E2E_DIR/serve.out" "$E2E_DIR/serve.err" >&2; fail "no port announced"; }
grep -q '^user: *demo$' "$E2E_DIR/serve.out" || fail "the demo user is not printed"
grep -q '^password: *demo-password$' "$E2E_DIR/serve.out" || fail "the demo password is not printed"

# Its CA is generated at start-up and not in the system store.
scope --json "127.0.0.1:$port"
expect_rc 4 "the demo's certificate is not trusted from outside"
scope --json --no-verify "127.0.0.1:$port"
expect_rc 0 "default probe with --no-verify"
expect_json '[.capabilities.after_tls[].keyword] | index("AUTH") != null' "AUTH after TLS"

printf 'demo-password\n' > "$E2E_DIR/demo-pw"
scope --json --no-verify --user demo --password-file "$E2E_DIR/demo-pw" "127.0.0.1:$port"
expect_rc 0 "AUTH with the demo credentials"
expect_json '.auth.code == 235' "235"

scope --json --user demo --password-file "$E2E_DIR/demo-pw" --steps ehlo,auth "127.0.0.1:$port"
expect_rc 5 "AUTH before TLS"
expect_json '.result.code == 530' "530"

if command -v swaks >/dev/null; then
	timeout 30 swaks --server "127.0.0.1:$port" --tls --auth PLAIN \
	    --auth-user demo --auth-password demo-password \
	    --to someone@example.org --from demo@example.org \
	    </dev/null >"$E2E_DIR/swaks.out" 2>&1 ||
	    { cat "$E2E_DIR/swaks.out" >&2; fail "swaks could not send through --serve-demo"; }
	grep -q '235' "$E2E_DIR/swaks.out" || fail "swaks saw no 235"
else
	e2e_log "swaks not installed: skipping the third-party client check"
fi

kill -TERM "$serve_pid"
rc=0
wait "$serve_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "--serve-demo exited $rc on SIGTERM"
exit 0
