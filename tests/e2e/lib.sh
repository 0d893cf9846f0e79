# lib.sh: shared harness of the smtpscope end-to-end tests (bash).
#
# A test sources this file, calls e2e_init with its arguments (the path of
# the smtpscope binary), then starts what it needs:
#
#   exim_start        a real Exim on two free loopback ports of its own:
#                     EXIM_PORT (STARTTLS, AUTH only after TLS) and
#                     EXIM_TLS_PORT (implicit TLS), with a fresh self-signed
#                     certificate for EXIM_NAME in EXIM_CA (no IP SAN, so a
#                     client connecting to 127.0.0.1 must say --servername).
#   silent_start      a server that accepts and never says a word: SILENT_PORT
#   hostile_start     a server whose replies carry escapes, bells, invalid
#                     UTF-8 and a bare LF: HOSTILE_PORT
#   closed_port       prints a loopback port nobody listens on
#
# Every test has its own temporary directory (E2E_DIR) and ports, so the
# tests run in parallel.  Everything started is stopped on exit.  Set
# E2E_KEEP=1 to keep the directory for a post-mortem.
#
# scope ARGS... runs smtpscope with a time limit and leaves its stdout in
# $E2E_DIR/out, stderr in $E2E_DIR/err and the exit code in RC.  The expect_*
# helpers assert on them and stop the test with a readable message.

set -u

E2E_USER=alice
# Distinctive so a leak is easy to find with grep.
E2E_PASSWORD='Wh1sper-e2e-Pw-7731'
E2E_SKIP=77

e2e_pids=()

# Print to stderr: meson keeps it in the test log.
e2e_log()
{
	printf 'e2e: %s\n' "$*" >&2
}

# Stop the test as failed, showing what the user would have seen.
fail()
{
	e2e_log "FAIL: $*"
	if [ -n "${E2E_DIR:-}" ] && [ -f "$E2E_DIR/out" ]; then
		e2e_log "last command: ${E2E_LAST_CMD:-?} (exit ${RC:-?})"
		e2e_log "--- stdout (first 80 lines) ---"
		head -n 80 "$E2E_DIR/out" >&2
		e2e_log "--- stderr (first 40 lines) ---"
		head -n 40 "$E2E_DIR/err" >&2
	fi
	exit 1
}

# Mark the test skipped (meson's exit code 77) with the reason.
skip()
{
	e2e_log "SKIP: $*"
	exit "$E2E_SKIP"
}

# Stop everything this test started and remove its directory.
e2e_cleanup()
{
	local pid
	for pid in "${e2e_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${e2e_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	exim_stop
	if [ -n "${E2E_DIR:-}" ]; then
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			e2e_log "kept $E2E_DIR"
		else
			rm -rf "$E2E_DIR"
		fi
	fi
}

# Take the binary path, make the test's directory, arrange the cleanup.
e2e_init()
{
	SMTPSCOPE=${1:-${SMTPSCOPE:-}}
	[ -n "$SMTPSCOPE" ] || fail "usage: $0 PATH-TO-SMTPSCOPE"
	[ -x "$SMTPSCOPE" ] || fail "$SMTPSCOPE is not an executable"
	command -v jq >/dev/null || skip "jq is not installed"
	command -v perl >/dev/null || skip "perl is not installed"
	E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smtpscope-e2e.XXXXXX") ||
	    fail "cannot make a temporary directory"
	# Exim's receiving processes run as the Exim user and must reach
	# their spool and log below this directory.
	chmod 755 "$E2E_DIR"
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
	printf '%s\n' "$E2E_PASSWORD" > "$E2E_DIR/password"
	chmod 600 "$E2E_DIR/password"
	# The session must not pick the password up from the environment
	# unless a test asks for it.
	unset SMTPSCOPE_PASSWORD SSLKEYLOGFILE
}

# A loopback port that was free a moment ago (the kernel's choice).
free_port()
{
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
		    LocalPort => 0, Listen => 1, ReuseAddr => 0) or die "$!\n";
		print $s->sockport, "\n";'
}

# A port nobody listens on: taken from the kernel and given back.
closed_port()
{
	free_port
}

# Wait until something accepts connections on 127.0.0.1:$1 (up to ~10 s);
# give up at once if process $2 (when given) has died.
wait_port()
{
	local port=$1 pid=${2:-} i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
	return 1
}

# A self-signed certificate for mx.smtpscope.test, DNS name only.
make_cert()
{
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -keyout "$E2E_DIR/key.pem" -out "$E2E_DIR/cert.pem" \
	    -subj "/CN=$EXIM_NAME/O=smtpscope e2e" \
	    -addext "subjectAltName=DNS:$EXIM_NAME" \
	    >"$E2E_DIR/openssl.log" 2>&1 ||
	    { cat "$E2E_DIR/openssl.log" >&2; fail "openssl req failed"; }
	chmod 644 "$E2E_DIR/cert.pem" "$E2E_DIR/key.pem"
	EXIM_CA=$E2E_DIR/cert.pem
	# What a user adds to trust this server when connecting by address.
	EXIM_TRUST=(--ca "$EXIM_CA" --servername "$EXIM_NAME")
}

# Write the Exim configuration for the chosen ports.
exim_config()
{
	local template
	template=$(dirname "${BASH_SOURCE[0]}")/exim.conf.in
	sed -e "s|@PORT_SMTP@|$EXIM_PORT|g" \
	    -e "s|@PORT_SMTPS@|$EXIM_TLS_PORT|g" \
	    -e "s|@DIR@|$E2E_DIR|g" \
	    -e "s|@EXIM_USER@|$EXIM_USER|g" \
	    -e "s|@EXIM_GROUP@|$EXIM_GROUP|g" \
	    -e "s|@USER@|$E2E_USER|g" \
	    -e "s|@PASSWORD@|$E2E_PASSWORD|g" \
	    "$template" > "$E2E_DIR/exim.conf" || fail "cannot write exim.conf"
	# Exim refuses a configuration others could write.
	chmod 644 "$E2E_DIR/exim.conf"
}

# Wait (up to ~10 s) for the daemon's "listening" line, which Exim logs
# once every port is bound.  Reading the log instead of connecting leaves
# no half-open probe connection whose handler would log after cleanup.
exim_wait_listening()
{
	local i
	for i in $(seq 1 100); do
		if grep -q "daemon started.*listening.*:$EXIM_TLS_PORT" \
		    "$E2E_DIR/log/mainlog" 2>/dev/null; then
			return 0
		fi
		kill -0 "$EXIM_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Stop the daemon and wait for the processes it forked (connection
# handlers, deliveries): they carry our private configuration's path on
# their command line, and one still running could write its log into the
# directory after we remove it.
exim_stop()
{
	local pids i
	[ -n "${EXIM_PID:-}" ] || return 0
	kill "$EXIM_PID" 2>/dev/null
	wait "$EXIM_PID" 2>/dev/null
	for i in $(seq 1 30); do
		pids=$(pgrep -f -- "-C $E2E_DIR/exim.conf" || true)
		[ -z "$pids" ] && return 0
		sleep 0.1
	done
	kill $pids 2>/dev/null
	sleep 0.2
}

# One attempt at starting the daemon; 0 when it listens on both ports.
exim_try_start()
{
	EXIM_PORT=$(free_port) && EXIM_TLS_PORT=$(free_port) || return 1
	[ "$EXIM_PORT" != "$EXIM_TLS_PORT" ] || return 1
	exim_config
	# -bdf: daemon in the foreground, so the pid is ours to stop.
	# -C as root: the caller is root, so Exim keeps the privilege it
	# needs to switch its receiving processes to the Exim user.
	"$EXIM" -C "$E2E_DIR/exim.conf" -bdf -oP "$E2E_DIR/exim.pid" \
	    </dev/null >"$E2E_DIR/exim.stdout" 2>&1 &
	EXIM_PID=$!
	e2e_pids+=("$EXIM_PID")
	if exim_wait_listening; then
		return 0
	fi
	exim_stop
	EXIM_PID=
	return 1
}

# Start a private Exim; see the top of this file for what it offers.
exim_start()
{
	local try
	EXIM=$(command -v exim4 || command -v exim || true)
	[ -n "$EXIM" ] || skip "exim4 is not installed (apt install exim4-daemon-light)"
	[ "$(id -u)" = 0 ] || skip "the Exim tests start exim4 -C and need root"
	EXIM_USER=$(id -un Debian-exim 2>/dev/null || echo exim)
	EXIM_GROUP=$(id -gn "$EXIM_USER" 2>/dev/null || echo exim)
	EXIM_NAME=mx.smtpscope.test
	mkdir -p "$E2E_DIR/spool" "$E2E_DIR/log"
	chown "$EXIM_USER:$EXIM_GROUP" "$E2E_DIR/spool" "$E2E_DIR/log"
	make_cert
	for try in 1 2 3 4 5; do
		if exim_try_start; then
			return 0
		fi
		e2e_log "exim did not start (try $try):"
		cat "$E2E_DIR/exim.stdout" "$E2E_DIR/log/paniclog" >&2 2>/dev/null
	done
	fail "cannot start exim"
}

# Start a perl server on a free port and set SERVER_PORT; the server writes
# its port to a file.  $1 names the files, $2 is the perl code run for each
# client ($c).  Not in a subshell: the pid must reach e2e_pids.
perl_server_start()
{
	local name=$1 code=$2 i
	perl -MIO::Socket::INET -e '
		$SIG{TERM} = sub { exit 0 };
		my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
		    LocalPort => 0, Listen => 16, ReuseAddr => 1) or die "$!\n";
		open(my $f, ">", $ARGV[0] . ".tmp") or die "$!\n";
		print $f $l->sockport, "\n";
		close $f;
		rename($ARGV[0] . ".tmp", $ARGV[0]);
		my @keep;
		while (my $c = $l->accept) {
			$c->autoflush(1);
			push @keep, $c;
			eval $ARGV[1];
			die $@ if $@;
		}' "$E2E_DIR/$name.port" "$code" \
	    </dev/null >/dev/null 2>"$E2E_DIR/$name.log" &
	e2e_pids+=("$!")
	for i in $(seq 1 100); do
		[ -s "$E2E_DIR/$name.port" ] && break
		sleep 0.1
	done
	[ -s "$E2E_DIR/$name.port" ] || fail "the $name server did not start"
	SERVER_PORT=$(cat "$E2E_DIR/$name.port")
}

# A server that accepts connections, keeps them open and never answers.
silent_start()
{
	perl_server_start silent '1;'
	SILENT_PORT=$SERVER_PORT
}

# A server whose every reply hides terminal escapes, a bell, invalid
# UTF-8, a NUL and a bare LF; it ends the dialog politely on QUIT.
hostile_start()
{
	perl_server_start hostile '
		print $c "220 evil.test \e[2J\e]0;pwned\a ESMTP \xff\xfe ok\r\n";
		while (my $line = <$c>) {
			if ($line =~ /^QUIT/i) {
				print $c "221 bye \e[31mred\e[0m\r\n";
				last;
			} elsif ($line =~ /^(EHLO|HELO)/i) {
				print $c "250-evil.test \e[1;1H\e[Kclear\n";
				print $c "250-SIZE 1000\x00\r\n";
				print $c "250 HELP\x07\r\n";
			} else {
				print $c "502 5.5.2 no \e[5mblink\e[0m\r\n";
			}
		}
		close $c; @keep = ();'
	HOSTILE_PORT=$SERVER_PORT
}

# Run smtpscope; stdout, stderr and the exit code land in out, err, RC.
scope()
{
	E2E_LAST_CMD="smtpscope $*"
	timeout -k 5 60 "$SMTPSCOPE" "$@" </dev/null \
	    >"$E2E_DIR/out" 2>"$E2E_DIR/err"
	RC=$?
	[ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] ||
	    fail "smtpscope did not finish within 60 s"
}

expect_rc()
{
	[ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1${2:+ ($2)}"
}

# The JSON on stdout satisfies a jq expression (jq -e: false/null fail).
expect_json()
{
	local expr=$1 what=${2:-$1}
	jq -e . "$E2E_DIR/out" >/dev/null 2>&1 ||
	    fail "stdout is not one JSON document"
	jq -e "$expr" "$E2E_DIR/out" >/dev/null 2>"$E2E_DIR/jq.err" ||
	    fail "JSON check failed: $what [jq: $expr $(cat "$E2E_DIR/jq.err")]"
}

# stdout+stderr match an extended regular expression, case-insensitive.
expect_text()
{
	cat "$E2E_DIR/out" "$E2E_DIR/err" | grep -qiE -- "$1" ||
	    fail "output does not mention /$1/${2:+ ($2)}"
}

expect_no_text()
{
	! cat "$E2E_DIR/out" "$E2E_DIR/err" | grep -qiE -- "$1" ||
	    fail "output mentions /$1/${2:+ ($2)}"
}

# Neither stream may carry a byte a terminal would act on: C0 controls
# other than tab and newline, DEL, or the C1 range encoded as UTF-8.
expect_no_raw_controls()
{
	local f
	for f in out err; do
		if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' \
		    "$E2E_DIR/$f"; then
			LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' \
			    "$E2E_DIR/$f" | head -n 5 | cat -v >&2
			fail "raw control bytes in $f"
		fi
	done
}

# The password (and its base64 forms) must appear nowhere we print.
expect_no_secret()
{
	local f needle
	for needle in "$E2E_PASSWORD" \
	    "$(printf '%s' "$E2E_PASSWORD" | base64 -w0)" \
	    "$(printf '\0%s\0%s' "$E2E_USER" "$E2E_PASSWORD" | base64 -w0)"; do
		for f in out err; do
			! grep -qF -- "$needle" "$E2E_DIR/$f" ||
			    fail "the password leaks into $f (as '$needle')"
		done
	done
}
