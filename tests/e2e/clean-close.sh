#!/bin/bash
# The end of a session on the wire (issue 9): after QUIT's 221 smtpscope
# sends its close_notify and its FIN, reads the server's close, and only
# then closes the socket, so a capture shows an orderly end and no reset.
# The demo server ends its side the same way.  Checked in a capture, TLS
# and plaintext, with the transcript naming both close_notify alerts.
# (Against Exim: keylog-wireshark.sh.)
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
. "$(dirname "$0")/capture-lib.sh"
capture_require

"$SMTPSCOPE" --serve-demo 127.0.0.1:0 </dev/null >"$E2E_DIR/serve.out" 2>"$E2E_DIR/serve.err" &
e2e_pids+=("$!")
for i in $(seq 1 100); do
	grep -q 'port [0-9]' "$E2E_DIR/serve.out" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$E2E_DIR/serve.out")
[ -n "$port" ] || { cat "$E2E_DIR/serve.out" "$E2E_DIR/serve.err" >&2; fail "no port announced"; }

capture_session "$port" --batch --no-verify "127.0.0.1:$port"
expect_rc 0 "the default probe with STARTTLS"
expect_text '^ *[0-9.]+ T +the client ended the TLS session \(close_notify\)' \
    "the client's close_notify in the transcript"
expect_text '^ *[0-9.]+ T +the server ended the TLS session \(close_notify\)' \
    "the server's close_notify in the transcript"
expect_clean_close "$port" "a TLS session with the demo"

capture_session "$port" --batch --steps ehlo,quit "127.0.0.1:$port"
expect_rc 0 "EHLO and QUIT in plaintext"
expect_no_text 'close_notify' "no TLS alert in a plaintext session"
expect_clean_close "$port" "a plaintext session with the demo"
exit 0
