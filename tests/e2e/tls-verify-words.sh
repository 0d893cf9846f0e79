#!/bin/bash
# The certificate problems a helpdesk meets, each in the same plain words
# whatever the TLS library and version (issue 9 item 4: "the verify flags
# of 3.6 explained in the same plain words as today").
#
#   tls-verify-words.sh SMTPSCOPE 1.2|1.3
#
# For each flaw the python peer (limited to that one TLS version) serves a
# certificate that has it, signed by the CA smtpscope is told to trust, and
# smtpscope must: exit 4, say the words below (those it said with mbedTLS
# 2.28), report the finding, and with --no-verify go on, still saying the
# words.  A good certificate, last, verifies.
. "$(dirname "$0")/tls-lib.sh"
e2e_init "$1"
VERSION=${2:-1.2}
case $VERSION in
1.2)	RANGE=(--min 1.2 --max 1.2) ;;
1.3)	RANGE=(--min 1.3 --max 1.3)
	tls_has_13 || fail "this smtpscope has no --tls-max: no TLS 1.3 to test" ;;
*)	fail "usage: $0 SMTPSCOPE 1.2|1.3" ;;
esac

# flaw | how the certificate is made (tls_leaf_make words) | the words (a
# fixed string) | the finding
CASES='
expired|start=20200101000000Z end=20210101000000Z|a certificate in the chain has expired|cert-expired
future|start=20400101000000Z end=20410101000000Z|is not yet valid|cert-not-yet-valid
wrong-name|san=DNS:other.smtpscope.test|the certificate is not for this server|cert-name-mismatch
sha1|md=sha1|signed with a weak hash (MD5 or SHA-1)|cert-weak-signature
rsa1024|key=rsa1024|key is unacceptable (too small|cert-weak-key
eku-client|eku=clientAuth|extended key usage does not include TLS server authentication|cert-not-verified
ku-encipher|key=rsa2048 ku=critical,keyEncipherment|key usage does not allow this use|cert-not-verified
'

# stdout+stderr contain a fixed string.
expect_words()
{
	cat "$E2E_DIR/out" "$E2E_DIR/err" | grep -qF -- "$1" ||
	    fail "output does not say \"$1\" ($2)"
}

while IFS='|' read -r flaw make words finding; do
	[ -n "$flaw" ] || continue
	# shellcheck disable=SC2086 # make is a list of words
	tls_leaf_make "$flaw" $make
	tlspeer_stop
	tlspeer_start "${RANGE[@]}" --legacy \
	    --cert "$E2E_DIR/$flaw.pem" --key "$E2E_DIR/$flaw.key"

	scope --batch "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
	expect_rc 4 "$flaw certificate, TLS $VERSION"
	expect_words "$words" "$flaw: the words"
	expect_no_raw_controls

	scope --json "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
	expect_rc 4 "$flaw certificate, TLS $VERSION, JSON"
	expect_json '.tls.verified == false' "$flaw: not verified"
	expect_json "[.findings[] | select(.id == \"$finding\")] | length == 1" \
	    "$flaw: finding $finding"
	expect_json "[.tls.verify_errors[] | contains(\"$words\")] | any" \
	    "$flaw: the words among verify_errors"

	scope --json --no-verify "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
	expect_rc 0 "$flaw certificate with --no-verify"
	expect_json ".tls.version == \"TLSv$VERSION\" and .tls.established" \
	    "$flaw: TLS $VERSION established anyway"
	expect_json "[.tls.verify_errors[] | contains(\"$words\")] | any" \
	    "$flaw: --no-verify still says why"
	e2e_log "$flaw: $(jq -r '.tls.verify_errors | join("; ")' "$E2E_DIR/out")"
done <<<"$CASES"

# Unknown authority: the same good certificate without --ca.
tlspeer_stop
tlspeer_start "${RANGE[@]}"
scope --json --servername "$TLSPEER_NAME" "127.0.0.1:$TLSPEER_PORT"
expect_rc 4 "certificate from an unknown CA"
expect_json '[.tls.verify_errors[] | contains("the certificate is not trusted")] | any' \
    "unknown CA: the words"
expect_json '[.findings[] | select(.id == "cert-unknown-ca")] | length == 1' \
    "unknown CA: the finding"

# And the good one verifies, in the version asked.
scope --json "${TLSPEER_TRUST[@]}" "127.0.0.1:$TLSPEER_PORT"
expect_rc 0 "a good certificate"
expect_json ".tls.verified and .tls.version == \"TLSv$VERSION\"" "verified, TLS $VERSION"
exit 0
