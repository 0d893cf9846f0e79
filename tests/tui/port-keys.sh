#!/bin/bash
# The port keys at 80x24 (issue 5: 25, 587 and 465 one key away): the
# header shows the port the next connect uses, 2 moves to 587 where nobody
# listens here and the status line says "connection refused" in words, 3
# moves to 465 with TLS from the first byte, 0 goes back to the demo's own
# port, where the banner comes again and EHLO still works: the session
# survived.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

# Is something listening on a loopback port (then a refusal is not ours
# to expect)?
port_open()
{
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

tui_start --demo
tui_resize 80 24
tui_wait_region wire '^ *S: 220 .*ESMTP'
demo_port=$(tui_screen | head -n 1 | grep -oE 'port [0-9]+' | head -n 1)
[ -n "$demo_port" ] || tui_fail "no port in the header: $(tui_screen | head -n 1)"

tui_keys 2
tui_wait_for_re '^ smtpscope .*port 587 '
tui_wait_region wire 'target changed to port 587'
if ! port_open 587; then
	tui_wait_for 'connection refused: nothing listens on 127.0.0.1 port 587'
fi
tui_alive

tui_keys 3
tui_wait_for_re '^ smtpscope .*port 465 implicit TLS'
tui_wait_region wire 'target changed to port 465'

tui_keys 0
tui_wait_for_re "^ smtpscope .*$demo_port "
tui_wait_for_re '^ smtpscope .* ready '
[ "$(tui_screen | grep -cE 'S: 220 .*ESMTP')" -ge 1 ] ||
    tui_fail "no banner after going back"
tui_keys e
tui_wait_for 'ok: EHLO'
tui_expect_safe_tty
tui_quit
