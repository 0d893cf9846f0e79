#!/bin/bash
# --export json|text|markdown of a saved session and of a live run: JSON is
# the --json document, text the ticket report with the capability table,
# Markdown the same as tables and a fenced transcript.  The password never
# appears, -o writes mode 0600, and Markdown cannot be steered by what a
# server says (links, cells, headings are escaped).
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
printf 'demo-password\n' > "$E2E_DIR/demo-pw"
saved=$E2E_DIR/s.session

scope --batch --demo --user demo --password-file "$E2E_DIR/demo-pw" --save "$saved"
expect_rc 0 "live run to save"

expect_no_password()
{
	local f
	for f in "$@"; do
		! grep -qF 'demo-password' "$f" || fail "the password is in $f"
		! grep -qF "$(printf '\0demo\0demo-password' | base64 -w0)" "$f" ||
		    fail "the AUTH PLAIN secret is in $f"
	done
}

scope --replay "$saved" --export json
expect_rc 0 "export json"
cp "$E2E_DIR/out" "$E2E_DIR/export.json"
scope --json --replay "$saved"
cmp -s "$E2E_DIR/out" "$E2E_DIR/export.json" || fail "--export json is not the --json document"
expect_json '.capabilities.after_tls != null and .auth.code == 235' "the JSON export's content"

scope --replay "$saved" --export text -o "$E2E_DIR/ticket.txt"
expect_rc 0 "export text -o"
[ "$(stat -c %a "$E2E_DIR/ticket.txt")" = 600 ] || fail "-o file is not mode 600"
[ ! -s "$E2E_DIR/out" ] || fail "-o FILE still printed on stdout"
grep -qE '^Capabilities' "$E2E_DIR/ticket.txt" || fail "no capability table in the text export"
grep -qE 'AUTH PLAIN LOGIN +-- +added after TLS +yes' "$E2E_DIR/ticket.txt" ||
    fail "the table does not show AUTH added after TLS"
grep -qE '^Transcript' "$E2E_DIR/ticket.txt" || fail "no transcript in the text export"
grep -qE '^TLS$' "$E2E_DIR/ticket.txt" && grep -q 'version      TLSv1.3' "$E2E_DIR/ticket.txt" ||
    fail "no TLS summary in the text export"
grep -qE '^Findings' "$E2E_DIR/ticket.txt" || fail "no findings in the text export"

scope --replay "$saved" --export markdown
expect_rc 0 "export markdown"
cp "$E2E_DIR/out" "$E2E_DIR/ticket.md"
grep -qx '| keyword | before TLS | after TLS | after AUTH |' "$E2E_DIR/ticket.md" || fail "no Markdown capability table"
grep -qx '| AUTH PLAIN LOGIN | -- | added after TLS | yes |' "$E2E_DIR/ticket.md" || fail "no AUTH row"
grep -qx '```text' "$E2E_DIR/ticket.md" || fail "no fenced transcript"
grep -q '^## TLS' "$E2E_DIR/ticket.md" || fail "no TLS section"
expect_no_password "$saved" "$E2E_DIR/export.json" "$E2E_DIR/ticket.txt" "$E2E_DIR/ticket.md"

# A live batch run exported directly.
scope --demo --export markdown -o "$E2E_DIR/live.md"
expect_rc 0 "live export"
grep -q '^# smtpscope report: localhost port' "$E2E_DIR/live.md" || fail "no heading in the live export"

# A hand-written session whose server tries to inject Markdown and a
# fence, and to hide control bytes.
cat > "$E2E_DIR/hostile.session" <<'SESSION'
smtpscope-session 1
meta host evil.test
meta port 25
@0 I connect - connected to 192.0.2.66 port 25
@0.1 S data - 220 evil.test ESMTP\r\n
@0.2 C data - EHLO client.test\r\n
@0.3 S data - 250-evil.test hello\r\n250-X-LINK [click](http://evil.test/x) ![img](http://evil.test/i.png)\r\n250-X-PIPE a | b | c\r\n250-X-HTML <b>bold</b> # not a heading\r\n250 X-EVIL ```\e[31m red\r\n
@0.4 C data - QUIT\r\n
@0.5 S data - 221 bye\r\n
@0.6 I closed - connection closed after QUIT
end 7
SESSION
scope --replay "$E2E_DIR/hostile.session" --export markdown
expect_rc 0 "export of a hostile session"
expect_no_raw_controls
# Outside the fenced transcript (where text is literal): no link, no
# HTML, no extra table cell.
awk '/^```/ { fenced = !fenced; next } !fenced' "$E2E_DIR/out" > "$E2E_DIR/prose"
grep -q '^| X-LINK' "$E2E_DIR/prose" || fail "no X-LINK row in the table"
! grep -qE '(^|[^\\])\]\(' "$E2E_DIR/prose" || fail "server text makes a Markdown link"
grep '^| X-HTML' "$E2E_DIR/prose" | grep -qF '\<b\>' || fail "HTML in a cell is not escaped"
row=$(grep '^| X-PIPE' "$E2E_DIR/prose")
[ "$(printf '%s' "$row" | sed 's/\\|//g' | tr -cd '|' | wc -c)" -eq 5 ] ||
    fail "server text added table cells: $row"
fence=$(grep -m1 -E '^`{3,}text$' "$E2E_DIR/out" | sed 's/text$//')
[ ${#fence} -ge 4 ] || fail "the fence is not longer than the server's backticks"
exit 0
