#!/bin/bash
# --rerun FILE TARGET: a session saved from the demo's no-starttls profile
# sent again to the default profile shows the STARTTLS difference, in text
# and JSON; AUTH is skipped with a note without credentials and sent with
# them; a session against --serve-demo by HOST:PORT works too.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
printf 'demo-password\n' > "$E2E_DIR/demo-pw"
saved=$E2E_DIR/nostarttls.session

scope --batch --demo no-starttls --steps ehlo,noop,vrfy:postmaster,help,mail:a@example.org,rcpt:b@example.org,data,rset,starttls \
    --save "$saved"
expect_rc 5 "STARTTLS refused by the no-starttls profile"
[ -s "$saved" ] || fail "nothing saved from the no-starttls demo"

scope --rerun "$saved" --demo
expect_rc 0 "rerun against the default demo"
expect_text '^  STARTTLS +502.*\* +220 ' "STARTTLS: refused then, accepted now"
expect_text '^  STARTTLS +-- +\* +yes +only in new' "STARTTLS only in the new capability table"
expect_text 'DIFFERENT code' "a reply code differs"
expect_text '^  QUIT ' "QUIT was sent again"
expect_no_raw_controls

scope --rerun "$saved" --demo --json
expect_rc 0 "rerun --json"
expect_json '.a.title == "saved" and .b.title == "new"' "the two sides"
expect_json '[.exchanges[] | select(.verb == "STARTTLS")][0] | .status == "different-code" and .a.code == 502 and .b.code == 220' \
    "STARTTLS row"
expect_json '[.exchanges[] | select(.verb == "EHLO")][0].status == "different-text"' "EHLO row"
expect_json '[.exchanges[] | select(.verb == "NOOP")][0].status == "same"' "NOOP row"
expect_json '(.capabilities.before_tls.rows[] | select(.keyword == "STARTTLS")) | .status == "only-b" and .a == null' \
    "STARTTLS capability only in the new session"
expect_json '.differences.exchanges > 0 and .differences.capabilities > 0' "differences counted"
expect_json '[.exchanges[] | select(.verb == "body")][0] | .a.code == 250 and .b.code == 250' "DATA sent the saved body"

# A session with AUTH: skipped without credentials, sent with them.
scope --json --demo --user demo --password-file "$E2E_DIR/demo-pw" --save "$E2E_DIR/auth.session"
expect_rc 0 "save a session with AUTH"
scope --rerun "$E2E_DIR/auth.session" --demo no-starttls --json
expect_rc 0 "rerun without credentials"
expect_json '[.exchanges[] | select(.verb == "AUTH")][0] | .status == "skipped" and (.note | test("--user"))' \
    "AUTH skipped with a note"
expect_json '[.exchanges[] | select(.verb == "STARTTLS")][0] | .a.code == 220 and .b.code == 502' "STARTTLS refused now"
scope --rerun "$E2E_DIR/auth.session" --demo --user demo --password-file "$E2E_DIR/demo-pw" --json
expect_rc 0 "rerun with credentials"
expect_json '[.exchanges[] | select(.verb == "AUTH")][0] | .status == "same" and .b.code == 235' "AUTH sent again"
! grep -qF "demo-password" "$E2E_DIR/out" || fail "the password is in the rerun output"

# The demo server on its own, reached as HOST:PORT.
"$SMTPSCOPE" --serve-demo 127.0.0.1:0 --profile no-starttls </dev/null \
    >"$E2E_DIR/serve.out" 2>"$E2E_DIR/serve.err" &
e2e_pids+=("$!")
for i in $(seq 1 100); do
	grep -q 'port [0-9]' "$E2E_DIR/serve.out" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$E2E_DIR/serve.out")
[ -n "$port" ] || fail "--serve-demo announced no port"
scope --rerun "$saved" "127.0.0.1:$port" --json
expect_rc 0 "rerun against HOST:PORT"
expect_json '.differences.capabilities == 0' "the same profile: the same capabilities"
expect_json '[.exchanges[] | select(.verb == "STARTTLS")][0].status == "same"' "STARTTLS refused both times"

scope --rerun "$saved" 127.0.0.1:"$(closed_port)"
expect_rc 3 "nothing listens there"
expect_text 'MISSING' "the replies that never came are marked"

scope --rerun "$E2E_DIR/none.session" --demo
expect_rc 2 "a missing file"
scope --rerun "$saved"
expect_rc 2 "no target"
exit 0
