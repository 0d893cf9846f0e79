# mx-lib.sh: a private DNS server for the MX tests (sourced after lib.sh).
#
# dns_start runs dnsmasq on a free loopback port, answering only for the
# .test zone with the records given as arguments (dnsmasq options such as
# --mx-host=example.test,mx1.example.test,10), and points smtpscope at it
# through SMTPSCOPE_DNS_SERVER.  Names under .test it does not know get
# NXDOMAIN.  dnsmasq comes with Debian's dnsmasq-base package.

dns_start()
{
	local dnsmasq
	dnsmasq=$(command -v dnsmasq || ls /usr/sbin/dnsmasq 2>/dev/null || true)
	[ -n "$dnsmasq" ] ||
	    skip "dnsmasq is not installed (apt install dnsmasq-base)"
	DNS_PORT=$(free_port)
	"$dnsmasq" --keep-in-foreground --port="$DNS_PORT" \
	    --listen-address=127.0.0.1 --bind-interfaces --no-resolv \
	    --no-hosts --conf-file=/dev/null --pid-file= --user= \
	    --local=/test/ "$@" </dev/null >/dev/null \
	    2>"$E2E_DIR/dnsmasq.log" &
	e2e_pids+=("$!")
	wait_port "$DNS_PORT" "$!" || fail "dnsmasq did not start: $(cat "$E2E_DIR/dnsmasq.log")"
	export SMTPSCOPE_DNS_SERVER="127.0.0.1:$DNS_PORT"
}

# The demo server alone on a free port: DEMO_PORT.
demo_start()
{
	DEMO_PORT=$(free_port)
	"$SMTPSCOPE" --serve-demo "127.0.0.1:$DEMO_PORT" </dev/null \
	    >"$E2E_DIR/demo.log" 2>&1 &
	e2e_pids+=("$!")
	wait_port "$DEMO_PORT" "$!" || fail "the demo server did not start"
}
