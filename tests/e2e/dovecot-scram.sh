#!/bin/bash
# SCRAM against a real Dovecot submission server (dovecot-submissiond):
# --auth SCRAM-SHA-256 and SCRAM-SHA-1 log in with 235 inside TLS and the
# report names the mechanism; SCRAM-SHA-256 is what smtpscope picks when
# the server offers it and no --auth is given; a wrong password is refused
# (535, exit 5); implicit TLS works the same.  The password, and its base64
# forms, appear in no output: text, JSON, the saved session, its exports.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dovecot-lib.sh"
e2e_init "$@"
dovecot_start

target=127.0.0.1:$DOVECOT_PORT
creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password")

for mech in SCRAM-SHA-256 SCRAM-SHA-1; do
	creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password")
	[ "$mech" = SCRAM-SHA-1 ] &&
	    creds=(--user "$E2E_USER_SHA1" --password-file "$E2E_DIR/password")
	scope --batch "${DOVECOT_TRUST[@]}" "${creds[@]}" --auth "$mech" "$target"
	expect_rc 0 "AUTH $mech"
	expect_text "auth $mech" "the report names $mech"
	expect_text "AUTH $mech" "the AUTH command is shown"
	expect_text '235 2\.7\.0 Logged in' "Dovecot's 235"
	expect_no_secret
	expect_no_raw_controls

	scope --json "${DOVECOT_TRUST[@]}" "${creds[@]}" --auth "$mech" "$target"
	expect_rc 0 "AUTH $mech, JSON"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 235" "JSON auth: $mech, 235"
	expect_json '[.events[] | select(.dir == "C" and (.text | startswith("AUTH")))][0].tls == true' \
	    "AUTH sent inside TLS"
	expect_json '.capabilities.after_auth | type == "array" and length > 0' "EHLO again after AUTH"
	expect_json '.setups[] | select(.id == "oauth2") | .verdict == "unknown"' \
	    "OAuth2 offered but not tried: not tested"
	expect_no_secret
done

creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password")

# No --auth: the strongest mechanism offered, SCRAM-SHA-256, is chosen.
scope --json "${DOVECOT_TRUST[@]}" "${creds[@]}" "$target"
expect_rc 0 "default mechanism"
expect_json '.auth.mechanism == "SCRAM-SHA-256" and .auth.code == 235' \
    "SCRAM-SHA-256 is the default when offered"
expect_no_secret

# Implicit TLS on the submissions port.
scope --json --tls "${DOVECOT_TRUST[@]}" "${creds[@]}" --auth SCRAM-SHA-256 \
    "127.0.0.1:$DOVECOT_TLS_PORT"
expect_rc 0 "SCRAM-SHA-256 over implicit TLS"
expect_json '.auth.mechanism == "SCRAM-SHA-256" and .auth.code == 235' "235 over implicit TLS"
expect_no_secret

# A wrong password: the server's proof check fails, 535, exit 5.
printf 'Not-the-Right-One-4412\n' > "$E2E_DIR/wrong"
scope --json "${DOVECOT_TRUST[@]}" --user "$E2E_USER" --password-file "$E2E_DIR/wrong" \
    --auth SCRAM-SHA-256 "$target"
expect_rc 5 "wrong password"
expect_json '.auth.mechanism == "SCRAM-SHA-256" and .auth.code == 535' "refused with 535"
expect_json '.result.status == "refused" and .result.code == 535' "the step is refused"
expect_no_secret
! grep -qF 'Not-the-Right-One-4412' "$E2E_DIR/out" "$E2E_DIR/err" ||
    fail "the wrong password leaks into the output"
scope --batch "${DOVECOT_TRUST[@]}" --user "$E2E_USER" --password-file "$E2E_DIR/wrong" \
    --auth SCRAM-SHA-256 "$target"
expect_rc 5 "wrong password, text report"
expect_text '535 5\.7\.8' "the server's refusal"

# The saved session and every export of it hold no secret either.
saved=$E2E_DIR/scram.session
scope --batch "${DOVECOT_TRUST[@]}" "${creds[@]}" --auth SCRAM-SHA-256 \
    --save "$saved" "$target"
expect_rc 0 "SCRAM-SHA-256 with --save"
[ -s "$saved" ] || fail "no saved session"
grep -q 'SCRAM-SHA-256' "$saved" || fail "the saved session lacks the mechanism"
for fmt in json text markdown; do
	scope --replay "$saved" --export "$fmt" -o "$E2E_DIR/export.$fmt"
	expect_rc 0 "export $fmt"
	grep -q 'SCRAM-SHA-256' "$E2E_DIR/export.$fmt" ||
	    fail "the $fmt export does not name SCRAM-SHA-256"
done
expect_no_password_in "$saved" "$E2E_DIR"/export.* "$DOVECOT_DIR/dovecot.log"
echo "ok: SCRAM-SHA-256 and SCRAM-SHA-1 against Dovecot, no secret anywhere"
exit 0
