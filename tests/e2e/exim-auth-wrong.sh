#!/bin/bash
# A wrong password: Exim answers 535, smtpscope exits 5 (a step refused)
# and still never prints the password it tried.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

E2E_PASSWORD='Not-the-Right-One-4412'
printf '%s\n' "$E2E_PASSWORD" > "$E2E_DIR/wrong"

for mech in PLAIN LOGIN; do
	scope --json "${EXIM_TRUST[@]}" --user "$E2E_USER" --password-file "$E2E_DIR/wrong" \
	    --auth "$mech" "127.0.0.1:$EXIM_PORT"
	expect_rc 5 "wrong password, $mech"
	expect_json '.result.status == "refused" and .result.code == 535' "refused with 535"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 535" "auth records 535"
	expect_json '.capabilities.after_auth == null' "no after-AUTH phase"
	expect_no_secret

	scope --batch "${EXIM_TRUST[@]}" --user "$E2E_USER" --password-file "$E2E_DIR/wrong" \
	    --auth "$mech" "127.0.0.1:$EXIM_PORT"
	expect_rc 5 "wrong password, $mech, text report"
	expect_text '535 Incorrect authentication data' "the server's words"
	expect_no_secret
done
exit 0
