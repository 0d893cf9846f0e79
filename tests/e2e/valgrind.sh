#!/bin/bash
# Memcheck over the end-to-end runs (issue 6): batch against the in-process
# demo server, a replay, and --serve-demo serving several clients until
# SIGTERM.  Any invalid access or definite/indirect leak fails the test.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
command -v valgrind >/dev/null || skip "valgrind is not installed"
# AddressSanitizer and valgrind cannot watch the same process; the
# sanitizer build checks memory its own way.
! grep -q __asan_init "$SMTPSCOPE" 2>/dev/null ||
    skip "this smtpscope is built with AddressSanitizer"

vg=(valgrind --quiet --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --track-fds=no)

# Run smtpscope under memcheck; its log lands in $E2E_DIR/vg.<name>.
vg_scope()
{
	local name=$1
	shift
	E2E_LAST_CMD="valgrind smtpscope $*"
	timeout -k 5 120 "${vg[@]}" --log-file="$E2E_DIR/vg.$name" \
	    "$SMTPSCOPE" "$@" </dev/null >"$E2E_DIR/out" 2>"$E2E_DIR/err"
	RC=$?
	[ "$RC" -ne 99 ] || { cat "$E2E_DIR/vg.$name" >&2;
	    fail "memcheck found errors in: smtpscope $*"; }
}

printf 'demo-password\n' > "$E2E_DIR/demo-pw"
vg_scope batch --json --demo --user demo --password-file "$E2E_DIR/demo-pw" \
    --save "$E2E_DIR/s.smtpscope"
expect_rc 0 "batch against the demo under memcheck"
expect_json '.auth.code == 235' "AUTH reached 235"

vg_scope replay --batch --replay "$E2E_DIR/s.smtpscope"
expect_rc 0 "replay under memcheck"
expect_text 'AUTH PLAIN LOGIN' "the replayed capability table"

vg_scope hostile --json --demo response-injection
expect_rc 0 "a demo that injects plaintext after STARTTLS"

# The demo server alone, under memcheck, serving clients, then SIGTERM.
"${vg[@]}" --log-file="$E2E_DIR/vg.serve" "$SMTPSCOPE" --serve-demo \
    127.0.0.1:0 </dev/null >"$E2E_DIR/serve.out" 2>"$E2E_DIR/serve.err" &
serve_pid=$!
for i in $(seq 1 300); do
	grep -q 'port [0-9]' "$E2E_DIR/serve.out" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' \
    "$E2E_DIR/serve.out")
[ -n "$port" ] || { kill "$serve_pid"; fail "no port announced"; }
for i in 1 2 3; do
	scope --json --no-verify --user demo --password-file \
	    "$E2E_DIR/demo-pw" "127.0.0.1:$port"
	expect_rc 0 "client $i of the demo server under memcheck"
done
kill -TERM "$serve_pid"
wait "$serve_pid"
serve_rc=$?
[ "$serve_rc" -ne 99 ] || { cat "$E2E_DIR/vg.serve" >&2;
    fail "memcheck found errors in --serve-demo"; }
[ "$serve_rc" -eq 0 ] || fail "--serve-demo exited $serve_rc on SIGTERM"
echo "ok: memcheck clean on batch, replay and --serve-demo"
