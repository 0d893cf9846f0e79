/*
 * tls-conn.c: one TLS connection over mbedTLS 3.6, client or server side: the
 * library set up once, socket I/O on a caller-owned non-blocking fd, the
 * handshake, reads and writes, and every error turned into words.
 *
 * The client verifies with MBEDTLS_SSL_VERIFY_OPTIONAL so that a handshake
 * with a bad certificate still completes and the caller can show why it is
 * bad.  mbedTLS checks DNS names; IP literals are checked here against the
 * certificate's iPAddress SANs.  Errors are kept as words, not codes.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

const char *const ss_tls_version_names[SS_TLS_VERSION_LAST] = {
	"any",
	"TLSv1.2",
	"TLSv1.3",
};
_Static_assert(SS_NITEMS(ss_tls_version_names) == SS_TLS_VERSION_LAST,
    "ss_tls_version_names is out of step with enum ss_tls_version");

/* mbedTLS version numbers as lower and upper bounds, in the order of enum
 * ss_tls_version (SS_TLS_ANY: the library's whole range). */
const mbedtls_ssl_protocol_version tls_min_versions[] = {
	MBEDTLS_SSL_VERSION_TLS1_2,
	MBEDTLS_SSL_VERSION_TLS1_2,
	MBEDTLS_SSL_VERSION_TLS1_3,
};
const mbedtls_ssl_protocol_version tls_max_versions[] = {
	MBEDTLS_SSL_VERSION_TLS1_3,
	MBEDTLS_SSL_VERSION_TLS1_2,
	MBEDTLS_SSL_VERSION_TLS1_3,
};
_Static_assert(SS_NITEMS(tls_min_versions) == SS_TLS_VERSION_LAST &&
    SS_NITEMS(tls_max_versions) == SS_TLS_VERSION_LAST,
    "the version bounds are out of step with enum ss_tls_version");

/* The connection whose mbedTLS call is running in this thread: the debug
 * callback, which mbedTLS gives only the shared configuration, reports
 * received alerts to it. */
static _Thread_local struct ss_tls *tls_current;

static void	tls_check_late_failure(struct ss_tls *, int *);

/* ------------------------------------------------------------------ */
/* Errors in words.                                                    */

/* What an mbedTLS error means, said by the client and by the server. */
struct tls_error_words {
	int		 code;
	const char	*as_client;
	const char	*as_server;	/* NULL: same as as_client */
};

static const struct tls_error_words tls_error_table[] = {
	{ MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION,
	  "no TLS version in common with the server (protocol version "
	  "mismatch): it may speak only an older or only a newer TLS",
	  "the client offered no TLS version this server accepts "
	  "(protocol version mismatch)" },
	{ MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE,
	  "the handshake failed: no cipher suite, group or signature "
	  "algorithm in common with the server, or its messages do not add up",
	  "the handshake failed: no cipher suite, group or signature "
	  "algorithm in common with the client, or its messages do not "
	  "add up" },
	{ MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY,
	  "the server ended the TLS session (close_notify)",
	  "the client ended the TLS session (close_notify)" },
	{ MBEDTLS_ERR_NET_CONN_RESET,
	  "the server reset the connection",
	  "the client reset the connection" },
	{ MBEDTLS_ERR_SSL_INVALID_MAC,
	  "a record failed its integrity check (corrupted or tampered data)",
	  NULL },
	{ MBEDTLS_ERR_SSL_INVALID_RECORD,
	  "the server sent data that is not a valid TLS record",
	  "the client sent data that is not a valid TLS record" },
	{ MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE,
	  "the server sent a TLS message out of order",
	  "the client sent a TLS message out of order" },
	{ MBEDTLS_ERR_SSL_DECODE_ERROR,
	  "the server sent a malformed handshake message",
	  "the client sent a malformed handshake message" },
	{ MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER,
	  "the server sent a handshake message with a value it may not "
	  "send (illegal parameter)",
	  "the client sent a handshake message with a value it may not "
	  "send (illegal parameter)" },
	{ MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION,
	  "the server answered with a TLS extension that was not offered",
	  "the client sent an unsupported TLS extension" },
	{ MBEDTLS_ERR_SSL_BAD_CERTIFICATE,
	  "the server's certificate message is malformed or unusable",
	  "the client's certificate message is malformed or unusable" },
	{ MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE,
	  "the server requires a client certificate",
	  "the client sent no certificate, and this server requires one" },
	{ MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED,
	  "no trust anchors are loaded, so the certificate cannot be checked",
	  NULL },
	{ MBEDTLS_ERR_X509_CERT_VERIFY_FAILED,
	  "the certificate could not be verified", NULL },
	{ MBEDTLS_ERR_SSL_ALLOC_FAILED,
	  "out of memory in the TLS library", NULL },
	{ MBEDTLS_ERR_SSL_BAD_INPUT_DATA,
	  "the TLS library was called with bad input (a bug)", NULL },
	{ MBEDTLS_ERR_SSL_BAD_CONFIG,
	  "the TLS configuration is inconsistent (a bug)", NULL },
	{ MBEDTLS_ERR_SSL_INTERNAL_ERROR,
	  "internal error in the TLS library", NULL },
};

/* TLS alert descriptions (RFC 5246 section 7.2 and later registrations),
 * with a hint where the usual cause is known. */
struct tls_alert_words {
	unsigned char	 code;
	const char	*name;
	const char	*hint;
};

static const struct tls_alert_words tls_alert_table[] = {
	{ 0, "close notify", NULL },
	{ 10, "unexpected message", NULL },
	{ 20, "bad record mac", NULL },
	{ 21, "decryption failed", NULL },
	{ 22, "record overflow", NULL },
	{ 30, "decompression failure", NULL },
	{ 40, "handshake failure",
	  "usually no cipher suite, curve or version in common" },
	{ 41, "no certificate", NULL },
	{ 42, "bad certificate", NULL },
	{ 43, "unsupported certificate", NULL },
	{ 44, "certificate revoked", NULL },
	{ 45, "certificate expired", NULL },
	{ 46, "certificate unknown", NULL },
	{ 47, "illegal parameter", NULL },
	{ 48, "unknown ca", NULL },
	{ 49, "access denied", NULL },
	{ 50, "decode error", NULL },
	{ 51, "decrypt error", NULL },
	{ 60, "export restriction", NULL },
	{ 70, "protocol version",
	  "it accepts none of the TLS versions offered; this "
	  "program speaks TLS 1.2 and 1.3 (see --tls-min, --tls-max)" },
	{ 71, "insufficient security",
	  "it wants stronger cipher suites than those offered" },
	{ 80, "internal error", NULL },
	{ 86, "inappropriate fallback", NULL },
	{ 90, "user canceled", NULL },
	{ 100, "no renegotiation", NULL },
	{ 109, "missing extension", NULL },
	{ 110, "unsupported extension", NULL },
	{ 112, "unrecognized name",
	  "it knows no host by the name sent as SNI" },
	{ 113, "bad certificate status response", NULL },
	{ 115, "unknown psk identity", NULL },
	{ 116, "certificate required", NULL },
	{ 120, "no application protocol", NULL },
};

/* The other side, named for an error message. */
static const char *
tls_peer_noun(const struct ss_tls *t)
{
	return (t->is_server ? "the client" : "the server");
}

/* Copy bytes into a short quoted preview, escaping what is not printable
 * and stopping at the first line end. */
static void
tls_preview(char *out, size_t size, const unsigned char *p, size_t len)
{
	size_t	i, o = 0;

	for (i = 0; i < len && o + 5 < size; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			break;
		}
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
		    p[i] != '\\') {
			out[o++] = (char)p[i];
		} else {
			o += (size_t)snprintf(out + o, size - o, "\\x%02x",
			    p[i]);
		}
	}
	out[o] = '\0';
}

/* Can this byte start a TLS record (change_cipher_spec to heartbeat)? */
static int
tls_is_record_type(unsigned char c)
{
	return (c >= 20 && c <= 24);
}

/* If the first bytes from the peer are not a TLS record header, say what
 * they were; SMTP greetings on an implicit TLS port land here. */
static int
tls_explain_plaintext(struct ss_tls *t)
{
	unsigned char	buf[TLS_FIRST_MAX];
	char		preview[96];	/* fits in the error with the words */
	size_t		len = t->firstlen;
	ssize_t		n;

	if (len == 0 || (tls_is_record_type(t->first[0]) &&
	    (len < 2 || t->first[1] == 3))) {
		return (0);
	}
	memcpy(buf, t->first, len);
	/* Show a little more of the line than mbedTLS read, if it came. */
	n = recv(t->fd, buf + len, sizeof(buf) - len, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0) {
		len += (size_t)n;
	}
	tls_preview(preview, sizeof(preview), buf, len);
	snprintf(t->error, sizeof(t->error), "%s does not speak TLS "
	    "(received %s: \"%s\")", tls_peer_noun(t),
	    buf[0] >= 0x20 && buf[0] < 0x7f ? "plaintext" : "bytes that are "
	    "not a TLS record", preview);
	return (1);
}

/* The alerts a server sends a client whose certificate (or its lack of
 * one) it will not take: RFC 8446 section 6.2; a TLS 1.2 server that
 * wants one and gets none says handshake_failure (RFC 5246 7.4.6). */
static const struct {
	unsigned char	 code;
	int		 sent;	/* a certificate was sent */
	const char	*words;
} tls_client_cert_alerts[] = {
	{ 116, 0, "the server requires a client certificate (alert "
	  "certificate_required; see --cert and --key)" },
	{ 40, 0, "the server requires a client certificate (alert "
	  "handshake_failure after it asked for one and none was sent; see "
	  "--cert and --key)" },
	{ 116, 1, "the server did not accept the client certificate "
	  "(alert certificate_required)" },
	{ 42, 1, "the server rejected the client certificate (alert "
	  "bad_certificate)" },
	{ 43, 1, "the server rejected the client certificate (alert "
	  "unsupported_certificate)" },
	{ 45, 1, "the server rejected the client certificate: it has "
	  "expired (alert certificate_expired)" },
	{ 46, 1, "the server rejected the client certificate (alert "
	  "certificate_unknown)" },
	{ 48, 1, "the server does not trust the client certificate's "
	  "issuer (alert unknown_ca)" },
	{ 49, 1, "the server refused the client certificate (alert "
	  "access_denied)" },
};

/* An alert about the client's certificate, in words; 0 if it is not.
 * certificate_required means it whether or not a request was seen. */
static int
tls_explain_client_cert(struct ss_tls *t, int code)
{
	size_t	i;
	int	sent = t->own_desc != NULL && t->cert_requested;

	if (t->is_server || (!t->cert_requested && code != 116)) {
		return (0);
	}
	for (i = 0; i < SS_NITEMS(tls_client_cert_alerts); i++) {
		if (tls_client_cert_alerts[i].code == code &&
		    tls_client_cert_alerts[i].sent == sent) {
			ss_strlcpy(t->error, tls_client_cert_alerts[i].words,
			    sizeof(t->error));
			return (1);
		}
	}
	return (0);
}

/* Name a received fatal alert. */
static void
tls_explain_alert(struct ss_tls *t)
{
	size_t	i;
	int	code = t->alert >= 0 ? t->alert : t->sniff.plain_alert;

	if (code >= 0 && tls_explain_client_cert(t, code)) {
		return;
	}
	if (code < 0) {
		snprintf(t->error, sizeof(t->error), "%s sent a fatal alert",
		    tls_peer_noun(t));
		return;
	}

	for (i = 0; i < SS_NITEMS(tls_alert_table); i++) {
		if (tls_alert_table[i].code != code) {
			continue;
		}
		snprintf(t->error, sizeof(t->error),
		    "%s sent a fatal alert: %s%s%s%s", tls_peer_noun(t),
		    tls_alert_table[i].name,
		    tls_alert_table[i].hint != NULL ? " (" : "",
		    tls_alert_table[i].hint != NULL ?
		    tls_alert_table[i].hint : "",
		    tls_alert_table[i].hint != NULL ? ")" : "");
		return;
	}
	snprintf(t->error, sizeof(t->error),
	    "%s sent a fatal alert: unknown alert %d", tls_peer_noun(t), code);
}

/* Words for the codes that are not about the peer's bytes. */
static int
tls_explain_io(struct ss_tls *t, int ret)
{
	const char	*noun = tls_peer_noun(t);

	if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
		snprintf(t->error, sizeof(t->error), "%s closed the connection%s",
		    noun, t->done ? " without ending the TLS session" :
		    " during the handshake");
		return (1);
	}
	if (ret == MBEDTLS_ERR_NET_SEND_FAILED ||
	    ret == MBEDTLS_ERR_NET_RECV_FAILED) {
		snprintf(t->error, sizeof(t->error), "%s failed: %s",
		    ret == MBEDTLS_ERR_NET_SEND_FAILED ? "sending" : "receiving",
		    strerror(t->sys_errno));
		return (1);
	}
	return (0);
}

/* Turn an mbedTLS error into words in t->error. */
static void
tls_explain(struct ss_tls *t, int ret)
{
	char	lib[160];
	size_t	i;

	if (!t->done && tls_explain_plaintext(t)) {
		return;
	}
	if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		tls_explain_alert(t);
		return;
	}
	if (tls_explain_io(t, ret)) {
		return;
	}
	for (i = 0; i < SS_NITEMS(tls_error_table); i++) {
		if (tls_error_table[i].code == ret) {
			ss_strlcpy(t->error, t->is_server &&
			    tls_error_table[i].as_server != NULL ?
			    tls_error_table[i].as_server :
			    tls_error_table[i].as_client, sizeof(t->error));
			return;
		}
	}
	mbedtls_strerror(ret, lib, sizeof(lib));
	snprintf(t->error, sizeof(t->error), "TLS error -0x%04x: %s",
	    (unsigned int)-ret, lib);
}

/* Map an mbedTLS return value to ours, keeping words for an error. */
static int
tls_result(struct ss_tls *t, int ret)
{
	if (ret >= 0) {
		return (ret);
	}
	if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
		return (SS_TLS_WANT_READ);
	}
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
		return (SS_TLS_WANT_WRITE);
	}
	tls_explain(t, ret);
	return (SS_TLS_ERROR);
}

/* The last error in words. */
const char *
ss_tls_error(const struct ss_tls *t)
{
	if (t == NULL || t->error[0] == '\0') {
		return (NULL);
	}
	return (t->error);
}

/* ------------------------------------------------------------------ */
/* The library, once per process.                                      */

static pthread_once_t	tls_once = PTHREAD_ONCE_INIT;
static psa_status_t	tls_psa_status = PSA_ERROR_BAD_STATE;

/* PSA crypto, which TLS 1.3 and key parsing need, and the debug level at
 * which mbedTLS reports received alerts. */
static void
tls_library_init_once(void)
{
	tls_psa_status = psa_crypto_init();
	mbedtls_debug_set_threshold(2);
}

/* Initialise the library before its first use; 0 or -1 (with words in
 * *err when err is not NULL). */
int
tls_library_init(char **err)
{
	pthread_once(&tls_once, tls_library_init_once);
	if (tls_psa_status != PSA_SUCCESS) {
		if (err == NULL) {
			return (-1);
		}
		xasprintf(err, "cannot initialise PSA crypto (error %d)",
		    (int)tls_psa_status);
		return (-1);
	}
	return (0);
}

/*
 * Debug lines (level 2) that tell whether the server asked for a client
 * certificate: mbedTLS enters its certificate writer in both TLS 1.2 and
 * 1.3 only then, and otherwise says it skips it (TLS 1.2 says both, skip
 * last).  The CertificateRequest of TLS 1.3 is encrypted, so this is the
 * one way to know.
 */
static const struct {
	const char	*line;
	int		 requested;
} tls_cert_request_lines[] = {
	{ "=> write certificate\n", 1 },
	{ "<= skip write certificate\n", 0 },
	{ "skip write certificate\n", 0 },
};

/* A client-certificate debug line: note what it says. */
static int
tls_debug_cert_request(struct ss_tls *t, const char *str)
{
	const char	*p;
	size_t		 i;

	/* mbedTLS puts the context's address first: "0x55...: text". */
	if ((p = strstr(str, ": ")) != NULL) {
		str = p + 2;
	}
	for (i = 0; i < SS_NITEMS(tls_cert_request_lines); i++) {
		if (strcmp(str, tls_cert_request_lines[i].line) == 0) {
			t->cert_requested = tls_cert_request_lines[i].requested;
			return (1);
		}
	}
	return (0);
}

/*
 * mbedTLS's debug output, read for facts it keeps to itself: whether a
 * client certificate was asked for (above), and the description of a
 * fatal alert received ("got an alert message, type: [2:116]"), kept in
 * the running connection for tls_explain_alert.  Alerts sent encrypted, as
 * in TLS 1.3 after the ServerHello, are seen only here.
 */
void
tls_debug(void *ctx, int level, const char *file, int line, const char *str)
{
	static const char	 mark[] = "got an alert message, type: [";
	const char		*p;
	char			*end;
	unsigned long		 alert_level, desc;

	(void)ctx, (void)level, (void)file, (void)line;
	if (tls_current == NULL || (!tls_current->is_server &&
	    tls_debug_cert_request(tls_current, str)) ||
	    (p = strstr(str, mark)) == NULL) {
		return;
	}
	p += sizeof(mark) - 1;
	alert_level = strtoul(p, &end, 10);
	if (*end != ':') {
		return;
	}
	desc = strtoul(end + 1, &end, 10);
	if (*end == ']' && alert_level == MBEDTLS_SSL_ALERT_LEVEL_FATAL &&
	    desc < 256) {
		tls_current->alert = (int)desc;
	}
}

/* ------------------------------------------------------------------ */
/* Socket I/O under mbedTLS, on a caller-owned non-blocking fd.        */

/* Send for mbedTLS, without SIGPIPE when the peer has gone. */
static int
tls_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct ss_tls	*t = ctx;
	ssize_t		 n;

	n = send(t->fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0) {
		return ((int)n);
	}
	t->sys_errno = errno;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return (MBEDTLS_ERR_SSL_WANT_WRITE);
	}
	if (errno == EPIPE || errno == ECONNRESET) {
		return (MBEDTLS_ERR_NET_CONN_RESET);
	}
	return (MBEDTLS_ERR_NET_SEND_FAILED);
}

/* Receive for mbedTLS; keeps the first bytes to recognise plaintext. */
static int
tls_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct ss_tls	*t = ctx;
	ssize_t		 n;
	size_t		 keep;

	n = recv(t->fd, buf, len, 0);
	if (n > 0) {
		keep = sizeof(t->first) - t->firstlen;
		if (keep > (size_t)n) {
			keep = (size_t)n;
		}
		memcpy(t->first + t->firstlen, buf, keep);
		t->firstlen += keep;
		if (!t->is_server) {
			tls_sniff_feed(&t->sniff, buf, (size_t)n);
		}
		/* Fail at once on a first byte that cannot start a record,
		 * rather than wait for a header that may never complete. */
		if (!t->done && !tls_is_record_type(t->first[0])) {
			return (MBEDTLS_ERR_SSL_INVALID_RECORD);
		}
		return ((int)n);
	}
	if (n == 0) {
		return (0);
	}
	t->sys_errno = errno;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return (MBEDTLS_ERR_SSL_WANT_READ);
	}
	if (errno == ECONNRESET) {
		return (MBEDTLS_ERR_NET_CONN_RESET);
	}
	return (MBEDTLS_ERR_NET_RECV_FAILED);
}

/* ------------------------------------------------------------------ */
/* Connections, client and server.                                     */

/* Seed a generator; personalised so two objects never share a stream. */
int
tls_rng_init(struct tls_rng *rng, const char *who, char **err)
{
	int	ret;

	mbedtls_entropy_init(&rng->entropy);
	mbedtls_ctr_drbg_init(&rng->drbg);
	ret = mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func,
	    &rng->entropy, (const unsigned char *)who, strlen(who));
	if (ret != 0) {
		xasprintf(err, "cannot seed the random generator (-0x%04x)",
		    (unsigned int)-ret);
		return (-1);
	}
	return (0);
}

/* Free a generator. */
void
tls_rng_free(struct tls_rng *rng)
{
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
}

/* A connection object over fd with conf, not yet started. */
struct ss_tls *
tls_new(const mbedtls_ssl_config *conf, int fd, int is_server, char **err)
{
	struct ss_tls	*t;
	int		 ret;

	t = xcalloc(1, sizeof(*t));
	t->fd = fd;
	t->is_server = is_server;
	t->alert = -1;
	t->sniff.plain_alert = -1;
	mbedtls_ssl_init(&t->ssl);
	ret = mbedtls_ssl_setup(&t->ssl, conf);
	if (ret != 0) {
		xasprintf(err, "cannot set up a TLS connection (-0x%04x)",
		    (unsigned int)-ret);
		ss_tls_free(t);
		return (NULL);
	}
	mbedtls_ssl_set_bio(&t->ssl, t, tls_send, tls_recv, NULL);
	return (t);
}

/* Recognise an IP literal (bare or in brackets) and keep its bytes. */
int
tls_parse_ip(const char *name, unsigned char ip[16], size_t *iplen)
{
	char	tmp[64];
	size_t	len = strlen(name);

	if (len >= 2 && len < sizeof(tmp) && name[0] == '[' &&
	    name[len - 1] == ']') {
		memcpy(tmp, name + 1, len - 2);
		tmp[len - 2] = '\0';
		name = tmp;
	}
	if (inet_pton(AF_INET, name, ip) == 1) {
		*iplen = 4;
		return (1);
	}
	if (inet_pton(AF_INET6, name, ip) == 1) {
		*iplen = 16;
		return (1);
	}
	return (0);
}

/* Free a connection; the socket stays open. */
void
ss_tls_free(struct ss_tls *t)
{
	if (t == NULL) {
		return;
	}
	mbedtls_ssl_free(&t->ssl);
	ss_wipe(t, sizeof(*t));
	free(t);
}

/* Does an iPAddress SAN of the leaf equal the address connected to? */
static int
tls_ip_san_matches(const struct ss_tls *t)
{
	const mbedtls_x509_crt		*leaf;
	const mbedtls_x509_sequence	*san;

	leaf = mbedtls_ssl_get_peer_cert(&t->ssl);
	if (leaf == NULL) {
		return (0);
	}
	for (san = &leaf->subject_alt_names; san != NULL; san = san->next) {
		if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) &&
		    san->buf.len == t->iplen &&
		    memcmp(san->buf.p, t->ip, t->iplen) == 0) {
			return (1);
		}
	}
	return (0);
}

/* Keep the suite's IANA name: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, or
 * TLS_AES_256_GCM_SHA384 for what mbedTLS calls TLS1-3-AES-256-GCM-SHA384. */
static void
tls_record_suite(struct ss_tls *t)
{
	static const char	 tls13[] = "TLS1-3-";
	const char		*name = mbedtls_ssl_get_ciphersuite(&t->ssl);
	size_t			 i;

	if (name == NULL) {
		name = "unknown";
	}
	if (strncmp(name, tls13, sizeof(tls13) - 1) == 0) {
		snprintf(t->suite, sizeof(t->suite), "TLS-%s",
		    name + sizeof(tls13) - 1);
	} else {
		ss_strlcpy(t->suite, name, sizeof(t->suite));
	}
	for (i = 0; t->suite[i] != '\0'; i++) {
		if (t->suite[i] == '-') {
			t->suite[i] = '_';
		}
	}
}

/* Record the verification result once the handshake is done. */
static void
tls_record_verify(struct ss_tls *t)
{
	uint32_t	flags;

	if (t->is_server) {
		t->flags = 0;
		return;
	}
	flags = mbedtls_ssl_get_verify_result(&t->ssl);
	if (flags == (uint32_t)-1) {
		flags = MBEDTLS_X509_BADCERT_MISSING;
	}
	if (t->ip_literal && !tls_ip_san_matches(t)) {
		flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	}
	t->flags = flags;
}

/*
 * A client whose peer reset the connection while it wrote.  A server that
 * refuses the handshake sends a fatal alert and closes with our next
 * flight unread, so the kernel answers that flight with a reset; the
 * alert, sent before, may still wait in the receive queue.  The helpers
 * below read it, so the failure is the server's reason, not "reset".
 */
static int
tls_peer_gone(const struct ss_tls *t, int ret)
{
	return (!t->is_server && (ret == MBEDTLS_ERR_NET_CONN_RESET ||
	    ret == MBEDTLS_ERR_NET_SEND_FAILED));
}

/* During the handshake the server's alert is in the clear (TLS 1.2, or
 * TLS 1.3 before its keys): the sniffer sees it in the raw bytes.  1 when
 * a fatal alert was there. */
static int
tls_handshake_last_words(struct ss_tls *t)
{
	unsigned char	buf[4096];
	ssize_t		n;
	int		rounds = 16;

	while (rounds-- > 0 && t->sniff.plain_alert < 0 &&
	    (n = recv(t->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		tls_sniff_feed(&t->sniff, buf, (size_t)n);
	}
	if (t->sniff.plain_alert < 0) {
		return (0);
	}
	t->alert = t->sniff.plain_alert;
	return (1);
}

/* A TLS 1.3 NewSessionTicket is neither data nor an error: count it and
 * call again (bounded: each call consumes a message). */
#define TLS_CALL(t, ret, call) do {					\
	int	tls_tickets_left_ = 64;					\
	tls_current = (t);						\
	do {								\
		(ret) = (call);						\
		if ((ret) != MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) \
			break;						\
		(t)->tickets++;						\
	} while (--tls_tickets_left_ > 0);				\
	if ((ret) == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)	\
		(ret) = MBEDTLS_ERR_SSL_WANT_READ;			\
	tls_current = NULL;						\
} while (0)

/* Drive the handshake one step; see tls.h. */
int
ss_tls_handshake(struct ss_tls *t)
{
	int	ret;

	if (t->done) {
		return (0);
	}
	TLS_CALL(t, ret, mbedtls_ssl_handshake(&t->ssl));
	if (tls_peer_gone(t, ret) && tls_handshake_last_words(t)) {
		ret = MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE;
	}
	/* A TLS 1.2 server that wants a certificate and gets none says so
	 * with handshake_failure (RFC 5246 7.4.6); mbedTLS leaves that to
	 * us.  (In TLS 1.3 it sends certificate_required itself.) */
	if (t->is_server && ret == MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE &&
	    mbedtls_ssl_get_version_number(&t->ssl) ==
	    MBEDTLS_SSL_VERSION_TLS1_2) {
		(void)mbedtls_ssl_send_alert_message(&t->ssl,
		    MBEDTLS_SSL_ALERT_LEVEL_FATAL,
		    MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
	}
	ret = tls_result(t, ret);
	if (ret == 0) {
		t->done = 1;
		tls_record_suite(t);
		if (t->sniff.group != 0) {
			tls_group_name(t->sniff.group, t->group,
			    sizeof(t->group));
		}
		tls_record_verify(t);
	}
	return (ret);
}

/* Read decrypted bytes; an end of stream, announced or not, is 0. */
ssize_t
ss_tls_read(struct ss_tls *t, void *buf, size_t len)
{
	int	ret;

	TLS_CALL(t, ret, mbedtls_ssl_read(&t->ssl, buf, len));
	if (ret > 0) {
		t->data_seen = 1;
	}
	tls_check_late_failure(t, &ret);
	if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
		return (0);
	}
	if (ret == MBEDTLS_ERR_SSL_CONN_EOF && t->done) {
		tls_explain(t, ret);	/* kept as a note: truncation */
		return (0);
	}
	return (tls_result(t, ret));
}

/*
 * Did the server refuse the handshake after it ended on our side?  A fatal
 * alert before any data says so.  So does an unreadable first record or
 * a reset when the server had asked for a certificate: a server that
 * seals its alert with its handshake keys (mbedTLS does) is unreadable to
 * a client already on the application keys, and one that closes at once
 * resets the connection.  *ret becomes the alert's error then.
 */
static void
tls_check_late_failure(struct ss_tls *t, int *ret)
{
	if (t->is_server || !t->done || t->data_seen) {
		return;
	}
	if (*ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		t->late_failure = 1;
	} else if (t->cert_requested && (*ret == MBEDTLS_ERR_SSL_INVALID_MAC ||
	    *ret == MBEDTLS_ERR_NET_CONN_RESET)) {
		t->late_failure = 1;
		t->alert = 116;		/* certificate_required, in effect */
		*ret = MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE;
	}
}

/* After the handshake (TLS 1.3) the alert is encrypted: let the library
 * read it.  *ret becomes the alert's error when one was there. */
static void
tls_late_last_words(struct ss_tls *t, int *ret)
{
	unsigned char	buf[512];
	int		got;

	TLS_CALL(t, got, mbedtls_ssl_read(&t->ssl, buf, sizeof(buf)));
	ss_wipe(buf, sizeof(buf));
	tls_check_late_failure(t, &got);
	if (t->late_failure) {
		*ret = got;
	}
}

/* Write bytes; one record at most per call, so large writes are partial. */
ssize_t
ss_tls_write(struct ss_tls *t, const void *buf, size_t len)
{
	int	ret;

	TLS_CALL(t, ret, mbedtls_ssl_write(&t->ssl, buf, len));
	if (tls_peer_gone(t, ret) && t->done && !t->data_seen) {
		tls_late_last_words(t, &ret);
	}
	return (tls_result(t, ret));
}

/* Decrypted bytes waiting in mbedTLS, invisible to poll(). */
size_t
ss_tls_pending(const struct ss_tls *t)
{
	return (mbedtls_ssl_get_bytes_avail(&t->ssl));
}

/* Say goodbye properly if the socket lets us right now. */
void
ss_tls_close_notify(struct ss_tls *t)
{
	int	ret;

	TLS_CALL(t, ret, mbedtls_ssl_close_notify(&t->ssl));
	(void)ret;
}

/* Keying material from the exporter; see tls.h. */
int
ss_tls_export_keying_material(struct ss_tls *t, const char *label,
    const char *context, size_t len, unsigned char *out)
{
#if defined(MBEDTLS_SSL_KEYING_MATERIAL_EXPORT)
	if (!t->done || len == 0 || len > MBEDTLS_SSL_EXPORT_MAX_KEY_LEN) {
		return (-1);
	}
	return (mbedtls_ssl_export_keying_material(&t->ssl, out, len, label,
	    strlen(label), (const unsigned char *)context,
	    context != NULL ? strlen(context) : 0, context != NULL) == 0 ?
	    0 : -1);
#else
	(void)t, (void)label, (void)context, (void)len, (void)out;
	return (-1);
#endif
}

/* The negotiated version, "TLSv1.2"; NULL before the handshake. */
const char *
ss_tls_version_str(const struct ss_tls *t)
{
	return (t->done ? mbedtls_ssl_get_version(&t->ssl) : NULL);
}

/* The negotiated cipher suite as IANA names it (mbedTLS uses the same
 * words joined by dashes); NULL before the handshake. */
const char *
ss_tls_ciphersuite(const struct ss_tls *t)
{
	return (t->done ? t->suite : NULL);
}

/* The key exchange group, "x25519"; NULL when not known. */
const char *
ss_tls_group(const struct ss_tls *t)
{
	return (t->done && t->group[0] != '\0' ? t->group : NULL);
}

/* The client certificate sent, in words; see tls.h. */
const char *
ss_tls_client_cert_sent(const struct ss_tls *t)
{
	return (t->cert_requested ? t->own_desc : NULL);
}

/* Did the server send a CertificateRequest? */
int
ss_tls_client_cert_requested(const struct ss_tls *t)
{
	return (t->cert_requested);
}

/* A fatal alert on the first read after a finished handshake; tls.h. */
int
ss_tls_failed_after_handshake(const struct ss_tls *t)
{
	return (t->late_failure);
}

/* NewSessionTicket messages received after the handshake so far. */
unsigned int
ss_tls_tickets(const struct ss_tls *t)
{
	return (t->tickets);
}

/* The verification result; see tls.h. */
uint32_t
ss_tls_verify_flags(const struct ss_tls *t)
{
	return (t->flags);
}

/* The n-th certificate of the peer's chain, leaf first. */
static const mbedtls_x509_crt *
tls_peer_nth(const struct ss_tls *t, size_t n)
{
	const mbedtls_x509_crt	*crt;

	crt = mbedtls_ssl_get_peer_cert(&t->ssl);
	while (crt != NULL && crt->raw.p != NULL && n-- > 0) {
		crt = crt->next;
	}
	if (crt == NULL || crt->raw.p == NULL) {
		return (NULL);
	}
	return (crt);
}

/* How many certificates the peer sent. */
size_t
ss_tls_peer_count(const struct ss_tls *t)
{
	size_t	n = 0;

	while (tls_peer_nth(t, n) != NULL) {
		n++;
	}
	return (n);
}

/* The DER of the n-th certificate; NULL past the end. */
const unsigned char *
ss_tls_peer_der(const struct ss_tls *t, size_t n, size_t *len)
{
	const mbedtls_x509_crt	*crt = tls_peer_nth(t, n);

	if (crt == NULL) {
		*len = 0;
		return (NULL);
	}
	*len = crt->raw.len;
	return (crt->raw.p);
}

