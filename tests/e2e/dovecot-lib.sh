# dovecot-lib.sh: a private Dovecot submission server for the end-to-end
# tests of modern authentication (bash; source it after lib.sh).
#
#   dovecot_start     Dovecot's submission service (dovecot-submissiond)
#                     on two free loopback ports of its own:
#                     DOVECOT_PORT (STARTTLS) and DOVECOT_TLS_PORT
#                     (implicit TLS), with a fresh self-signed certificate
#                     (DOVECOT_TRUST holds the options that trust it).
#                     AUTH is offered only inside TLS: PLAIN, LOGIN,
#                     SCRAM-SHA-1 and SCRAM-SHA-256 against a passwd-file
#                     holding E2E_USER's password as a SCRAM-SHA-256 hash
#                     (and E2E_USER_SHA1's, the same, as SCRAM-SHA-1),
#                     and OAUTHBEARER and XOAUTH2 against Dovecot's oauth2
#                     passdb, which validates JWT tokens locally with an
#                     HS256 key made for this test (no token server).
#   dovecot_token     prints a JWT for E2E_USER signed with that key
#                     (or, with "bad", with another key; "expired", one
#                     that expired an hour ago)
#
# Submission needs a relay for the mail it accepts: a small perl SMTP
# server on a free port plays it (RELAY_PORT).  Everything lives in
# E2E_DIR/dovecot and is stopped by the exit trap of lib.sh.
#
# Tokens go to files (E2E_TOKEN, E2E_TOKEN_BAD), read by smtpscope with
# --password-file like a password; expect_no_token greps every output for
# them and their base64 forms.

DOVECOT_NAME=mx.smtpscope.test
E2E_USER_SHA1=sha1-alice

# A JWT for E2E_USER, HS256 over the test's key; $1: good, bad or expired.
dovecot_token()
{
	python3 - "$DOVECOT_DIR/keys/default/HS256/default" "$E2E_USER" \
	    "${1:-good}" <<'EOF'
import base64, hashlib, hmac, json, sys, time
path, user, kind = sys.argv[1:4]
key = base64.b64decode(open(path).read())
if kind == "bad":
    key = b"not-" + key
def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
exp = now - 3600 if kind == "expired" else now + 3600
head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64url(json.dumps({"sub": user, "iat": now - 60 if kind != "expired"
    else now - 7200, "exp": exp}).encode())
sig = hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest()
print(head + "." + body + "." + b64url(sig))
EOF
}

# The relay that submission passes accepted mail to: answers everything.
dovecot_relay_start()
{
	perl_server_start relay '
		print $c "220 relay.smtpscope.test ESMTP\r\n";
		while (my $line = <$c>) {
			if ($line =~ /^(EHLO|HELO)/i) {
				print $c "250-relay.smtpscope.test\r\n";
				print $c "250-8BITMIME\r\n250 PIPELINING\r\n";
			} elsif ($line =~ /^QUIT/i) {
				print $c "221 bye\r\n";
				last;
			} elsif ($line =~ /^DATA/i) {
				print $c "354 go on\r\n";
				while (my $l = <$c>) { last if $l =~ /^\.\r?\n$/; }
				print $c "250 discarded\r\n";
			} else {
				print $c "250 ok\r\n";
			}
		}
		close $c; @keep = ();'
	RELAY_PORT=$SERVER_PORT
}

# The password file (SCRAM-SHA-256 hash) and the oauth2 validation key.
dovecot_credentials()
{
	local hash
	# A SCRAM hash serves only its own mechanism (and PLAIN, LOGIN), so
	# SCRAM-SHA-1 has a user of its own.
	hash=$(doveadm pw -s SCRAM-SHA-256 -p "$E2E_PASSWORD") ||
	    fail "doveadm pw failed"
	printf '%s:%s\n' "$E2E_USER" "$hash" > "$DOVECOT_DIR/passwd"
	hash=$(doveadm pw -s SCRAM-SHA-1 -p "$E2E_PASSWORD") ||
	    fail "doveadm pw failed"
	printf '%s:%s\n' "$E2E_USER_SHA1" "$hash" >> "$DOVECOT_DIR/passwd"
	# The lookup key of local validation is shared/<azp>/<alg>/<kid>,
	# "default" for a token without azp and kid; an HMAC key is stored
	# in base64.
	mkdir -p "$DOVECOT_DIR/keys/default/HS256"
	head -c 32 /dev/urandom | base64 -w0 \
	    > "$DOVECOT_DIR/keys/default/HS256/default"
	cat > "$DOVECOT_DIR/oauth2.conf" <<EOF
introspection_mode = local
local_validation_key_dict = fs:posix:prefix=$DOVECOT_DIR/keys/
username_attribute = sub
EOF
	# The auth process runs as the dovecot user and reads them.
	chmod -R a+rX "$DOVECOT_DIR"
	E2E_TOKEN=$E2E_DIR/token
	E2E_TOKEN_BAD=$E2E_DIR/token-bad
	dovecot_token good > "$E2E_TOKEN" && dovecot_token bad > "$E2E_TOKEN_BAD" ||
	    fail "cannot make the test's tokens"
	chmod 600 "$E2E_TOKEN" "$E2E_TOKEN_BAD"
}

# Write dovecot.conf for the chosen ports.
dovecot_config()
{
	cat > "$DOVECOT_DIR/dovecot.conf" <<EOF
# Written by tests/e2e/dovecot-lib.sh for one test; removed with it.
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_DIR/dovecot.log
protocols = submission
listen = 127.0.0.1
hostname = $DOVECOT_NAME
ssl = yes
ssl_cert = <$EXIM_CA
ssl_key = <$E2E_DIR/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login scram-sha-1 scram-sha-256 oauthbearer xoauth2
auth_verbose = yes
first_valid_uid = 1
mail_location = maildir:$DOVECOT_DIR/home/Maildir
submission_relay_host = 127.0.0.1
submission_relay_port = $RELAY_PORT
passdb {
  driver = passwd-file
  args = $DOVECOT_DIR/passwd
  mechanisms = plain login scram-sha-1 scram-sha-256
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $DOVECOT_DIR/oauth2.conf
}
userdb {
  driver = static
  args = uid=dovenull gid=dovenull home=$DOVECOT_DIR/home
}
service submission-login {
  inet_listener submission {
    port = $DOVECOT_PORT
  }
  inet_listener submissions {
    port = $DOVECOT_TLS_PORT
    ssl = yes
  }
}
EOF
}

# Stop the master (it stops its children) and wait for it.
dovecot_stop()
{
	[ -n "${DOVECOT_PID:-}" ] || return 0
	kill "$DOVECOT_PID" 2>/dev/null
	wait "$DOVECOT_PID" 2>/dev/null
	DOVECOT_PID=
}

# One attempt at starting Dovecot; 0 when both ports accept.
dovecot_try_start()
{
	DOVECOT_PORT=$(free_port) && DOVECOT_TLS_PORT=$(free_port) || return 1
	[ "$DOVECOT_PORT" != "$DOVECOT_TLS_PORT" ] || return 1
	dovecot_config
	rm -rf "$DOVECOT_DIR/run"
	# -F: the master stays in the foreground, so its pid is ours.
	dovecot -F -c "$DOVECOT_DIR/dovecot.conf" </dev/null \
	    >"$DOVECOT_DIR/dovecot.stdout" 2>&1 &
	DOVECOT_PID=$!
	e2e_pids+=("$DOVECOT_PID")
	if wait_port "$DOVECOT_PORT" "$DOVECOT_PID" &&
	    wait_port "$DOVECOT_TLS_PORT" "$DOVECOT_PID"; then
		return 0
	fi
	dovecot_stop
	return 1
}

# Start the private Dovecot; see the top of this file for what it offers.
dovecot_start()
{
	local try
	command -v dovecot >/dev/null ||
	    skip "dovecot is not installed (apt install dovecot-core dovecot-submissiond)"
	[ -x /usr/lib/dovecot/submission-login ] ||
	    skip "Dovecot's submission service is missing (apt install dovecot-submissiond)"
	command -v python3 >/dev/null || skip "python3 is not installed"
	[ "$(id -u)" = 0 ] || skip "the Dovecot tests start dovecot -c and need root"
	DOVECOT_DIR=$E2E_DIR/dovecot
	mkdir -p "$DOVECOT_DIR/home" "$DOVECOT_DIR/state"
	EXIM_NAME=$DOVECOT_NAME
	make_cert
	DOVECOT_TRUST=("${EXIM_TRUST[@]}")
	dovecot_credentials
	dovecot_relay_start
	for try in 1 2 3 4 5; do
		if dovecot_try_start; then
			return 0
		fi
		e2e_log "dovecot did not start (try $try):"
		cat "$DOVECOT_DIR/dovecot.stdout" "$DOVECOT_DIR/dovecot.log" >&2 2>/dev/null
	done
	fail "cannot start dovecot"
}

# The base64 forms a token travels in: alone, and inside the XOAUTH2
# (RFC-less, Google's) and OAUTHBEARER (RFC 7628) initial responses.
token_forms()
{
	local tok
	tok=$(cat "$1")
	printf '%s\n' "$tok" "${tok##*.}"
	printf '%s' "$tok" | base64 -w0; echo
	printf 'user=%s\001auth=Bearer %s\001\001' "$E2E_USER" "$tok" | base64 -w0; echo
	printf 'n,a=%s,\001auth=Bearer %s\001\001' "$E2E_USER" "$tok" | base64 -w0; echo
	printf 'n,,\001auth=Bearer %s\001\001' "$tok" | base64 -w0; echo
}

# No token, signature or base64 form of one in any of the files given
# (default: stdout and stderr of the last run).
expect_no_token()
{
	local f needle tokfile
	[ $# -gt 0 ] || set -- "$E2E_DIR/out" "$E2E_DIR/err"
	for tokfile in "$E2E_TOKEN" "$E2E_TOKEN_BAD"; do
		while IFS= read -r needle; do
			[ -n "$needle" ] || continue
			for f in "$@"; do
				! grep -qF -- "$needle" "$f" ||
				    fail "a token leaks into $f (as '${needle:0:12}...')"
			done
		done < <(token_forms "$tokfile")
	done
}

# No password, nor its base64 forms, in any of the files given.
expect_no_password_in()
{
	local f needle
	for needle in "$E2E_PASSWORD" \
	    "$(printf '%s' "$E2E_PASSWORD" | base64 -w0)" \
	    "$(printf '\0%s\0%s' "$E2E_USER" "$E2E_PASSWORD" | base64 -w0)"; do
		for f in "$@"; do
			! grep -qF -- "$needle" "$f" ||
			    fail "the password leaks into $f"
		done
	done
}

# The explorer (tests/tui/lib.sh) against this Dovecot, stepped as a user
# would to the EHLO inside TLS whose AUTH line the login scenarios need.
# At 80x24 the panes hold a few lines each: it waits on the status line and
# the header instead.
dovecot_explorer_in_tls()
{
	tui_start --timeout 10 "${DOVECOT_TRUST[@]}" "127.0.0.1:$DOVECOT_PORT"
	tui_wait_region wire 'S: 220 .*Dovecot'
	tui_keys e
	tui_wait_for 'ok: EHLO'
	tui_keys s
	tui_wait_for_re 'TLSv1\.[23] cert verified'
	tui_wait_gone 'ok: EHLO'
	tui_keys e
	tui_wait_region capabilities '^ *AUTH .* yes +yes'
}
