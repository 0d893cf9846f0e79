#!/bin/bash
# The usual ports one key away (issue 5): 1, 2 and 3 reconnect the same
# host on 25, 587 and 465 (465 with TLS from the first byte).  Against the
# demo server, which listens on one port of its own, the new port is tried
# for real and its outcome reported in words; the session survives, the
# help lists the keys.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire '^ *S: 220 .*ESMTP'
tui_keys 2
tui_wait_region wire 'target changed to port 587'
tui_wait_region wire 'port 587'
tui_keys 3
tui_wait_region wire 'target changed to port 465 with TLS from the first byte'
tui_expect_safe_tty
tui_keys '?'
tui_wait_for_re '1 +reconnect on port 25'
tui_expect_re '3 +reconnect on port 465'
tui_keys Escape
tui_quit
