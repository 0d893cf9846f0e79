# lib.sh: drive the real explorer inside a private tmux server (bash).
#
# A scenario sources this file, calls tui_init with its arguments (the
# smtpscope binary, then the hostile-peer binary), starts the explorer with
# tui_start and then acts as a user would:
#
#   tui_start ARGS...       run "smtpscope ARGS" in a fresh 120x40 pane
#   tui_keys KEY...         press keys (tmux key names: Enter, Escape, C-c)
#   tui_type TEXT           type text literally
#   tui_wait_for TEXT [S]   wait until TEXT is on screen (default 10 s)
#   tui_wait_for_re RE [S]  the same for an extended regular expression
#   tui_wait_gone TEXT [S]  wait until TEXT has left the screen
#   tui_expect TEXT         assert TEXT is on screen now
#   tui_expect_not TEXT     assert TEXT is not on screen now
#   tui_region TITLE        print the inside of the pane titled TITLE
#   tui_wait_region TITLE RE  wait until a line of that pane matches RE
#   tui_expect_region TITLE RE / tui_expect_not_region TITLE RE
#   tui_screen              print the visible screen
#   tui_history             print the scrollback and the screen
#   tui_resize COLS ROWS    resize the window as a user dragging it would
#   tui_alive               assert the explorer is still running
#   tui_quit                press q and assert a clean exit (status 0)
#   peer_start CASE         start hostile-peer CASE; sets PEER_PORT
#   tui_expect_safe_tty     no server escape among the terminal's bytes
#   tui_expect_nowhere TEXT TEXT not on screen, scrollback or terminal bytes
#
# Everything the program writes to its terminal is copied byte for byte to
# $TUI_RAW (tmux pipe-pane) from its very first byte: the pane waits for a
# go-ahead before running the command, so the copy is in place first.
#
# tmux runs on a socket of its own in a temporary directory, with a fixed
# size, TERM=tmux-256color and a UTF-8 locale, so the tests neither see nor
# disturb the user's tmux and they can run in parallel.  Everything is torn
# down on exit; TUI_KEEP=1 keeps the directory for a post-mortem.

set -u

TUI_COLS=120
TUI_ROWS=40
TUI_WAIT=10		# default seconds a wait_for waits
TUI_POLL=0.05		# seconds between two looks at the screen
TUI_TITLE=smtpscope-test-title	# a pane title the program must not change
TUI_SKIP=77
TUI_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# meson passes the Python it runs on; a version-manager shim on PATH may
# cost half a second a call.
PYTHON=${PYTHON:-python3}

tui_pids=()

# Print to stderr: meson keeps it in the test log.
tui_log()
{
	printf 'tui[%s]: %s\n' "${TUI_NAME:-?}" "$*" >&2
}

# Stop the test as failed, showing the screen the user would have seen.
tui_fail()
{
	tui_log "FAIL: $*"
	if [ -n "${TUI_SOCK:-}" ] && tmx has-session -t tui 2>/dev/null; then
		tui_log "--- screen ---"
		tui_screen >&2
		tui_log "--- exit status: $(tui_exit_status || true) ---"
	fi
	exit 1
}

tui_skip()
{
	tui_log "SKIP: $*"
	exit "$TUI_SKIP"
}

# tmux on the test's own socket, with the test's own configuration.
tmx()
{
	tmux -S "$TUI_SOCK" -f "$TUI_DIR/tmux.conf" "$@"
}

# Stop the tmux server and whatever the test started; remove the directory.
tui_cleanup()
{
	local pid
	if [ -n "${TUI_SOCK:-}" ]; then
		tmx kill-server 2>/dev/null
	fi
	for pid in "${tui_pids[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if declare -F e2e_cleanup >/dev/null; then
		e2e_cleanup
	fi
	if [ -n "${TUI_DIR:-}" ]; then
		if [ "${TUI_KEEP:-0}" = 1 ]; then
			tui_log "kept $TUI_DIR"
		else
			rm -rf "$TUI_DIR"
		fi
	fi
}

# Take the binaries, make the directory and the tmux configuration.
tui_init()
{
	SMTPSCOPE=${1:-}
	PEER=${2:-}
	TUI_NAME=$(basename "$0" .sh)
	[ -x "$SMTPSCOPE" ] || tui_fail "usage: $0 SMTPSCOPE [HOSTILE-PEER]"
	command -v tmux >/dev/null || tui_skip "tmux is not installed"
	TUI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smtpscope-tui.XXXXXX") ||
	    tui_fail "cannot make a temporary directory"
	TUI_SOCK=$TUI_DIR/tmux.sock
	TUI_RAW=$TUI_DIR/tty.raw
	trap tui_cleanup EXIT
	trap 'exit 130' INT TERM
	# remain-on-exit keeps a crashed pane so its status can be read;
	# set-clipboard on makes tmux obey OSC 52, so a leak would show up
	# as a paste buffer.
	cat > "$TUI_DIR/tmux.conf" <<-EOF
	set -g default-terminal tmux-256color
	set -g remain-on-exit on
	set -g status off
	set -g history-limit 5000
	set -g set-titles off
	set -s set-clipboard on
	set -s escape-time 10
	EOF
	export LC_ALL=C.UTF-8 LANG=C.UTF-8
	export XDG_CONFIG_HOME=$TUI_DIR/config HOME=$TUI_DIR
	unset NO_COLOR SMTPSCOPE_PASSWORD SSLKEYLOGFILE TMUX
}

# Quote a command line for the shell tmux runs it with.
tui_quote()
{
	local out= a
	for a in "$@"; do
		out+=" $(printf '%q' "$a")"
	done
	printf '%s' "${out# }"
}

# Run smtpscope ARGS in a new pane once the byte copy is in place.
tui_start()
{
	local cmd
	# Not exec: the shell records the exit status itself (a death by
	# signal N as 128+N), since tmux 3.3 sometimes never reaps the pane.
	rm -f "$TUI_DIR/exit-status"
	cmd="printf 'tui-gate\\n'; read -r go; $(tui_quote "$SMTPSCOPE" "$@");"
	cmd+=" echo \$? > $(printf '%q' "$TUI_DIR/exit-status.tmp");"
	cmd+=" mv $(printf '%q' "$TUI_DIR/exit-status.tmp")"
	cmd+=" $(printf '%q' "$TUI_DIR/exit-status")"
	tmx new-session -d -s tui -x "$TUI_COLS" -y "$TUI_ROWS" \
	    -e LC_ALL=C.UTF-8 -e TERM=tmux-256color "$cmd" ||
	    tui_fail "cannot start tmux"
	tui_wait_for tui-gate 5
	tmx select-pane -t tui -T "$TUI_TITLE"
	tmx pipe-pane -o -t tui "cat >> $(printf '%q' "$TUI_RAW")"
	tmx send-keys -t tui Enter
}

tui_keys()
{
	tmx send-keys -t tui "$@"
}

tui_type()
{
	tmx send-keys -t tui -l -- "$1"
}

tui_screen()
{
	tmx capture-pane -p -t tui
}

# The whole scrollback of the pane and the visible screen.
tui_history()
{
	tmx capture-pane -p -t tui -S - -E -
}

# Poll the screen until grep OPTS PATTERN matches or SECONDS pass.
tui_poll()
{
	local opts=$1 pattern=$2 want=$3 seconds=$4 deadline
	deadline=$(($(date +%s%N) + seconds * 1000000000))
	while :; do
		if tui_screen | grep -q $opts -- "$pattern"; then
			[ "$want" = present ] && return 0
		else
			[ "$want" = absent ] && return 0
		fi
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep "$TUI_POLL"
	done
}

tui_wait_for()
{
	tui_poll -F "$1" present "${2:-$TUI_WAIT}" ||
	    tui_fail "\"$1\" did not appear within ${2:-$TUI_WAIT} s"
}

tui_wait_for_re()
{
	tui_poll -E "$1" present "${2:-$TUI_WAIT}" ||
	    tui_fail "nothing matching /$1/ appeared within ${2:-$TUI_WAIT} s"
}

tui_wait_gone()
{
	tui_poll -F "$1" absent "${2:-$TUI_WAIT}" ||
	    tui_fail "\"$1\" was still on screen after ${2:-$TUI_WAIT} s"
}

tui_expect()
{
	tui_screen | grep -qF -- "$1" || tui_fail "\"$1\" is not on screen"
}

tui_expect_re()
{
	tui_screen | grep -qE -- "$1" || tui_fail "nothing matches /$1/ on screen"
}

tui_expect_not()
{
	! tui_screen | grep -qF -- "$1" || tui_fail "\"$1\" is on screen"
}

tui_resize()
{
	tmx resize-window -t tui -x "$1" -y "$2" ||
	    tui_fail "cannot resize to $1x$2"
}

# Print the inside of the pane titled TITLE (the capability pane, say), so
# an assertion cannot be satisfied by text in the pane beside it.  The
# explorer gives each pane a title row with the title one column in; a
# pane reaches right to the "|" separator on its title row (or the edge)
# and down to the next pane's title row in the same column (or the status
# line, two rows above the bottom).
TUI_PANE_TITLES='wire capabilities explain help compare'

tui_region()
{
	tui_screen | "$PYTHON" -c '
import re, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
title, titles = sys.argv[1], sys.argv[2].split()
rows = sys.stdin.read().split("\n")
if rows[-1] == "":
    rows.pop()
body = rows[1:max(1, len(rows) - 2)]
def title_at(row, x, name):
    return re.match(re.escape(name) + r"( |$)", row[x + 1:]) is not None
for y, row in enumerate(body):
    at = re.search(r"(^| )" + re.escape(title) + r"( |$)", row)
    if at is None:
        continue
    x = at.start() if at.group(1) else -1
    if x < 0 or not title_at(row, x, title):
        continue
    bar = row.find("|", x + 1)
    right = bar if bar >= 0 else None
    for r in body[y + 1:]:
        if any(title_at(r, x, t) for t in titles):
            break
        print(r[x:right])
    sys.exit(0)
sys.exit(1)' "$1" "$TUI_PANE_TITLES"
}

# Wait until a line inside the pane titled TITLE matches RE.
tui_wait_region()
{
	local title=$1 re=$2 seconds=${3:-$TUI_WAIT} deadline
	deadline=$(($(date +%s%N) + seconds * 1000000000))
	until tui_region "$title" | grep -qE -- "$re"; do
		[ "$(date +%s%N)" -lt "$deadline" ] || tui_fail \
		    "nothing matching /$re/ in the $title pane within $seconds s"
		sleep "$TUI_POLL"
	done
}

tui_expect_region()
{
	tui_region "$1" | grep -qE -- "$2" ||
	    tui_fail "nothing matches /$2/ in the $1 pane"
}

tui_expect_not_region()
{
	! tui_region "$1" | grep -qE -- "$2" ||
	    tui_fail "/$2/ matches in the $1 pane"
}

# Read one tmux format for the pane ("#{pane_title}").
tui_pane()
{
	tmx display -p -t tui "$1"
}

# The program's exit status once it has ended, else nothing.
tui_exit_status()
{
	cat "$TUI_DIR/exit-status" 2>/dev/null
}

tui_alive()
{
	[ -z "$(tui_exit_status)" ] ||
	    tui_fail "the explorer exited (status $(tui_exit_status))"
}

# Wait until the program has exited; SECONDS bounds the wait.
tui_wait_exit()
{
	local i limit=$(( ${1:-$TUI_WAIT} * 20 ))
	for ((i = 0; i < limit; i++)); do
		[ -n "$(tui_exit_status)" ] && return 0
		sleep "$TUI_POLL"
	done
	tui_fail "the explorer did not exit within ${1:-$TUI_WAIT} s"
}

# Quit as a user does and check the program ended cleanly.
tui_quit()
{
	local status
	tui_alive
	tui_keys q
	tui_wait_exit
	status=$(tui_exit_status)
	if [ "$status" -gt 128 ]; then
		tui_fail "the explorer was killed by signal $((status - 128))"
	fi
	[ "$status" = 0 ] || tui_fail "the explorer exited with status $status"
}

# Start hostile-peer CASE on a free loopback port; sets PEER_PORT.
peer_start()
{
	local i file=$TUI_DIR/peer-$1.port
	[ -x "$PEER" ] || tui_fail "no hostile-peer binary given"
	"$PEER" --listen 127.0.0.1:0 --case "$1" --port-file "$file" \
	    --connections "${2:-4}" --time-limit 120 2>"$TUI_DIR/peer-$1.log" &
	tui_pids+=("$!")
	for ((i = 0; i < 250; i++)); do
		[ -s "$file" ] && break
		sleep 0.02
	done
	[ -s "$file" ] || tui_fail "hostile-peer did not start: $(cat "$TUI_DIR/peer-$1.log")"
	PEER_PORT=$(cat "$file")
}

# The terminal bytes carry nothing a server could use to drive it.
tui_expect_safe_tty()
{
	"$PYTHON" "$TUI_LIB_DIR/../peer/terminal-safe.py" tty "$TUI_RAW" >&2 ||
	    tui_fail "the explorer passed server bytes to the terminal"
}

# How many bytes the program has written to its terminal so far.
tui_raw_mark()
{
	stat -c %s "$TUI_RAW" 2>/dev/null || echo 0
}

# A string must not be on screen, in the scrollback, or in any byte
# written to the terminal after MARK (from tui_raw_mark).
tui_expect_hidden_since()
{
	local mark=$1 text=$2
	! tui_history | grep -qF -- "$text" ||
	    tui_fail "\"$text\" is on screen or in the scrollback"
	! tail -c +$((mark + 1)) "$TUI_RAW" | grep -qaF -- "$text" ||
	    tui_fail "\"$text\" was written to the terminal"
}

# The wire pane's line count, from its title row ("31 lines").
tui_wire_count()
{
	tui_screen | grep -oE '[0-9]+ lines' | head -n 1 | cut -d' ' -f1
}

# A string must appear nowhere: not on screen, not in the scrollback, not
# in any byte written to the terminal.
tui_expect_nowhere()
{
	! tui_history | grep -qF -- "$1" ||
	    tui_fail "\"$1\" is on screen or in the scrollback"
	! grep -qaF -- "$1" "$TUI_RAW" ||
	    tui_fail "\"$1\" was written to the terminal"
}

# The AUTH PLAIN flow as a user types it, from the key a to the 235: the
# preselected mechanism, the user name (typed over any offered one), the
# password with echo off; then neither the password nor PLAIN's base64
# forms of it are anywhere.
tui_auth_plain()
{
	local user=$1 password=$2 secret
	tui_keys a
	tui_wait_for_re '[Mm]echanism'
	tui_keys Enter
	tui_wait_for_re '[Uu]ser'
	tui_keys C-u
	tui_type "$user"
	tui_keys Enter
	tui_wait_for_re '[Pp]assword'
	tui_type "$password"
	tui_expect_not "$password"
	tui_keys Enter
	tui_wait_region wire 'S: 235 '
	for secret in "$password" \
	    "$(printf '%s' "$password" | base64 -w0)" \
	    "$(printf '\0%s\0%s' "$user" "$password" | base64 -w0)"; do
		tui_expect_nowhere "$secret"
	done
}
