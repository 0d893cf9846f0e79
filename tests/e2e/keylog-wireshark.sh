#!/bin/bash
# The key log opens the capture (issue 9 item 3): capture a loopback
# session with dumpcap, decrypt it with the keys smtpscope wrote, and read
# the EHLO and the AUTH PLAIN line that travelled inside TLS.
#
#   keylog-wireshark.sh SMTPSCOPE 1.2|1.3
#
# Against the test's own Exim (GnuTLS, offers TLS 1.3), with --tls-max
# choosing the version.  Also checked: the file is created with mode 0600
# and a second session (named by SSLKEYLOGFILE this time) appends to it;
# the lines are those the version needs, for this ClientHello's random;
# without the key file the same capture shows no AUTH at all (so the
# decryption, not a plaintext leak, is what made it readable).
#
# Skipped only where capturing is impossible: no dumpcap/tshark, or no
# capture rights on lo (not root).
. "$(dirname "$0")/lib.sh"
e2e_init "$1"
VERSION=${2:-1.2}
case $VERSION in
1.2)	WIRE=0x0303
	LABELS="CLIENT_RANDOM" ;;
1.3)	WIRE=0x0304
	LABELS="CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET
	    CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0" ;;
*)	fail "usage: $0 SMTPSCOPE 1.2|1.3" ;;
esac

command -v dumpcap >/dev/null || skip "dumpcap is not installed (apt install tshark)"
command -v tshark >/dev/null || skip "tshark is not installed (apt install tshark)"
# Root captures; otherwise dumpcap needs the capture capabilities (Debian's
# wireshark-common sets them when asked to, for the wireshark group).
if [ "$(id -u)" != 0 ]; then
	caps=$(getcap "$(command -v dumpcap)" 2>/dev/null)
	case $caps in
	*cap_net_raw*) ;;
	*) skip "capturing on lo needs root or dumpcap with cap_net_raw (uid $(id -u), dumpcap: ${caps:-no capabilities})" ;;
	esac
fi

# --tls-max names the version; a build that predates it speaks 1.2 at most.
TLS_MAX=()
if "$SMTPSCOPE" --help 2>&1 | grep -q -- '--tls-max'; then
	TLS_MAX=(--tls-max "$VERSION")
elif [ "$VERSION" = 1.3 ]; then
	fail "this smtpscope has no --tls-max, so no TLS 1.3 to test"
fi

exim_start
KEYS=$E2E_DIR/keys
CAP=$E2E_DIR/cap.pcapng
DISSECT=(-d "tcp.port==$EXIM_PORT,smtp")

# Start dumpcap on this test's port only and wait until it captures.
capture_start()
{
	local i
	dumpcap -q -i lo -f "tcp port $EXIM_PORT" -w "$CAP" \
	    2>"$E2E_DIR/dumpcap.log" &
	DUMPCAP_PID=$!
	e2e_pids+=("$DUMPCAP_PID")
	for i in $(seq 1 100); do
		grep -q "Capturing on" "$E2E_DIR/dumpcap.log" && return 0
		if ! kill -0 "$DUMPCAP_PID" 2>/dev/null; then
			cat "$E2E_DIR/dumpcap.log" >&2
			skip "dumpcap cannot capture on lo here"
		fi
		sleep 0.1
	done
	fail "dumpcap did not start capturing within 10 s"
}

# Stop dumpcap once the session's end is in the file (dumpcap flushes it
# as packets come): both FINs, or the RST a close with unread bytes sends.
capture_stop()
{
	local i ends
	for i in $(seq 1 40); do
		ends=$(tshark -r "$CAP" -T fields -e tcp.flags.fin \
		    -e tcp.flags.reset -Y 'tcp.flags.fin == 1 || tcp.flags.reset == 1' \
		    2>/dev/null)
		grep -qE '(^|[[:space:]])(1|True)$' <<<"$(cut -f2 <<<"$ends")" && break
		[ "$(grep -c . <<<"$ends")" -ge 2 ] && break
		sleep 0.2
	done
	kill -INT "$DUMPCAP_PID"
	wait "$DUMPCAP_PID" 2>/dev/null
}

# Fields of the SMTP the capture shows, with or without the key file.
smtp_fields()
{
	tshark -r "$CAP" "${DISSECT[@]}" "$@" -Y smtp -T fields \
	    -e smtp.req.command -e smtp.req.parameter 2>/dev/null
}

# The ClientHello's random, as the capture shows it ("" if it has none).
capture_random()
{
	tshark -r "$CAP" "${DISSECT[@]}" -Y 'tls.handshake.type == 1' \
	    -T fields -e tls.handshake.random 2>/dev/null | head -n 1 | tr -d ':'
}

# A probe with AUTH PLAIN, captured.  On a loaded machine dumpcap has
# been seen to say "Capturing on" and still record nothing: that is the
# capture failing, not smtpscope, so an empty capture is taken once more
# (with a fresh key file, so the file's checks below stay exact).
probe_captured()
{
	rm -f "$KEYS" "$CAP"
	capture_start
	scope --batch "${EXIM_TRUST[@]}" "${TLS_MAX[@]}" --keylog "$KEYS" \
	    --user "$E2E_USER" --password-file "$E2E_DIR/password" \
	    --auth PLAIN "127.0.0.1:$EXIM_PORT"
	capture_stop
}

probe_captured
if [ -z "$(capture_random)" ]; then
	echo "e2e: the capture recorded nothing; capturing once more" >&2
	probe_captured
fi
expect_rc 0 "probe with AUTH PLAIN and --keylog"
expect_text "(version=|^ +version +)TLSv$VERSION" "the report names TLS $VERSION as negotiated"
expect_text '235' "AUTH accepted"
expect_no_secret

# The file: created private, one line per secret the version needs.
[ -f "$KEYS" ] || fail "no key log written"
mode=$(stat -c %a "$KEYS")
[ "$mode" = 600 ] || fail "key log has mode $mode, expected 600"
random=$(capture_random)
[ ${#random} = 64 ] || fail "no ClientHello random in the capture ($random)"
for label in $LABELS; do
	grep -qE "^$label $random [0-9a-f]{64,96}$" "$KEYS" ||
	    { cat "$KEYS" >&2; fail "no $label line for this session"; }
done
lines=$(wc -l < "$KEYS")
if [ "$VERSION" = 1.2 ]; then
	[ "$lines" = 1 ] || fail "$lines lines for one TLS 1.2 session"
fi

# The version on the wire is the one asked for.
chosen=$(tshark -r "$CAP" "${DISSECT[@]}" -Y 'tls.handshake.type == 2' \
    -T fields -e tls.handshake.extensions.supported_version \
    -e tls.handshake.version 2>/dev/null | head -n 1)
case $VERSION in
1.3)	[[ $chosen == 0x0304* ]] ;;
1.2)	[[ $chosen != *0x0304* && $chosen == *0x0303* ]] ;;
esac || fail "ServerHello shows '$chosen', expected TLS $VERSION"

# Without the keys: the EHLO before STARTTLS only, nothing of the AUTH.
plain=$(smtp_fields)
grep -q '^EHLO' <<<"$plain" || fail "the capture has no plaintext EHLO"
! grep -q '^AUTH' <<<"$plain" || fail "AUTH readable without the keys"
[ "$(grep -c '^EHLO' <<<"$plain")" = 1 ] ||
    fail "more than one EHLO readable without the keys"

# With the keys: the EHLO and the AUTH PLAIN sent inside TLS.
plain_b64=$(printf '\0%s\0%s' "$E2E_USER" "$E2E_PASSWORD" | base64 -w0)
decrypted=$(smtp_fields -o "tls.keylog_file:$KEYS")
[ "$(grep -c '^EHLO' <<<"$decrypted")" -ge 2 ] ||
    { printf '%s\n' "$decrypted" >&2; fail "no EHLO inside TLS decrypted"; }
grep -qxF "AUTH	PLAIN $plain_b64" <<<"$decrypted" ||
    { printf '%s\n' "$decrypted" >&2; fail "the AUTH PLAIN line is not readable"; }
e2e_log "decrypted: $(grep -c . <<<"$decrypted") SMTP commands, AUTH PLAIN among them"

# A second session, the file named by SSLKEYLOGFILE: appended, kept 0600.
first=$(head -n 1 "$KEYS")
export SSLKEYLOGFILE=$KEYS
scope --batch "${EXIM_TRUST[@]}" "${TLS_MAX[@]}" "127.0.0.1:$EXIM_PORT"
unset SSLKEYLOGFILE
expect_rc 0 "probe with SSLKEYLOGFILE"
[ "$(wc -l < "$KEYS")" = $((lines * 2)) ] ||
    fail "the second session did not append $lines lines ($(wc -l < "$KEYS") now)"
[ "$(head -n 1 "$KEYS")" = "$first" ] || fail "the first session's keys were overwritten"
[ "$(stat -c %a "$KEYS")" = 600 ] || fail "the key log lost its mode 0600"
exit 0
