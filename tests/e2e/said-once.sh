#!/bin/bash
# Verdicts a user reads once and in words (issue 12 item 4): the injection
# probe's "not vulnerable" as well as "VULNERABLE", kept in the transcript
# of the report and the JSON; a server that hangs up mid-dialog is said to
# have closed the connection once, not twice.
. "$(dirname "$0")/lib.sh"
e2e_init "$1"

# The probe against a server that discards what came with STARTTLS.
scope --batch --no-verify --demo default --steps ehlo,starttls-inject,quit
expect_rc 0 "the probe against the default demo"
expect_text 'starttls-inject: not vulnerable' "the probe's verdict"
! grep -q 'VULNERABLE' "$E2E_DIR/out" || fail "a false alarm: VULNERABLE"
scope --json --no-verify --demo default --steps ehlo,starttls-inject,quit
expect_json '[.events[] | select(.text | test("^starttls-inject: not vulnerable"))] | length == 1' \
    "the verdict as one event in the JSON"

# ... and against one that answers the smuggled RSET inside TLS.
scope --batch --no-verify --demo injection-vulnerable \
    --steps ehlo,starttls-inject,quit
grep -q 'starttls-inject: VULNERABLE' "$E2E_DIR/out" ||
    fail "the probe does not say VULNERABLE against injection-vulnerable"
expect_no_text 'not vulnerable' "a contradicting verdict"

# A server that greets, reads EHLO and hangs up.
perl_server_start closer '
	print $c "220 closer.test ESMTP\r\n";
	my $l = <$c>;
	close $c; @keep = ();'
scope --batch "127.0.0.1:$SERVER_PORT"
expect_rc 7 "a dropped connection"
n=$(grep -cE '^ +[0-9.]+ I +the server closed the connection$' "$E2E_DIR/out")
[ "$n" = 1 ] || fail "the transcript says the server closed the connection $n times, expected once"
expect_text '^Result: dropped: the server closed the connection' "the result"
echo "ok: the probe's verdicts and a dropped connection are each said once"
