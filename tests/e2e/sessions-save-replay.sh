#!/bin/bash
# Saved sessions: --save from a batch run writes a mode-0600 file without
# the password, and --batch --replay of it prints what the live run
# printed.  A pasted telnet log (the Exim 4.63 story) replays with its
# capability table; garbage, a truncated file and a newer format are
# refused with "file:line: reason" and a non-zero exit, never a crash.
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
data=$(cd "$(dirname "$0")/../data/import" && pwd)
printf 'demo-password\n' > "$E2E_DIR/demo-pw"
saved=$E2E_DIR/lesson.session

scope --json --demo --user demo --password-file "$E2E_DIR/demo-pw" \
    --save "$saved" --note "lesson one: AUTH after STARTTLS"
expect_rc 0 "live run with --save"
cp "$E2E_DIR/out" "$E2E_DIR/live.json"
[ -f "$saved" ] || fail "--save wrote no file"
[ "$(stat -c %a "$saved")" = 600 ] || fail "the session file is mode $(stat -c %a "$saved"), not 600"
head -n 1 "$saved" | grep -qx 'smtpscope-session 1' || fail "no magic line in the saved file"
grep -qx 'meta note lesson one: AUTH after STARTTLS' "$saved" || fail "the note is not kept"
! grep -qF 'demo-password' "$saved" || fail "the password is in the session file"
! grep -qF "$(printf '\0demo\0demo-password' | base64 -w0)" "$saved" ||
    fail "the base64 AUTH PLAIN secret is in the session file"
grep -q 'AUTH PLAIN <redacted' "$saved" || fail "the AUTH line is not shown redacted"

for mode in "--batch --json" "--json"; do
	# shellcheck disable=SC2086
	scope $mode --replay "$saved"
	expect_rc 0 "replay ($mode)"
	for key in capabilities tls auth target result anomalies; do
		[ "$(jq -cS ".$key" "$E2E_DIR/live.json")" = "$(jq -cS ".$key" "$E2E_DIR/out")" ] ||
		    fail "replay's .$key differs from the live run's"
	done
	expect_json '.auth.code == 235 and .tls.verified == true' "the saved AUTH and TLS"
done

scope --batch --replay "$saved"
expect_rc 0 "text replay"
expect_text 'AUTH PLAIN LOGIN +-- +added after TLS' "capability table of the replay"
expect_no_raw_controls

# The story: a telnet transcript of an Exim 4.63 pasted into a ticket.
scope --json --replay "$data/exim-4.63-telnet.txt"
expect_rc 0 "replay of the Exim 4.63 telnet log"
expect_json '(.capabilities.before_tls[] | select(.keyword == "SIZE") | .size) == 600000000' "SIZE 600000000"
expect_json '(.capabilities.before_tls[] | select(.keyword == "AUTH") | .mechanisms) == ["PLAIN","LOGIN"]' \
    "AUTH PLAIN LOGIN before TLS"
expect_json '.tls == null and .capabilities.after_tls == null' "no TLS in the story"
scope --batch --replay "$data/exim-4.63-telnet.txt" --import-format telnet
expect_rc 0 "text replay of the story, format forced"
expect_text 'SIZE 600000000 +yes' "SIZE row"
expect_text 'AUTH PLAIN LOGIN +yes' "AUTH offered before TLS"
expect_text 'STARTTLS +yes' "STARTTLS row"

# A saved session converted from the pasted log replays the same.
scope --batch --replay "$data/exim-4.63-telnet.txt" --save "$E2E_DIR/story.session"
expect_rc 0 "convert a pasted log with --save"
head -n 1 "$E2E_DIR/story.session" | grep -qx 'smtpscope-session 1' || fail "not converted to the native format"
scope --json --replay "$E2E_DIR/story.session"
expect_json '(.capabilities.before_tls | length) == 5' "the converted story keeps its table"

# What cannot be loaded: a line number, a reason, exit 2, no crash.
head -c 4096 /dev/urandom > "$E2E_DIR/garbage.bin"
scope --batch --replay "$E2E_DIR/garbage.bin"
expect_rc 2 "garbage"
grep -qE '^.*garbage\.bin:[0-9]+: ' "$E2E_DIR/err" || fail "no file:line: message for garbage"

printf 'hello\nthis is not a session\n' > "$E2E_DIR/words.txt"
scope --batch --replay "$E2E_DIR/words.txt" --import-format native
expect_rc 2 "text forced as native"
grep -qE 'words\.txt:1: ' "$E2E_DIR/err" || fail "no file:1: message"

lines=$(wc -l < "$saved")
head -n $((lines - 3)) "$saved" > "$E2E_DIR/truncated.session"
scope --batch --json --replay "$E2E_DIR/truncated.session"
expect_rc 2 "truncated file"
grep -qE "truncated\.session:$((lines - 3)): .*(truncat|end)" "$E2E_DIR/err" ||
    fail "the truncation is not reported at the last line"
[ ! -s "$E2E_DIR/out" ] || fail "a truncated file still printed a report"

sed '1s/.*/smtpscope-session 2/' "$saved" > "$E2E_DIR/newer.session"
scope --batch --replay "$E2E_DIR/newer.session"
expect_rc 2 "newer major version"
grep -qE 'newer\.session:1: .*newer' "$E2E_DIR/err" || fail "no 'newer' message"

scope --batch --replay "$E2E_DIR/no-such-file"
expect_rc 2 "missing file"
expect_text 'no-such-file: No such file' "says the file is missing"

# The implicit-TLS demo profile must be reached with TLS first.
scope --json --demo implicit-tls --save "$E2E_DIR/implicit.session"
expect_rc 0 "--demo implicit-tls"
expect_json '.tls.implicit == true and .tls.established == true' "implicit TLS"
scope --json --replay "$E2E_DIR/implicit.session"
expect_json '.tls.implicit == true and .capabilities.before_tls == null' "replayed implicit TLS"
exit 0
