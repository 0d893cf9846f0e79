# capture-lib.sh: loopback captures for the end-to-end tests (bash;
# source it after lib.sh).
#
#   capture_require      skip the test where capturing is impossible: no
#                        dumpcap or tshark, or neither root nor a dumpcap
#                        with cap_net_raw
#   capture_start PORT   dumpcap on lo, that TCP port only, into $CAP
#                        (default $E2E_DIR/cap.pcapng); waits until it runs
#   capture_stop         stops it once the session's end is in the file
#   capture_ends         one line per FIN or RST: "SRC-PORT fin|rst"
#   capture_session PORT ARGS...
#                        scope ARGS... captured on PORT; taken once more
#                        when the capture missed the session's first SYN
#   expect_clean_close CLIENT_IS_NOT_PORT WHAT
#                        the client (the side whose port is not the
#                        server's) sent a FIN and nobody sent a reset

CAP=${CAP:-$E2E_DIR/cap.pcapng}

capture_require()
{
	local caps
	command -v dumpcap >/dev/null ||
	    skip "dumpcap is not installed (apt install tshark)"
	command -v tshark >/dev/null ||
	    skip "tshark is not installed (apt install tshark)"
	# Root captures; otherwise dumpcap needs the capture capabilities
	# (Debian's wireshark-common sets them for the wireshark group).
	[ "$(id -u)" = 0 ] && return 0
	caps=$(getcap "$(command -v dumpcap)" 2>/dev/null)
	case $caps in
	*cap_net_raw*) ;;
	*) skip "capturing on lo needs root or dumpcap with cap_net_raw (uid $(id -u), dumpcap: ${caps:-no capabilities})" ;;
	esac
}

capture_start()
{
	local i
	rm -f "$CAP"
	dumpcap -q -i lo -f "tcp port $1" -w "$CAP" \
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

capture_ends()
{
	tshark -r "$CAP" -T fields -e tcp.srcport -e tcp.flags.fin \
	    -e tcp.flags.reset -Y 'tcp.flags.fin == 1 || tcp.flags.reset == 1' \
	    2>/dev/null | awk '{ f = ($2 == "1" || $2 == "True");
	    print $1, f ? "fin" : "rst" }'
}

# dumpcap flushes as packets come: stop once both FINs or a reset are in.
capture_stop()
{
	local i ends
	for i in $(seq 1 40); do
		ends=$(capture_ends)
		grep -q ' rst$' <<<"$ends" && break
		[ "$(grep -c ' fin$' <<<"$ends")" -ge 2 ] && break
		sleep 0.2
	done
	kill -INT "$DUMPCAP_PID"
	wait "$DUMPCAP_PID" 2>/dev/null
}

# Did the capture record the session from its start (the client's SYN)?
capture_has_start()
{
	[ -n "$(tshark -r "$CAP" -T fields -e tcp.srcport \
	    -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null)" ]
}

# On a loaded machine dumpcap has been seen to say "Capturing on" and
# still miss the first packets: that is the capture failing, not the
# session, so such a capture is taken once more.
capture_session()
{
	local port=$1
	shift
	capture_start "$port"
	scope "$@"
	capture_stop
	capture_has_start && return 0
	echo "e2e: the capture missed the session's start; capturing once more" >&2
	capture_start "$port"
	scope "$@"
	capture_stop
}

expect_clean_close()
{
	local server=$1 what=$2 ends
	ends=$(capture_ends)
	if grep -q ' rst$' <<<"$ends"; then
		printf '%s\n' "$ends" >&2
		fail "$what: the capture shows a reset"
	fi
	grep -v "^$server " <<<"$ends" | grep -q ' fin$' ||
	    { printf '%s\n' "$ends" >&2; fail "$what: the client sent no FIN"; }
	grep -q "^$server fin$" <<<"$ends" ||
	    { printf '%s\n' "$ends" >&2; fail "$what: the server sent no FIN"; }
}
