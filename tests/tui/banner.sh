#!/bin/bash
# The explorer against the demo server shows the banner at once, with the
# header and the footer, and sends nothing until the user presses a key.
. "$(dirname "$0")/lib.sh"
tui_init "$@"

tui_start --demo
tui_wait_region wire '^ *S: 220 .*ESMTP'
tui_expect_not_region wire 'C: '
tui_expect smtpscope
tui_expect_re 'e +EHLO'
tui_expect_re 'q +quit'
tui_expect_safe_tty
tui_quit
