# tls-lib.sh: what the TLS tests (issue 9) add to lib.sh (bash).
#
#   tlspeer_start [ARGS...]  tests/peer/smtp-tls-peer.py on two free
#                         loopback ports: TLSPEER_PORT (STARTTLS) and
#                         TLSPEER_TLS_PORT (implicit TLS); ARGS go to the
#                         peer (--min 1.3, --max 1.2, --client-ca FILE ...).
#                         Its certificate is signed by TLSPEER_CA for
#                         TLSPEER_NAME (DNS SAN only); TLSPEER_TRUST holds
#                         the options that verify it.  Each connection it
#                         served is a JSON line in TLSPEER_LOG once it ended.
#   tlspeer_stop          stop it (tlspeer_start again for other versions)
#   tlspeer_wait_log N    wait until TLSPEER_LOG has N lines
#   expect_tlspeer JQ     the last connection logged satisfies JQ
#   client_cert_make      a client CA and a client certificate signed by it:
#                         CLIENT_CA, CLIENT_CERT, CLIENT_KEY, CLIENT_SUBJECT,
#                         CLIENT_SHA256 (upper-case hex, colon-separated)
#   tls_has_13            0 when this smtpscope speaks TLS 1.3 (--tls-max)
#   tls_leaf_make N ...  a server certificate of a given flaw, signed by
#                         TLSPEER_CA: expired, SHA-1, RSA 1024, usages...
#
# The names differ from tests/tui/lib.sh's (peer_start, PEER_PORT: the
# hostile peer), so a TUI scenario can source both.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TLSPEER_NAME=peer.smtpscope.test
TLSPEER_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")/../peer" && pwd)/smtp-tls-peer.py
TLSPEER_PID=

# A CA and a leaf it signs; $1 names the files, $2 the leaf's subject,
# $3 its extensions.
tls_ca_and_leaf()
{
	local n=$1 subj=$2 ext=$3 d=$E2E_DIR
	{
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -days 2 -keyout "$d/$n-ca.key" -out "$d/$n-ca.pem" \
		    -subj "/CN=smtpscope $n test CA" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		    -keyout "$d/$n.key" -out "$d/$n.csr" -subj "$subj" &&
		printf '%s\n' "$ext" > "$d/$n.ext" &&
		openssl x509 -req -in "$d/$n.csr" -CA "$d/$n-ca.pem" \
		    -CAkey "$d/$n-ca.key" -CAcreateserial -days 2 \
		    -extfile "$d/$n.ext" -out "$d/$n.pem"
	} >"$d/$n-openssl.log" 2>&1 ||
	    { cat "$d/$n-openssl.log" >&2; fail "cannot make the $n certificates"; }
}

# The peer's certificates, made once per test.
tlspeer_cert_make()
{
	[ -s "$E2E_DIR/peer.pem" ] && return 0
	tls_ca_and_leaf peer "/CN=$TLSPEER_NAME/O=smtpscope e2e" \
	    "subjectAltName=DNS:$TLSPEER_NAME"
	TLSPEER_CA=$E2E_DIR/peer-ca.pem
	TLSPEER_TRUST=(--ca "$TLSPEER_CA" --servername "$TLSPEER_NAME")
}

# Start the python peer with ARGS; see the top of this file.
tlspeer_start()
{
	local i
	command -v "${PYTHON:-python3}" >/dev/null ||
	    skip "python3 is not installed"
	tlspeer_cert_make
	TLSPEER_LOG=$E2E_DIR/peer.log
	rm -f "$E2E_DIR/ports" "$TLSPEER_LOG"
	"${PYTHON:-python3}" "$TLSPEER_PY" --dir "$E2E_DIR" \
	    --cert "$E2E_DIR/peer.pem" --key "$E2E_DIR/peer.key" \
	    --user "$E2E_USER" --password-file "$E2E_DIR/password" "$@" \
	    </dev/null >"$E2E_DIR/peer.out" 2>&1 &
	TLSPEER_PID=$!
	e2e_pids+=("$TLSPEER_PID")
	for i in $(seq 1 100); do
		[ -s "$E2E_DIR/ports" ] && break
		kill -0 "$TLSPEER_PID" 2>/dev/null ||
		    { cat "$E2E_DIR/peer.out" >&2; fail "the python peer died"; }
		sleep 0.1
	done
	[ -s "$E2E_DIR/ports" ] ||
	    { cat "$E2E_DIR/peer.out" >&2; fail "the python peer did not start"; }
	read -r TLSPEER_PORT TLSPEER_TLS_PORT < "$E2E_DIR/ports"
}

tlspeer_stop()
{
	[ -n "$TLSPEER_PID" ] || return 0
	kill "$TLSPEER_PID" 2>/dev/null
	wait "$TLSPEER_PID" 2>/dev/null
	TLSPEER_PID=
}

# Wait (up to ~10 s) until the peer logged N connections.
tlspeer_wait_log()
{
	local n=$1 i
	for i in $(seq 1 100); do
		[ "$(wc -l < "$TLSPEER_LOG" 2>/dev/null || echo 0)" -ge "$n" ] &&
		    return 0
		sleep 0.1
	done
	fail "the peer logged $(wc -l < "$TLSPEER_LOG" 2>/dev/null) connections, expected $n"
}

# The last connection the peer logged satisfies a jq expression.
expect_tlspeer()
{
	tail -n 1 "$TLSPEER_LOG" | jq -e "$1" >/dev/null ||
	    fail "the peer saw otherwise: ${2:-$1} [$(tail -n 1 "$TLSPEER_LOG")]"
}

# A client certificate from a CA of its own.
client_cert_make()
{
	tls_ca_and_leaf client "/CN=alice@smtpscope.test/O=smtpscope e2e client" \
	    "extendedKeyUsage=clientAuth"
	CLIENT_CA=$E2E_DIR/client-ca.pem
	CLIENT_CERT=$E2E_DIR/client.pem
	CLIENT_KEY=$E2E_DIR/client.key
	chmod 600 "$CLIENT_KEY"
	CLIENT_SHA256=$(openssl x509 -in "$CLIENT_CERT" -noout -fingerprint \
	    -sha256 | sed 's/^.*=//')
	CLIENT_SUBJECT=alice@smtpscope.test
}

# Does this smtpscope speak TLS 1.3 (it has --tls-max since it does)?
tls_has_13()
{
	"$SMTPSCOPE" --help 2>&1 | grep -q -- '--tls-max'
}

# A leaf for TLSPEER_NAME's server, signed by TLSPEER_CA with `openssl ca`
# (which sets any dates): $1 names it ($E2E_DIR/$1.pem and .key), then
# key=ec|rsa1024|rsa2048 md=sha256|sha1 start=YYYYMMDDHHMMSSZ end=... (or days=N),
# san=DNS:..., eku=..., ku=... as NAME=VALUE words.
tls_leaf_make()
{
	local n=$1 key=ec md=sha256 start= end= days=2 san="DNS:$TLSPEER_NAME"
	local eku= ku= d=$E2E_DIR w dates
	shift
	for w in "$@"; do
		case $w in
		key=*) key=${w#key=} ;; md=*) md=${w#md=} ;;
		start=*) start=${w#start=} ;; end=*) end=${w#end=} ;;
		days=*) days=${w#days=} ;; san=*) san=${w#san=} ;;
		eku=*) eku=${w#eku=} ;; ku=*) ku=${w#ku=} ;;
		*) fail "tls_leaf_make: unknown $w" ;;
		esac
	done
	tlspeer_cert_make
	mkdir -p "$d/ca-db"
	[ -f "$d/ca-db/serial" ] || echo 1000 > "$d/ca-db/serial"
	touch "$d/ca-db/index.txt"
	{
		printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s\n' "$d/ca-db/index.txt"
		printf 'new_certs_dir = %s\nserial = %s\n' "$d/ca-db" "$d/ca-db/serial"
		printf 'policy = p\nunique_subject = no\ncopy_extensions = none\n'
		printf '[p]\ncommonName = supplied\n[ext]\nsubjectAltName = %s\n' "$san"
		[ -z "$eku" ] || printf 'extendedKeyUsage = %s\n' "$eku"
		[ -z "$ku" ] || printf 'keyUsage = %s\n' "$ku"
	} > "$d/ca-$n.cnf"
	if [ -n "$start" ]; then
		dates=(-startdate "$start" -enddate "$end")
	else
		dates=(-days "$days")
	fi
	case $key in
	ec)	key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
	rsa1024) key=(-newkey rsa:1024) ;;
	rsa2048) key=(-newkey rsa:2048) ;;
	*)	fail "tls_leaf_make: unknown key $key" ;;
	esac
	{
		openssl req "${key[@]}" -nodes -keyout "$d/$n.key" \
		    -out "$d/$n.csr" -subj "/CN=$TLSPEER_NAME/O=smtpscope e2e $n" &&
		openssl ca -batch -config "$d/ca-$n.cnf" -cert "$TLSPEER_CA" \
		    -keyfile "$d/peer-ca.key" -in "$d/$n.csr" -out "$d/$n.pem" \
		    -md "$md" "${dates[@]}" -extensions ext -notext
	} >"$d/$n-openssl.log" 2>&1 ||
	    { cat "$d/$n-openssl.log" >&2; fail "cannot make the $n certificate"; }
}
