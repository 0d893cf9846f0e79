#!/bin/bash
# XOAUTH2 and OAUTHBEARER against the demo server (issue 10): the token is
# read like a password (SMTPSCOPE_PASSWORD, --password-file); a good token
# logs in, a bad one gets the server's JSON error object, which the report
# decodes and explains, and which the client answers as each specification
# says (XOAUTH2: an empty line; OAUTHBEARER: a lone %x01) so the server
# ends with its final reply.  Bearer mechanisms are never the default.
# The Microsoft 365 profile refuses passwords with 535 5.7.139; OAuth works.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
steps=ehlo,starttls,ehlo,auth,quit

for mech in XOAUTH2 OAUTHBEARER; do
	SMTPSCOPE_PASSWORD=demo-oauth-token scope --json --demo modern-auth \
	    --steps "$steps" --user demo --auth "$mech"
	expect_rc 0 "$mech with the demo token"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 235" "$mech: 235"
	expect_json '.auth.oauth_error == null' "$mech: no error object"
done

SMTPSCOPE_PASSWORD=expired-token scope --json --demo modern-auth --steps "$steps" \
    --user demo --auth XOAUTH2
expect_rc 5 "XOAUTH2, bad token"
expect_json '.auth.code == 535' "the server's final reply after the error"
expect_json '.auth.oauth_error.status == "401" and
    .auth.oauth_error.scope == "https://mail.google.com/"' "the decoded error object"
expect_json '.auth.oauth_error.explanation | test("fresh access token")' "explained"
# The client's answer to the error challenge: an empty line.
expect_json '[.events[] | select(.dir == "C") | .text] | index("\\r\\n") != null' \
    "XOAUTH2 answers the error with an empty line"

printf 'bad-token\n' > "$E2E_DIR/token"
scope --json --demo modern-auth --steps "$steps" --user demo --auth OAUTHBEARER \
    --password-file "$E2E_DIR/token"
expect_rc 5 "OAUTHBEARER, bad token"
expect_json '.auth.oauth_error.status == "invalid_token" and
    (.auth.oauth_error.openid_configuration | test("openid-configuration$"))' \
    "the decoded RFC 7628 error"
expect_json '[.events[] | select(.dir == "C") | .text] | index("AQ==\\r\\n") != null' \
    "OAUTHBEARER answers the error with %x01"
scope --batch --demo modern-auth --steps "$steps" --user demo --auth OAUTHBEARER \
    --password-file "$E2E_DIR/token"
expect_text 'OAuth error challenge: status "invalid_token"' "explained in the text report"
expect_no_raw_controls

# A bearer mechanism only when asked: with a password the default is SCRAM.
SMTPSCOPE_PASSWORD=demo-password scope --json --demo basic-auth-disabled \
    --steps "$steps" --user demo
expect_rc 5 "basic authentication disabled"
expect_json '.auth.mechanism == "LOGIN"' "LOGIN, not XOAUTH2, by default"
expect_json '[.events[] | select(.dir == "S") | .text] | any(test("^535 5\\.7\\.139"))' \
    "Microsoft 365's 535 5.7.139"
SMTPSCOPE_PASSWORD=demo-oauth-token scope --json --demo basic-auth-disabled \
    --steps "$steps" --user demo --auth XOAUTH2
expect_rc 0 "OAuth works where passwords are refused"
exit 0
