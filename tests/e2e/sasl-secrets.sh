#!/bin/bash
# No password, bearer token, or their base64 forms in anything smtpscope
# writes after SCRAM, XOAUTH2 and OAUTHBEARER logins (issue 10): stdout
# (text and JSON), stderr, the saved session, and the text and Markdown
# exports.  The client's SCRAM proof is redacted at capture.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
steps=ehlo,starttls,ehlo,auth,quit
pw=Sc4am-Secret-Pw-9921
token=ya29.Secret-Token-e2e-5521
b64() { printf '%s' "$1" | base64 -w0; }
needles=("$pw" "$(b64 "$pw")" "$token" "$(b64 "$token")"
    "$(b64 "user=demo"$'\001'"auth=Bearer $token"$'\001\001')")

# Every base64-looking word of a file, decoded (a secret inside any SASL
# payload shows up here whatever its alignment).
decoded_words()
{
	local w
	grep -oE '[A-Za-z0-9+/]{12,}={0,2}' "$1" | while read -r w; do
		printf '%s' "$w" | base64 -d 2>/dev/null
		echo
	done
}

check_files()
{
	local f n
	for f in "$@"; do
		for n in "${needles[@]}"; do
			! grep -qF -- "$n" "$f" || fail "a secret ('$n') is in $f"
		done
		! decoded_words "$f" | grep -qaF -e "$pw" -e "$token" ||
		    fail "a secret is in the base64 of $f"
	done
}

run()
{
	local name=$1; shift
	scope "$@" --save "$E2E_DIR/$name.session"
	cp "$E2E_DIR/out" "$E2E_DIR/$name.out"
	cp "$E2E_DIR/err" "$E2E_DIR/$name.err"
	check_files "$E2E_DIR/$name.out" "$E2E_DIR/$name.err" \
	    "$E2E_DIR/$name.session"
	for fmt in json text markdown; do
		scope --replay "$E2E_DIR/$name.session" --export "$fmt"
		expect_rc 0 "export $fmt of $name"
		check_files "$E2E_DIR/out" "$E2E_DIR/err"
	done
}

export SMTPSCOPE_PASSWORD=$pw
run scram-text --batch --demo modern-auth --steps "$steps" --user demo --auth SCRAM-SHA-256
run scram-json --json --demo modern-auth --steps "$steps" --user demo --auth SCRAM-SHA-1
# The client-final message (with the proof) is redacted when captured.
grep -qE '^C .*<redacted, [0-9]+ bytes>' "$E2E_DIR/scram-json.session" ||
    grep -q 'redacted' "$E2E_DIR/scram-json.session" ||
    fail "the SCRAM client-final is not redacted in the session"
export SMTPSCOPE_PASSWORD=$token
run xoauth2 --json --demo modern-auth --steps "$steps" --user demo --auth XOAUTH2
run oauthbearer --batch --demo modern-auth --steps "$steps" --user demo --auth OAUTHBEARER
exit 0
