#!/bin/bash
# "smtpscope DOMAIN" when the domain has several mail exchangers (issue 5,
# Domains): a screen of its own lists them best first; j and Enter pick
# the second, the explorer connects to it and its wire pane starts with
# the MX notes.  q on the list leaves at once, with status 0.  The DNS is
# a private dnsmasq, the SMTP server --serve-demo on 127.0.0.1 only, so
# mx2 (127.0.0.2) refuses the connection and the status line says so in
# words; the session lives on, and 1 Enter on a new run takes mx1, which
# answers with the demo's banner.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

dnsmasq=$(command -v dnsmasq || ls /usr/sbin/dnsmasq 2>/dev/null || true)
[ -n "$dnsmasq" ] || tui_skip "dnsmasq is not installed (dnsmasq-base)"

# A free loopback port, from the kernel.
free_port()
{
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Wait until something accepts connections on a loopback port.
wait_port()
{
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

DEMO_PORT=$(free_port)
"$SMTPSCOPE" --serve-demo "127.0.0.1:$DEMO_PORT" </dev/null \
    >"$TUI_DIR/demo.log" 2>&1 &
tui_pids+=("$!")
DNS_PORT=$(free_port)
"$dnsmasq" --keep-in-foreground --port="$DNS_PORT" \
    --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --conf-file=/dev/null --pid-file= --user= --local=/test/ \
    --mx-host=example.test,mx2.example.test,20 \
    --mx-host=example.test,mx1.example.test,10 \
    --host-record=mx1.example.test,127.0.0.1 \
    --host-record=mx2.example.test,127.0.0.2 \
    </dev/null >/dev/null 2>"$TUI_DIR/dnsmasq.log" &
tui_pids+=("$!")
wait_port "$DEMO_PORT" || tui_fail "the demo server did not start"
wait_port "$DNS_PORT" || tui_fail "dnsmasq did not start: $(cat "$TUI_DIR/dnsmasq.log")"
# The pane's shell inherits this from the tmux server tui_start starts.
export SMTPSCOPE_DNS_SERVER=127.0.0.1:$DNS_PORT

# q on the list: nothing is explored, a clean exit.
tui_start --no-verify --port "$DEMO_PORT" example.test
tui_wait_for 'example.test has 2 mail exchangers'
tui_expect_re '> +1 +10 +mx1\.example\.test'
tui_expect_re '2 +20 +mx2\.example\.test'
tui_expect_re 'Enter +connect'
tui_quit

# j Enter: the second, which refuses; the notes say which one it is.
tmx kill-session -t tui
tui_start --no-verify --port "$DEMO_PORT" example.test
tui_wait_for 'example.test has 2 mail exchangers'
tui_keys j
tui_wait_for_re '> +2 +20 +mx2\.example\.test'
tui_keys Enter
tui_wait_region wire 'I: MX for example\.test: 10 mx1\.example\.test'
tui_wait_region wire 'exchanger 2 of 2: mx2\.example\.test'
tui_wait_for 'connection refused'
tui_expect_safe_tty
tui_alive
tui_quit

# 1: the best one at once, which answers.
tmx kill-session -t tui
tui_start --no-verify --port "$DEMO_PORT" example.test
tui_wait_for 'example.test has 2 mail exchangers'
tui_keys 1
tui_wait_region wire '^ *S: 220 .*ESMTP'
tui_expect_region wire 'exchanger 1 of 2: mx1\.example\.test'
tui_keys e
tui_wait_region wire 'S: 250 '
tui_quit
