#!/bin/bash
# --demo: the built-in teaching server in-process, trusted through its own
# CA.  The default probe, AUTH with the printed demo credentials, and the
# lesson of the story: AUTH before STARTTLS is refused with 530.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

scope --batch --json --demo
expect_rc 0 "default probe against --demo"
expect_json '.result.status == "ok" and .target.address == "127.0.0.1"' "ok on loopback"
expect_json '[.capabilities.before_tls[].keyword] | index("STARTTLS") != null and index("AUTH") == null' \
    "before TLS: STARTTLS, no AUTH"
expect_json '[.capabilities.after_tls[].keyword] | index("AUTH") != null and index("STARTTLS") == null' \
    "after TLS: AUTH, no STARTTLS"
expect_json '.tls.verified == true and .tls.sni == "localhost"' "the demo's CA is trusted"
expect_no_raw_controls

printf 'demo-password\n' > "$E2E_DIR/demo-pw"
for mech in PLAIN LOGIN; do
	scope --json --demo --user demo --password-file "$E2E_DIR/demo-pw" --auth "$mech"
	expect_rc 0 "demo credentials, AUTH $mech"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 235" "235"
	expect_json '.capabilities.after_auth != null' "EHLO after AUTH"
	! grep -qF 'demo-password' "$E2E_DIR/out" ||
	    fail "the demo password is in the JSON"
done

printf 'not-the-demo-password\n' > "$E2E_DIR/bad-pw"
scope --json --demo --user demo --password-file "$E2E_DIR/bad-pw" --auth PLAIN
expect_rc 5 "wrong demo password"
expect_json '.auth.code == 535' "535"

scope --batch --json --demo --user demo --password-file "$E2E_DIR/demo-pw" --steps ehlo,auth
expect_rc 5 "AUTH before TLS"
expect_json '.result.status == "refused" and .result.code == 530' "refused with 530"
expect_json '.auth.code == 530' "auth records 530"
expect_json '.tls == null' "no TLS was started"
! grep -qF 'demo-password' "$E2E_DIR/out" || fail "the demo password is in the JSON"

scope --batch --demo --user demo --password-file "$E2E_DIR/demo-pw" --steps ehlo,auth
expect_rc 5 "AUTH before TLS, text"
expect_text '530 5\.7\.0' "the 530 5.7.0 reply"
expect_text 'Capabilities' "the capability table"
exit 0
