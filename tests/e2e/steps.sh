#!/bin/bash
# --steps runs an explicit sequence against Exim, in that order, including
# a whole mail transaction; bad step lists and bad usage exit 2.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password")
scope --json "${EXIM_TRUST[@]}" "${creds[@]}" --auth LOGIN \
    --steps ehlo,starttls,ehlo,auth,noop,rset,quit "127.0.0.1:$EXIM_PORT"
expect_rc 0 "explicit steps"
expect_json '[.events[] | select(.dir == "C") | .text | select(test("^[A-Z]+(\\\\r| )")) | split(" ")[0] | rtrimstr("\\r\\n")] == ["EHLO", "STARTTLS", "EHLO", "AUTH", "NOOP", "RSET", "QUIT"]' \
    "commands in the order given"
expect_json '.auth.code == 235' "AUTH LOGIN inside the sequence"
expect_no_secret

scope --json "${EXIM_TRUST[@]}" "${creds[@]}" --from '<alice@example.org>' --to '<bob@example.org>' \
    --steps ehlo,starttls,ehlo,auth,mail,rcpt,data,quit "127.0.0.1:$EXIM_PORT"
expect_rc 0 "a whole mail transaction"
expect_json '[.events[] | select(.dir == "S") | .text | select(startswith("250 OK id="))] | length == 1' \
    "Exim accepted the message"
expect_json '[.events[] | select(.dir == "C") | .text] | any(test("^RCPT TO:<bob@example.org>"))' "--to used"
for i in $(seq 1 50); do
	grep -q 'Completed' "$E2E_DIR/log/mainlog" 2>/dev/null && break
	sleep 0.1
done
grep -q '=> :blackhole: <bob@example.org>' "$E2E_DIR/log/mainlog" ||
    fail "Exim did not receive the message for bob"

# A step the server did not advertise still goes out (that is how one
# learns) and its refusal shows: AUTH before TLS is not offered by Exim.
scope --json "${EXIM_TRUST[@]}" "${creds[@]}" --steps ehlo,auth "127.0.0.1:$EXIM_PORT"
expect_rc 5 "AUTH before TLS, not advertised"
expect_json '.result.status == "refused" and .result.code >= 500' "refused by Exim"

scope --batch --steps ehlo,fly "127.0.0.1:$EXIM_PORT"
expect_rc 2 "unknown step"
expect_text 'fly' "the unknown step named"

scope --batch
expect_rc 2 "no target"
scope --batch --password hunter2 "127.0.0.1:$EXIM_PORT"
expect_rc 2 "no password on the command line"
exit 0
