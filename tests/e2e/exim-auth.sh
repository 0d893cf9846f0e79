#!/bin/bash
# AUTH against a real Exim after STARTTLS: PLAIN, LOGIN and CRAM-MD5
# succeed with 235, capabilities are read again after AUTH, and the
# password shows up nowhere: not in the text, the JSON or stderr.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
exim_start

creds=(--user "$E2E_USER" --password-file "$E2E_DIR/password")
for mech in PLAIN LOGIN CRAM-MD5; do
	scope --json "${EXIM_TRUST[@]}" "${creds[@]}" --auth "$mech" \
	    "127.0.0.1:$EXIM_PORT"
	expect_rc 0 "AUTH $mech"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 235" "AUTH $mech accepted with 235"
	expect_json '.capabilities.after_auth | type == "array" and length > 0' "EHLO again after AUTH"
	expect_json '[.events[] | select(.dir == "C" and (.text | startswith("AUTH")))][0].tls == true' \
	    "AUTH sent inside TLS"
	expect_json '[.events[] | select(.redacted)] | length > 0' "the secret was redacted"
	expect_no_secret
	expect_no_raw_controls

	scope --batch "${EXIM_TRUST[@]}" "${creds[@]}" --auth "$mech" \
	    "127.0.0.1:$EXIM_PORT"
	expect_rc 0 "AUTH $mech, text report"
	expect_text '235 Authentication succeeded' "235 shown"
	expect_text 'redacted' "the AUTH line shows the redaction"
	expect_no_secret
done

# The password from the environment instead of a file.
export SMTPSCOPE_PASSWORD=$E2E_PASSWORD
scope --json "${EXIM_TRUST[@]}" --user "$E2E_USER" --auth PLAIN "127.0.0.1:$EXIM_PORT"
unset SMTPSCOPE_PASSWORD
expect_rc 0 "password from SMTPSCOPE_PASSWORD"
expect_json '.auth.code == 235' "235 with the password from the environment"
expect_no_secret
exit 0
