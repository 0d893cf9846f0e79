#!/bin/bash
# OAuth 2.0 bearer tokens against a real Dovecot submission server whose
# oauth2 passdb validates JWT tokens locally (introspection_mode = local,
# an HS256 key made by the test): OAUTHBEARER and XOAUTH2 with a good token
# get 235 and the OAuth2 set-up "works"; a token signed with another key is
# refused: the report shows the server's error JSON decoded, then its final
# 535, exit 5, the set-up "will fail" and the finding that explains it.  The
# token is read like a password (--password-file, SMTPSCOPE_PASSWORD) and
# never appears, nor any base64 form of it, in any output or file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dovecot-lib.sh"
e2e_init "$@"
dovecot_start

target=127.0.0.1:$DOVECOT_PORT
good=(--user "$E2E_USER" --password-file "$E2E_TOKEN")
bad=(--user "$E2E_USER" --password-file "$E2E_TOKEN_BAD")

for mech in OAUTHBEARER XOAUTH2; do
	scope --json "${DOVECOT_TRUST[@]}" "${good[@]}" --auth "$mech" "$target"
	expect_rc 0 "AUTH $mech, good token"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 235" "JSON auth: $mech, 235"
	expect_json '.setups[] | select(.id == "oauth2") | .verdict == "works"' \
	    "the OAuth2 set-up works once tried"
	expect_json '[.findings[] | select(.id | startswith("auth-oauth"))] | length == 0' \
	    "no OAuth finding after a good login"
	expect_no_token
	expect_no_raw_controls

	scope --batch "${DOVECOT_TRUST[@]}" "${good[@]}" --auth "$mech" "$target"
	expect_rc 0 "AUTH $mech, good token, text report"
	expect_text "AUTH $mech" "the AUTH command is shown"
	expect_text '235 2\.7\.0 Logged in' "Dovecot's 235"
	expect_no_token

	scope --batch "${DOVECOT_TRUST[@]}" "${bad[@]}" --auth "$mech" "$target"
	expect_rc 5 "AUTH $mech, bad token"
	# Dovecot's error JSON: {"status":"invalid_token"} for OAUTHBEARER,
	# {"status":"401","schemes":"bearer","scope":"mail"} for XOAUTH2.
	expect_text 'status "?(invalid_token|401)' "the decoded error JSON is in the report"
	expect_text '535 5\.7\.8' "the server's final reply"
	# The decoded error comes before the final reply, as on the wire.
	awk '/status "?(invalid_token|401)/ { e = NR } /535 5\.7\.8/ { f = NR }
	    END { exit !(e && f && e < f) }' "$E2E_DIR/out" ||
	    fail "the decoded error is not followed by the final 535"
	expect_no_token
	expect_no_raw_controls

	scope --json "${DOVECOT_TRUST[@]}" "${bad[@]}" --auth "$mech" "$target"
	expect_rc 5 "AUTH $mech, bad token, JSON"
	expect_json ".auth.mechanism == \"$mech\" and .auth.code == 535" "refused with 535"
	expect_json '.setups[] | select(.id == "oauth2") | .verdict == "fails"' \
	    "the OAuth2 set-up will fail"
	expect_json '[.findings[] | select(.id == "auth-oauth-token-rejected")] | length == 1' \
	    "the finding names the rejected token"
	expect_no_token
done

# The token from the environment, and a saved session with its exports.
export SMTPSCOPE_PASSWORD=$(cat "$E2E_TOKEN")
saved=$E2E_DIR/oauth.session
scope --batch "${DOVECOT_TRUST[@]}" --user "$E2E_USER" --auth OAUTHBEARER \
    --save "$saved" "$target"
unset SMTPSCOPE_PASSWORD
expect_rc 0 "OAUTHBEARER with the token from SMTPSCOPE_PASSWORD"
expect_no_token
for fmt in json text markdown; do
	scope --replay "$saved" --export "$fmt" -o "$E2E_DIR/export.$fmt"
	expect_rc 0 "export $fmt"
done
scope --batch "${DOVECOT_TRUST[@]}" "${bad[@]}" --auth XOAUTH2 \
    --save "$E2E_DIR/bad.session" "$target"
expect_rc 5 "XOAUTH2, bad token, saved"
scope --replay "$E2E_DIR/bad.session" --export json -o "$E2E_DIR/export-bad.json"
expect_rc 0 "export of the refused session"
jq -e '.setups[] | select(.id == "oauth2") | .verdict == "fails"' \
    "$E2E_DIR/export-bad.json" >/dev/null ||
    fail "the replayed refusal does not say the OAuth2 set-up fails"
expect_no_token "$saved" "$E2E_DIR/bad.session" "$E2E_DIR"/export.* \
    "$E2E_DIR/export-bad.json"
echo "ok: OAUTHBEARER and XOAUTH2 against Dovecot, good and bad tokens"
exit 0
