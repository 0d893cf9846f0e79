/*
 * tls.c: TLS client and server over mbedTLS 3.6, and the few crypto
 * primitives the rest of smtpscope needs.  This is the only file that
 * includes mbedTLS headers.
 *
 * The client verifies with MBEDTLS_SSL_VERIFY_OPTIONAL so that a handshake
 * with a bad certificate still completes and the caller can show why it is
 * bad.  mbedTLS checks DNS names; IP literals are checked here against the
 * certificate's iPAddress SANs.  Errors are kept as words, not codes.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/debug.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#define TLS_SYSTEM_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"
#define TLS_FIRST_MAX		48	/* first bytes kept to spot plaintext */
#define TLS_ERROR_MAX		256
#define TLS_CERT_MAX		2048	/* one generated certificate, DER */
#define TLS_DAY			(24 * 60 * 60)

_Static_assert(SS_TLS_VERIFY_EXPIRED == MBEDTLS_X509_BADCERT_EXPIRED, "");
_Static_assert(SS_TLS_VERIFY_REVOKED == MBEDTLS_X509_BADCERT_REVOKED, "");
_Static_assert(SS_TLS_VERIFY_NAME_MISMATCH == MBEDTLS_X509_BADCERT_CN_MISMATCH,
    "");
_Static_assert(SS_TLS_VERIFY_NOT_TRUSTED == MBEDTLS_X509_BADCERT_NOT_TRUSTED,
    "");
_Static_assert(SS_TLS_VERIFY_MISSING == MBEDTLS_X509_BADCERT_MISSING, "");
_Static_assert(SS_TLS_VERIFY_FUTURE == MBEDTLS_X509_BADCERT_FUTURE, "");
_Static_assert(SS_TLS_VERIFY_KEY_USAGE == MBEDTLS_X509_BADCERT_KEY_USAGE, "");
_Static_assert(SS_TLS_VERIFY_EXT_KEY_USAGE ==
    MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "");
_Static_assert(SS_TLS_VERIFY_BAD_MD == MBEDTLS_X509_BADCERT_BAD_MD, "");
_Static_assert(SS_TLS_VERIFY_BAD_PK == MBEDTLS_X509_BADCERT_BAD_PK, "");
_Static_assert(SS_TLS_VERIFY_BAD_KEY == MBEDTLS_X509_BADCERT_BAD_KEY, "");

const char *const ss_tls_version_names[SS_TLS_VERSION_LAST] = {
	"any",
	"TLSv1.2",
	"TLSv1.3",
};
_Static_assert(SS_NITEMS(ss_tls_version_names) == SS_TLS_VERSION_LAST,
    "ss_tls_version_names is out of step with enum ss_tls_version");

/* mbedTLS version numbers as lower and upper bounds, in the order of enum
 * ss_tls_version (SS_TLS_ANY: the library's whole range). */
static const mbedtls_ssl_protocol_version tls_min_versions[] = {
	MBEDTLS_SSL_VERSION_TLS1_2,
	MBEDTLS_SSL_VERSION_TLS1_2,
	MBEDTLS_SSL_VERSION_TLS1_3,
};
static const mbedtls_ssl_protocol_version tls_max_versions[] = {
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

static int	tls_library_init(char **);
static void	tls_keylog_cb(void *, mbedtls_ssl_key_export_type,
		    const unsigned char *, size_t, const unsigned char[32],
		    const unsigned char[32], mbedtls_tls_prf_types);

/* A random generator seeded from the system, one per configuration. */
struct tls_rng {
	mbedtls_entropy_context		entropy;
	mbedtls_ctr_drbg_context	drbg;
};

struct ss_tls_client {
	struct tls_rng		rng;
	mbedtls_ssl_config	conf;
	mbedtls_x509_crt	anchors;
	int			keylog_fd;	/* -1: no key log */
};

struct ss_tls_server {
	struct tls_rng		rng;
	mbedtls_ssl_config	conf;
	mbedtls_pk_context	ca_key;
	mbedtls_pk_context	leaf_key;
	mbedtls_x509_crt	chain;		/* leaf first, then the CA */
	char			*ca_pem;
};

struct ss_tls {
	mbedtls_ssl_context	ssl;
	int			fd;		/* borrowed */
	int			is_server;
	int			done;		/* handshake finished */
	int			ip_literal;
	unsigned char		ip[16];
	size_t			iplen;
	uint32_t		flags;
	char			suite[80];	/* IANA spelling */
	int			sys_errno;	/* of the last failed I/O */
	int			alert;		/* last fatal alert received,
						   -1: none */
	unsigned int		tickets;	/* NewSessionTickets seen */
	unsigned char		first[TLS_FIRST_MAX];
	size_t			firstlen;
	char			error[TLS_ERROR_MAX];
};

/* ------------------------------------------------------------------ */
/* Crypto helpers for the other modules.                               */

/* HMAC-MD5 for CRAM-MD5 (RFC 2195). */
int
ss_crypto_hmac_md5(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[16])
{
	const mbedtls_md_info_t	*md;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_MD5);
	if (md == NULL) {
		return (-1);
	}
	if (mbedtls_md_hmac(md, key, keylen, msg, msglen, out) != 0) {
		return (-1);
	}
	return (0);
}

/* SHA-256 digest, used for SCRAM and certificate fingerprints. */
void
ss_crypto_sha256(const void *data, size_t len, unsigned char out[32])
{
	if (mbedtls_sha256(data, len, out, 0) != 0) {
		/* Cannot fail for a software hash; never leave it unset. */
		memset(out, 0, 32);
	}
}

/* SHA-1, for SCRAM-SHA-1 (RFC 5802). */
int
ss_crypto_sha1(const void *data, size_t len, unsigned char out[20])
{
	return (mbedtls_sha1(data, len, out) == 0 ? 0 : -1);
}

/* An HMAC with the hash md (RFC 2104). */
static int
tls_hmac(mbedtls_md_type_t type, const void *key, size_t keylen,
    const void *msg, size_t msglen, unsigned char *out)
{
	const mbedtls_md_info_t	*md = mbedtls_md_info_from_type(type);

	if (tls_library_init(NULL) == -1 || md == NULL ||
	    mbedtls_md_hmac(md, key, keylen, msg, msglen, out) != 0) {
		return (-1);
	}
	return (0);
}

/* HMAC-SHA-1, for SCRAM-SHA-1. */
int
ss_crypto_hmac_sha1(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[20])
{
	return (tls_hmac(MBEDTLS_MD_SHA1, key, keylen, msg, msglen, out));
}

/* HMAC-SHA-256, for SCRAM-SHA-256 (RFC 7677). */
int
ss_crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[32])
{
	return (tls_hmac(MBEDTLS_MD_SHA256, key, keylen, msg, msglen, out));
}

/* PBKDF2 with an HMAC (RFC 8018 section 5.2). */
static int
tls_pbkdf2(mbedtls_md_type_t type, const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned int iterations,
    unsigned char *out, size_t outlen)
{
	if (tls_library_init(NULL) == -1 || iterations == 0 || outlen == 0 ||
	    outlen > UINT32_MAX) {
		return (-1);
	}
	return (mbedtls_pkcs5_pbkdf2_hmac_ext(type, pass, passlen, salt,
	    saltlen, iterations, (uint32_t)outlen, out) == 0 ? 0 : -1);
}

/* PBKDF2-HMAC-SHA-1, SCRAM-SHA-1's Hi(). */
int
ss_crypto_pbkdf2_hmac_sha1(const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned int iterations,
    unsigned char *out, size_t outlen)
{
	return (tls_pbkdf2(MBEDTLS_MD_SHA1, pass, passlen, salt, saltlen,
	    iterations, out, outlen));
}

/* PBKDF2-HMAC-SHA-256, SCRAM-SHA-256's Hi(). */
int
ss_crypto_pbkdf2_hmac_sha256(const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned int iterations,
    unsigned char *out, size_t outlen)
{
	return (tls_pbkdf2(MBEDTLS_MD_SHA256, pass, passlen, salt, saltlen,
	    iterations, out, outlen));
}

static pthread_once_t	tls_version_once = PTHREAD_ONCE_INIT;
static char		tls_version[16];	/* "3.6.6": 9 bytes at most */

/* Ask the library for its version, once. */
static void
tls_version_once_init(void)
{
	mbedtls_version_get_string(tls_version);
}

/* The version of the library linked in, "3.6.6". */
const char *
ss_tls_library_version(void)
{
	pthread_once(&tls_version_once, tls_version_once_init);
	return (tls_version);
}

/* Random bytes straight from the kernel; safe from any thread. */
int
ss_crypto_random(void *out, size_t len)
{
	unsigned char	*p = out;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

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

/* Name a received fatal alert. */
static void
tls_explain_alert(struct ss_tls *t)
{
	size_t	i;
	int	code = t->alert;

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
static int
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
 * mbedTLS's debug output, read for one fact it keeps to itself: the
 * description of a fatal alert received ("got an alert message, type:
 * [2:116]"), kept in the running connection for tls_explain_alert.  Alerts
 * sent encrypted, as in TLS 1.3 after the ServerHello, are seen only here.
 */
static void
tls_debug(void *ctx, int level, const char *file, int line, const char *str)
{
	static const char	 mark[] = "got an alert message, type: [";
	const char		*p;
	char			*end;
	unsigned long		 alert_level, desc;

	(void)ctx, (void)level, (void)file, (void)line;
	if (tls_current == NULL || (p = strstr(str, mark)) == NULL) {
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
static int
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
static void
tls_rng_free(struct tls_rng *rng)
{
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
}

/* A connection object over fd with conf, not yet started. */
static struct ss_tls *
tls_new(const mbedtls_ssl_config *conf, int fd, int is_server, char **err)
{
	struct ss_tls	*t;
	int		 ret;

	t = xcalloc(1, sizeof(*t));
	t->fd = fd;
	t->is_server = is_server;
	t->alert = -1;
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
static int
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

/* Start a client connection; see tls.h. */
struct ss_tls *
ss_tls_connect(struct ss_tls_client *c, int fd, const char *name, char **err)
{
	struct ss_tls	*t;
	char		*host = NULL;
	size_t		 len;
	int		 ret;

	t = tls_new(&c->conf, fd, 0, err);
	if (t == NULL) {
		return (NULL);
	}
	if (name != NULL && tls_parse_ip(name, t->ip, &t->iplen)) {
		t->ip_literal = 1;
		name = NULL;
	}
	if (name != NULL) {
		/* "mx.example.org." is the same host; certificates omit
		 * the root's dot. */
		len = strlen(name);
		host = xstrndup(name, len > 0 && name[len - 1] == '.' ?
		    len - 1 : len);
	}
	/* Always called, NULL for an IP literal: mbedTLS 3.6 refuses to
	 * verify a server whose name was never set (CVE-2025-27809). */
	ret = mbedtls_ssl_set_hostname(&t->ssl, host != NULL &&
	    host[0] != '\0' ? host : NULL);
	free(host);
	if (ret != 0) {
		xasprintf(err, "cannot use \"%s\" as the server name", name);
		ss_tls_free(t);
		return (NULL);
	}
	if (c->keylog_fd != -1) {
		mbedtls_ssl_set_export_keys_cb(&t->ssl, tls_keylog_cb, c);
	}
	return (t);
}

/* Start the server side of a connection; see tls.h. */
struct ss_tls *
ss_tls_accept(struct ss_tls_server *s, int fd, char **err)
{
	return (tls_new(&s->conf, fd, 1, err));
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
	ret = tls_result(t, ret);
	if (ret == 0) {
		t->done = 1;
		tls_record_suite(t);
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
	if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
		return (0);
	}
	if (ret == MBEDTLS_ERR_SSL_CONN_EOF && t->done) {
		tls_explain(t, ret);	/* kept as a note: truncation */
		return (0);
	}
	return (tls_result(t, ret));
}

/* Write bytes; one record at most per call, so large writes are partial. */
ssize_t
ss_tls_write(struct ss_tls *t, const void *buf, size_t len)
{
	int	ret;

	TLS_CALL(t, ret, mbedtls_ssl_write(&t->ssl, buf, len));
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

/* ------------------------------------------------------------------ */
/* Verification and certificates in words.                             */

/* One verification flag and what it means to a person. */
struct tls_flag_words {
	uint32_t	 flag;
	const char	*words;
};

static const struct tls_flag_words tls_flag_table[] = {
	{ MBEDTLS_X509_BADCERT_EXPIRED,
	  "a certificate in the chain has expired" },
	{ MBEDTLS_X509_BADCERT_FUTURE,
	  "a certificate in the chain is not yet valid (its start date is "
	  "in the future, or this computer's clock is wrong)" },
	{ MBEDTLS_X509_BADCERT_CN_MISMATCH,
	  "the certificate is not for this server: the name or address "
	  "connected to is not among its names (name mismatch)" },
	{ MBEDTLS_X509_BADCERT_NOT_TRUSTED,
	  "the certificate is not trusted: it is not signed by a known "
	  "certificate authority (unknown CA, self-signed, or an "
	  "intermediate certificate is missing)" },
	{ MBEDTLS_X509_BADCERT_REVOKED,
	  "the certificate has been revoked by its issuer" },
	{ MBEDTLS_X509_BADCERT_MISSING,
	  "the server sent no certificate" },
	{ MBEDTLS_X509_BADCERT_SKIP_VERIFY,
	  "verification was skipped" },
	{ MBEDTLS_X509_BADCERT_KEY_USAGE,
	  "the certificate's key usage does not allow this use" },
	{ MBEDTLS_X509_BADCERT_EXT_KEY_USAGE,
	  "the certificate's extended key usage does not include TLS "
	  "server authentication" },
	{ MBEDTLS_X509_BADCERT_NS_CERT_TYPE,
	  "the certificate's Netscape type does not allow this use" },
	{ MBEDTLS_X509_BADCERT_BAD_MD,
	  "a certificate is signed with a weak hash (MD5 or SHA-1)" },
	{ MBEDTLS_X509_BADCERT_BAD_PK,
	  "a certificate is signed with an unacceptable algorithm" },
	{ MBEDTLS_X509_BADCERT_BAD_KEY,
	  "a certificate's key is unacceptable (too small, or an "
	  "unsupported curve)" },
	{ MBEDTLS_X509_BADCERT_OTHER,
	  "the certificate failed verification for another reason" },
	{ MBEDTLS_X509_BADCRL_NOT_TRUSTED,
	  "a revocation list is not signed by a trusted authority" },
	{ MBEDTLS_X509_BADCRL_EXPIRED, "a revocation list has expired" },
	{ MBEDTLS_X509_BADCRL_FUTURE, "a revocation list is not yet valid" },
	{ MBEDTLS_X509_BADCRL_BAD_MD,
	  "a revocation list is signed with a weak hash" },
	{ MBEDTLS_X509_BADCRL_BAD_PK,
	  "a revocation list is signed with an unacceptable algorithm" },
	{ MBEDTLS_X509_BADCRL_BAD_KEY,
	  "a revocation list is signed with an unacceptable key" },
};

/* Each failing flag on its own line; unknown bits are named in hex. */
void
ss_tls_verify_words(uint32_t flags, struct ss_buf *out)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(tls_flag_table); i++) {
		if ((flags & tls_flag_table[i].flag) != 0) {
			ss_buf_adds(out, tls_flag_table[i].words);
			ss_buf_addc(out, '\n');
			flags &= ~tls_flag_table[i].flag;
		}
	}
	if (flags != 0) {
		ss_buf_printf(out, "unknown verification problem (flags "
		    "0x%x)\n", (unsigned int)flags);
	}
}

/* Hash algorithms as people write them. */
static const struct {
	mbedtls_md_type_t	 md;
	const char		*name;
} tls_md_names[] = {
	{ MBEDTLS_MD_MD5, "MD5" },
	{ MBEDTLS_MD_SHA1, "SHA-1" },
	{ MBEDTLS_MD_SHA224, "SHA-224" },
	{ MBEDTLS_MD_SHA256, "SHA-256" },
	{ MBEDTLS_MD_SHA384, "SHA-384" },
	{ MBEDTLS_MD_SHA512, "SHA-512" },
	{ MBEDTLS_MD_RIPEMD160, "RIPEMD-160" },
};

/* Signature key types as people write them. */
static const struct {
	mbedtls_pk_type_t	 pk;
	const char		*name;
} tls_sig_pk_names[] = {
	{ MBEDTLS_PK_RSA, "RSA" },
	{ MBEDTLS_PK_ECDSA, "ECDSA" },
	{ MBEDTLS_PK_RSASSA_PSS, "RSA-PSS" },
};

/* "ECDSA with SHA-256" from the certificate's signature fields. */
static void
tls_describe_sig(const mbedtls_x509_crt *crt, char *out, size_t size)
{
	const char		*pk = "unknown", *md = "unknown hash";
	mbedtls_md_type_t	 sig_md = MBEDTLS_MD_NONE;
	mbedtls_pk_type_t	 sig_pk = MBEDTLS_PK_NONE;
	size_t			 i;

	if (mbedtls_oid_get_sig_alg(&crt->sig_oid, &sig_md, &sig_pk) != 0) {
		snprintf(out, size, "unknown algorithm");
		return;
	}
	for (i = 0; i < SS_NITEMS(tls_sig_pk_names); i++) {
		if (tls_sig_pk_names[i].pk == sig_pk) {
			pk = tls_sig_pk_names[i].name;
		}
	}
	for (i = 0; i < SS_NITEMS(tls_md_names); i++) {
		if (tls_md_names[i].md == sig_md) {
			md = tls_md_names[i].name;
		}
	}
	snprintf(out, size, "%s with %s", pk, md);
}

/* "EC 256 bits (secp256r1)" or "RSA 2048 bits". */
static void
tls_describe_key(const mbedtls_x509_crt *crt, char *out, size_t size)
{
	const mbedtls_ecp_curve_info	*curve = NULL;
	mbedtls_pk_type_t		 type;

	type = mbedtls_pk_get_type(&crt->pk);
	if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECKEY_DH ||
	    type == MBEDTLS_PK_ECDSA) {
		curve = mbedtls_ecp_curve_info_from_grp_id(
		    mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(crt->pk)));
	}
	snprintf(out, size, "%s %zu bits%s%s%s", mbedtls_pk_get_name(&crt->pk),
	    mbedtls_pk_get_bitlen(&crt->pk), curve != NULL ? " (" : "",
	    curve != NULL ? curve->name : "", curve != NULL ? ")" : "");
}

/* Append one SAN, printable characters only: the bytes are untrusted. */
static void
tls_describe_san(const mbedtls_x509_buf *b, struct ss_buf *out)
{
	char	addr[INET6_ADDRSTRLEN];
	size_t	i;

	if (out->len > 0) {
		ss_buf_adds(out, ", ");
	}
	if (b->tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) &&
	    (b->len == 4 || b->len == 16)) {
		inet_ntop(b->len == 4 ? AF_INET : AF_INET6, b->p, addr,
		    sizeof(addr));
		ss_buf_printf(out, "IP:%s", addr);
		return;
	}
	if (b->tag != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)) {
		ss_buf_printf(out, "other(%d)", b->tag & 0x1f);
		return;
	}
	ss_buf_adds(out, "DNS:");
	for (i = 0; i < b->len; i++) {
		ss_buf_addc(out, b->p[i] > 0x20 && b->p[i] < 0x7f ?
		    (char)b->p[i] : '?');
	}
}

/* All SANs, comma separated, truncated to fit. */
static void
tls_describe_sans(const mbedtls_x509_crt *crt, char *out, size_t size)
{
	const mbedtls_x509_sequence	*san;
	struct ss_buf			 b;

	ss_buf_init(&b);
	for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
		if (san->buf.p != NULL) {
			tls_describe_san(&san->buf, &b);
		}
	}
	ss_strlcpy(out, b.data != NULL ? b.data : "", size);
	ss_buf_finish(&b);
}

/* "2026-11-28 04:00:00 UTC" */
static void
tls_describe_time(const mbedtls_x509_time *tm, char *out, size_t size)
{
	snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm->year,
	    tm->mon, tm->day, tm->hour, tm->min, tm->sec);
}

/* Colon-separated upper-case hex of the DER's SHA-256. */
static void
tls_describe_fingerprint(const unsigned char *der, size_t len, char *out,
    size_t size)
{
	unsigned char	hash[32];
	size_t		i, o = 0;

	ss_crypto_sha256(der, len, hash);
	out[0] = '\0';
	for (i = 0; i < sizeof(hash) && o + 3 < size; i++) {
		o += (size_t)snprintf(out + o, size - o, "%s%02X",
		    i > 0 ? ":" : "", hash[i]);
	}
}

/* The signature BIT STRING that follows the signed part of the DER
 * (RFC 5280 section 4.1.1.3); mbedTLS 3.6 keeps its copy private. */
static int
tls_cert_signature(const mbedtls_x509_crt *crt, mbedtls_asn1_bitstring *sig)
{
	unsigned char	*p = crt->raw.p, *end = crt->raw.p + crt->raw.len;
	size_t		 len;

	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE) != 0 || len != (size_t)(end - p)) {
		return (-1);
	}
	p = crt->tbs.p + crt->tbs.len;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE) != 0) {
		return (-1);
	}
	p += len;
	if (mbedtls_asn1_get_bitstring(&p, end, sig) != 0 ||
	    sig->unused_bits != 0) {
		return (-1);
	}
	return (0);
}

/* Issued by its own subject and signed by its own key. */
static int
tls_is_self_signed(const mbedtls_x509_crt *crt)
{
	const mbedtls_md_info_t		*md;
	mbedtls_pk_rsassa_pss_options	 pss;
	mbedtls_asn1_bitstring		 sig;
	mbedtls_md_type_t		 sig_md;
	mbedtls_pk_type_t		 sig_pk;
	unsigned char			 hash[MBEDTLS_MD_MAX_SIZE];

	if (crt->issuer_raw.len != crt->subject_raw.len ||
	    memcmp(crt->issuer_raw.p, crt->subject_raw.p,
	    crt->issuer_raw.len) != 0) {
		return (0);
	}
	if (mbedtls_oid_get_sig_alg(&crt->sig_oid, &sig_md, &sig_pk) != 0 ||
	    tls_cert_signature(crt, &sig) != 0) {
		return (0);
	}
	md = mbedtls_md_info_from_type(sig_md);
	if (md == NULL || mbedtls_md(md, crt->tbs.p, crt->tbs.len, hash) != 0) {
		return (0);
	}
	/* For RSA-PSS, MGF1 with the same hash and any salt length: the
	 * parameters people use; others count as not self-signed. */
	pss.mgf1_hash_id = sig_md;
	pss.expected_salt_len = MBEDTLS_RSA_SALT_LEN_ANY;
	return (mbedtls_pk_verify_ext(sig_pk, sig_pk == MBEDTLS_PK_RSASSA_PSS ?
	    &pss : NULL, (mbedtls_pk_context *)&crt->pk, sig_md, hash,
	    mbedtls_md_get_size(md), sig.p, sig.len) == 0);
}

/* Decode a certificate for display; 0, or -1 if it does not parse. */
int
ss_tls_cert_describe(const unsigned char *der, size_t len,
    struct ss_cert_info *ci)
{
	mbedtls_x509_crt	crt;

	memset(ci, 0, sizeof(*ci));
	if (tls_library_init(NULL) == -1) {
		return (-1);
	}
	mbedtls_x509_crt_init(&crt);
	if (mbedtls_x509_crt_parse_der(&crt, der, len) != 0) {
		mbedtls_x509_crt_free(&crt);
		return (-1);
	}
	mbedtls_x509_dn_gets(ci->subject, sizeof(ci->subject), &crt.subject);
	mbedtls_x509_dn_gets(ci->issuer, sizeof(ci->issuer), &crt.issuer);
	tls_describe_sans(&crt, ci->sans, sizeof(ci->sans));
	tls_describe_time(&crt.valid_from, ci->not_before,
	    sizeof(ci->not_before));
	tls_describe_time(&crt.valid_to, ci->not_after, sizeof(ci->not_after));
	tls_describe_key(&crt, ci->key, sizeof(ci->key));
	tls_describe_sig(&crt, ci->sig_alg, sizeof(ci->sig_alg));
	tls_describe_fingerprint(der, len, ci->sha256, sizeof(ci->sha256));
	mbedtls_x509_serial_gets(ci->serial, sizeof(ci->serial), &crt.serial);
	ci->self_signed = tls_is_self_signed(&crt);
	mbedtls_x509_crt_free(&crt);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Client configuration.                                               */

/* The key log labels of the secrets mbedTLS exports (the NSS key log
 * format Wireshark reads), in the order of mbedtls_ssl_key_export_type. */
static const struct {
	mbedtls_ssl_key_export_type	 type;
	const char			*label;
} tls_keylog_labels[] = {
	{ MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET, "CLIENT_RANDOM" },
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
	{ MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET,
	  "CLIENT_EARLY_TRAFFIC_SECRET" },
	{ MBEDTLS_SSL_KEY_EXPORT_TLS1_3_EARLY_EXPORTER_SECRET,
	  "EARLY_EXPORTER_SECRET" },
	{ MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
	  "CLIENT_HANDSHAKE_TRAFFIC_SECRET" },
	{ MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET,
	  "SERVER_HANDSHAKE_TRAFFIC_SECRET" },
	{ MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET,
	  "CLIENT_TRAFFIC_SECRET_0" },
	{ MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET,
	  "SERVER_TRAFFIC_SECRET_0" },
#endif
};

#define TLS_SECRET_MAX	64	/* SHA-512 sized; 48 in practice */

/* Append one key log line: LABEL <client random> <secret>, in hex. */
static void
tls_keylog_cb(void *arg, mbedtls_ssl_key_export_type type,
    const unsigned char *secret, size_t secret_len,
    const unsigned char client_random[32],
    const unsigned char server_random[32], mbedtls_tls_prf_types prf)
{
	struct ss_tls_client	*c = arg;
	const char		*label = NULL;
	char			 line[40 + 64 + 1 + 2 * TLS_SECRET_MAX + 2];
	size_t			 i, o;

	(void)server_random, (void)prf;
	for (i = 0; i < SS_NITEMS(tls_keylog_labels); i++) {
		if (tls_keylog_labels[i].type == type) {
			label = tls_keylog_labels[i].label;
		}
	}
	if (label == NULL || secret_len > TLS_SECRET_MAX) {
		return;
	}
	o = (size_t)snprintf(line, sizeof(line), "%s ", label);
	for (i = 0; i < 32; i++) {
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%02x",
		    client_random[i]);
	}
	line[o++] = ' ';
	for (i = 0; i < secret_len; i++) {
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%02x",
		    secret[i]);
	}
	line[o++] = '\n';
	/* One write to an O_APPEND file: lines never interleave. */
	if (write(c->keylog_fd, line, o) != (ssize_t)o) {
		/* Best effort: a key log must not break the connection. */
	}
	ss_wipe(line, sizeof(line));
}

/*
 * Load a PEM bundle of certificates.  mbedTLS's own loader spends most of
 * its time in a constant-time base64 decoder (about 9 ms for Debian's 150
 * roots, on the critical path of every probe); the bundle is public, so the
 * table decoder of util.c does the same work in a fraction of that, and
 * mbedTLS parses the DER.  Returns the number of blocks that did not parse
 * (as mbedtls_x509_crt_parse_file does), or -1 with errno when the file
 * cannot be read.
 */
static int
tls_load_pem_bundle(mbedtls_x509_crt *chain, const char *path)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	struct ss_buf	 file, b64, der;
	char		 chunk[16384];
	const char	*p, *e, *q;
	ssize_t		 n;
	int		 fd, bad = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		return (-1);
	}
	ss_buf_init(&file);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		ss_buf_add(&file, chunk, (size_t)n);
	}
	close(fd);
	ss_buf_init(&b64);
	ss_buf_init(&der);
	for (p = file.data; (p = strstr(p, begin)) != NULL; p = e) {
		p += sizeof(begin) - 1;
		if ((e = strstr(p, end)) == NULL) {
			bad++;
			break;
		}
		ss_buf_reset(&b64);
		for (q = p; q < e; q++) {
			if (*q != '\n' && *q != '\r' && *q != ' ' && *q != '\t') {
				ss_buf_addc(&b64, *q);
			}
		}
		ss_buf_reset(&der);
		if (ss_base64_decode(&der, b64.data, b64.len) == -1 ||
		    mbedtls_x509_crt_parse_der(chain,
		    (const unsigned char *)der.data, der.len) != 0) {
			bad++;
		}
	}
	ss_buf_finish(&der);
	ss_buf_finish(&b64);
	ss_buf_finish(&file);
	return (bad);
}

/* Key-exchange groups (IANA numbers), in the order the client prefers
 * them: X25519 and P-256 first, as most servers and TLS 1.3 key shares. */
static const uint16_t tls_client_groups[] = {
	MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_X448,
	MBEDTLS_SSL_IANA_TLS_GROUP_BP256R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_BP384R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_BP512R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE2048,
	MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE3072,
	MBEDTLS_SSL_IANA_TLS_GROUP_FFDHE4096,
	MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};

/* Load the trust anchors the configuration asks for. */
static int
tls_client_anchors(struct ss_tls_client *c,
    const struct ss_tls_client_config *cfg, char **err)
{
	char	lib[128];
	int	ret;

	if (cfg->use_system_store) {
		ret = tls_load_pem_bundle(&c->anchors, TLS_SYSTEM_BUNDLE);
		if (ret < 0) {
			xasprintf(err, "cannot load the system CA bundle %s: "
			    "%s", TLS_SYSTEM_BUNDLE, strerror(errno));
			return (-1);
		}
	}
	if (cfg->ca_file != NULL) {
		ret = mbedtls_x509_crt_parse_file(&c->anchors, cfg->ca_file);
		if (ret != 0) {
			mbedtls_strerror(ret, lib, sizeof(lib));
			xasprintf(err, "cannot load CA file %s: %s",
			    cfg->ca_file, ret > 0 ? "some certificates do "
			    "not parse" : lib);
			return (-1);
		}
	}
	if (cfg->ca_pem != NULL) {
		ret = mbedtls_x509_crt_parse(&c->anchors,
		    (const unsigned char *)cfg->ca_pem, strlen(cfg->ca_pem) + 1);
		if (ret != 0) {
			xasprintf(err, "cannot parse the CA certificate given");
			return (-1);
		}
	}
	return (0);
}

/* Open the key log for appending, creating it private. */
static int
tls_client_keylog(struct ss_tls_client *c, const char *path, char **err)
{
	c->keylog_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600);
	if (c->keylog_fd == -1) {
		xasprintf(err, "cannot open key log %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* The version bounds, verification mode and anchors of a client. */
static int
tls_client_conf(struct ss_tls_client *c,
    const struct ss_tls_client_config *cfg, char **err)
{
	unsigned int	min = cfg->min_version, max = cfg->max_version;

	if (mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
		xasprintf(err, "cannot set up the TLS configuration");
		return (-1);
	}
	if (min >= SS_TLS_VERSION_LAST || max >= SS_TLS_VERSION_LAST ||
	    tls_min_versions[min] > tls_max_versions[max]) {
		xasprintf(err, "bad TLS version bounds (the minimum is above "
		    "the maximum)");
		return (-1);
	}
	mbedtls_ssl_conf_min_tls_version(&c->conf, tls_min_versions[min]);
	mbedtls_ssl_conf_max_tls_version(&c->conf, tls_max_versions[max]);
	mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
	mbedtls_ssl_conf_dbg(&c->conf, tls_debug, NULL);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
	/* Tickets after the handshake come back from mbedtls_ssl_read as
	 * their own code, so they can be counted and shown. */
	mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&c->conf,
	    MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
	/* Offer the fast, widely deployed groups first (mbedTLS's default
	 * list starts with P-521, the slowest), keeping the others. */
	mbedtls_ssl_conf_groups(&c->conf, tls_client_groups);
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random,
	    &c->rng.drbg);
	if (tls_client_anchors(c, cfg, err) == -1) {
		return (-1);
	}
	mbedtls_ssl_conf_ca_chain(&c->conf, &c->anchors, NULL);
	if (cfg->keylog_file != NULL &&
	    tls_client_keylog(c, cfg->keylog_file, err) == -1) {
		return (-1);
	}
	return (0);
}

/* A client configuration shared by connections; see tls.h. */
struct ss_tls_client *
ss_tls_client_create(const struct ss_tls_client_config *cfg, char **err)
{
	struct ss_tls_client	*c;

	if (tls_library_init(err) == -1) {
		return (NULL);
	}
	c = xcalloc(1, sizeof(*c));
	c->keylog_fd = -1;
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_x509_crt_init(&c->anchors);
	if (tls_rng_init(&c->rng, "smtpscope client", err) == -1 ||
	    tls_client_conf(c, cfg, err) == -1) {
		ss_tls_client_destroy(c);
		return (NULL);
	}
	return (c);
}

/* Free a client configuration; its connections must be freed first. */
void
ss_tls_client_destroy(struct ss_tls_client *c)
{
	if (c == NULL) {
		return;
	}
	if (c->keylog_fd != -1) {
		close(c->keylog_fd);
	}
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_x509_crt_free(&c->anchors);
	tls_rng_free(&c->rng);
	free(c);
}

/* ------------------------------------------------------------------ */
/* Server side: certificates made in memory for the demo server.       */

/* What one generated certificate says. */
struct tls_cert_spec {
	const char		*subject;
	const char		*issuer;
	mbedtls_pk_context	*key;		/* the certified key */
	mbedtls_pk_context	*issuer_key;	/* signs; key itself if self */
	time_t			 not_before;
	time_t			 not_after;
	int			 is_ca;
	const char		*dns;		/* DNS SAN, or NULL */
	const char *const	*ips;		/* IP SANs, or NULL */
};

/* A new EC P-256 key pair. */
static int
tls_gen_key(struct ss_tls_server *s, mbedtls_pk_context *pk)
{
	if (mbedtls_pk_setup(pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0) {
		return (-1);
	}
	return (mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk),
	    mbedtls_ctr_drbg_random, &s->rng.drbg) == 0 ? 0 : -1);
}

/* "YYYYMMDDhhmmss" in UTC, as the certificate writer wants. */
static void
tls_cert_time(time_t when, char out[16])
{
	struct tm	tm;

	gmtime_r(&when, &tm);
	strftime(out, 16, "%Y%m%d%H%M%S", &tm);
}

/* Write one GeneralName (tag, then the bytes) backwards at *p. */
static int
tls_write_general_name(unsigned char **p, unsigned char *start, int tag,
    const unsigned char *bytes, size_t len)
{
	size_t	total = 0;
	int	ret;

	MBEDTLS_ASN1_CHK_ADD(total, mbedtls_asn1_write_raw_buffer(p, start,
	    bytes, len));
	MBEDTLS_ASN1_CHK_ADD(total, mbedtls_asn1_write_len(p, start, len));
	MBEDTLS_ASN1_CHK_ADD(total, mbedtls_asn1_write_tag(p, start,
	    (unsigned char)(MBEDTLS_ASN1_CONTEXT_SPECIFIC | tag)));
	return ((int)total);
}

/* Count the NULL-terminated IP list. */
static size_t
tls_count_ips(const char *const *ips)
{
	size_t	n = 0;

	while (ips != NULL && ips[n] != NULL) {
		n++;
	}
	return (n);
}

/*
 * The subjectAltName extension value (RFC 5280 4.2.1.6): a SEQUENCE of
 * dNSName [2] and iPAddress [7], written here as in the 2.28 days (3.6's
 * writer would do; this one is tested and small).  The
 * ASN.1 helpers write backwards, so the names go in reverse order.
 */
static int
tls_write_san(unsigned char *buf, size_t size, const struct tls_cert_spec *sp,
    unsigned char **der)
{
	unsigned char	*p = buf + size, ip[16];
	size_t		 n = tls_count_ips(sp->ips), total = 0, iplen;
	int		 ret;

	while (n-- > 0) {
		if (!tls_parse_ip(sp->ips[n], ip, &iplen)) {
			return (MBEDTLS_ERR_X509_BAD_INPUT_DATA);
		}
		MBEDTLS_ASN1_CHK_ADD(total, tls_write_general_name(&p, buf, 7,
		    ip, iplen));
	}
	if (sp->dns != NULL) {
		MBEDTLS_ASN1_CHK_ADD(total, tls_write_general_name(&p, buf, 2,
		    (const unsigned char *)sp->dns, strlen(sp->dns)));
	}
	MBEDTLS_ASN1_CHK_ADD(total, mbedtls_asn1_write_len(&p, buf, total));
	MBEDTLS_ASN1_CHK_ADD(total, mbedtls_asn1_write_tag(&p, buf,
	    MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	*der = p;
	return ((int)total);
}

/* A random positive 128-bit serial number. */
static int
tls_set_serial(struct ss_tls_server *s, mbedtls_x509write_cert *w)
{
	unsigned char	bytes[16];

	if (mbedtls_ctr_drbg_random(&s->rng.drbg, bytes, sizeof(bytes)) != 0) {
		return (-1);
	}
	bytes[0] &= 0x7f;
	bytes[0] |= 0x01;
	return (mbedtls_x509write_crt_set_serial_raw(w, bytes,
	    sizeof(bytes)) == 0 ? 0 : -1);
}

/* Names, dates, keys and extensions of one certificate. */
static int
tls_cert_fields(struct ss_tls_server *s, mbedtls_x509write_cert *w,
    const struct tls_cert_spec *sp)
{
	char		 from[16], to[16];
	unsigned char	 san[1024], *der;
	int		 len;

	tls_cert_time(sp->not_before, from);
	tls_cert_time(sp->not_after, to);
	mbedtls_x509write_crt_set_version(w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(w, sp->key);
	mbedtls_x509write_crt_set_issuer_key(w, sp->issuer_key);
	if (tls_set_serial(s, w) != 0 ||
	    mbedtls_x509write_crt_set_validity(w, from, to) != 0 ||
	    mbedtls_x509write_crt_set_subject_name(w, sp->subject) != 0 ||
	    mbedtls_x509write_crt_set_issuer_name(w, sp->issuer) != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(w, sp->is_ca,
	    sp->is_ca ? 0 : -1) != 0 ||
	    mbedtls_x509write_crt_set_subject_key_identifier(w) != 0 ||
	    mbedtls_x509write_crt_set_authority_key_identifier(w) != 0 ||
	    mbedtls_x509write_crt_set_key_usage(w, sp->is_ca ?
	    MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN :
	    MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0) {
		return (-1);
	}
	if (sp->is_ca) {
		return (0);
	}
	len = tls_write_san(san, sizeof(san), sp, &der);
	if (len <= 0) {
		return (-1);
	}
	return (mbedtls_x509write_crt_set_extension(w,
	    MBEDTLS_OID_SUBJECT_ALT_NAME,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, der,
	    (size_t)len) == 0 ? 0 : -1);
}

/* Make one certificate, append it to the server's chain if it is sent,
 * and keep its PEM when pem is not NULL. */
static int
tls_cert_make(struct ss_tls_server *s, const struct tls_cert_spec *sp,
    int sent, char **pem)
{
	mbedtls_x509write_cert	 w;
	unsigned char		 der[TLS_CERT_MAX];
	int			 len = -1;

	mbedtls_x509write_crt_init(&w);
	if (tls_cert_fields(s, &w, sp) == 0) {
		len = mbedtls_x509write_crt_der(&w, der, sizeof(der),
		    mbedtls_ctr_drbg_random, &s->rng.drbg);
	}
	if (len > 0 && sent && mbedtls_x509_crt_parse_der(&s->chain,
	    der + sizeof(der) - len, (size_t)len) != 0) {
		len = -1;
	}
	if (len > 0 && pem != NULL) {
		*pem = xcalloc(1, TLS_CERT_MAX * 2);
		if (mbedtls_x509write_crt_pem(&w, (unsigned char *)*pem,
		    TLS_CERT_MAX * 2, mbedtls_ctr_drbg_random,
		    &s->rng.drbg) != 0) {
			len = -1;
		}
	}
	mbedtls_x509write_crt_free(&w);
	return (len > 0 ? 0 : -1);
}

/* The leaf's certificate as the kind asks: dates, names and signer. */
static int
tls_server_leaf(struct ss_tls_server *s, const struct ss_tls_server_config *cfg,
    time_t now)
{
	struct tls_cert_spec	 sp;
	char			 subject[300];
	const char		*host = cfg->hostname != NULL ?
				    cfg->hostname : "localhost";

	memset(&sp, 0, sizeof(sp));
	sp.key = &s->leaf_key;
	sp.issuer_key = &s->ca_key;
	sp.issuer = "CN=smtpscope demo CA,O=smtpscope demo";
	sp.not_before = now - TLS_DAY;
	sp.not_after = now + 30 * TLS_DAY;
	sp.dns = host;
	sp.ips = cfg->ips;
	if (cfg->kind == SS_CERT_EXPIRED) {
		sp.not_before = now - 60 * TLS_DAY;
		sp.not_after = now - 30 * TLS_DAY;
	} else if (cfg->kind == SS_CERT_WRONG_HOST) {
		sp.dns = "wrong.example.net";
		sp.ips = NULL;
	}
	snprintf(subject, sizeof(subject), "CN=%s,O=smtpscope demo", sp.dns);
	sp.subject = subject;
	if (cfg->kind == SS_CERT_SELF_SIGNED) {
		sp.issuer = subject;
		sp.issuer_key = &s->leaf_key;
	}
	return (tls_cert_make(s, &sp, 1, NULL));
}

/* The CA that signs every leaf but the self-signed one, which is sent
 * alone. */
static int
tls_server_ca(struct ss_tls_server *s, time_t now, int sent)
{
	struct tls_cert_spec	sp;

	memset(&sp, 0, sizeof(sp));
	sp.subject = "CN=smtpscope demo CA,O=smtpscope demo";
	sp.issuer = sp.subject;
	sp.key = sp.issuer_key = &s->ca_key;
	sp.not_before = now - TLS_DAY;
	sp.not_after = now + 365 * TLS_DAY;
	sp.is_ca = 1;
	return (tls_cert_make(s, &sp, sent, &s->ca_pem));
}

/* A host name safe to put in a distinguished name and a SAN. */
static int
tls_hostname_ok(const char *host)
{
	size_t	i;

	if (host == NULL) {
		return (1);
	}
	for (i = 0; host[i] != '\0'; i++) {
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= 'A' && host[i] <= 'Z') ||
		    (host[i] >= '0' && host[i] <= '9') ||
		    host[i] == '.' || host[i] == '-' || host[i] == '*')) {
			return (0);
		}
	}
	return (i > 0 && i < 254);
}

/* Keys, then the leaf, then the CA: the chain is sent leaf first. */
static int
tls_server_certs(struct ss_tls_server *s,
    const struct ss_tls_server_config *cfg, char **err)
{
	time_t	now = time(NULL);

	if (!tls_hostname_ok(cfg->hostname) ||
	    (unsigned int)cfg->kind >= SS_CERT_KIND_LAST) {
		xasprintf(err, "bad host name or certificate kind for the "
		    "demo certificate");
		return (-1);
	}
	if (tls_gen_key(s, &s->ca_key) == -1 ||
	    tls_gen_key(s, &s->leaf_key) == -1) {
		xasprintf(err, "cannot generate a key pair");
		return (-1);
	}
	if (tls_server_leaf(s, cfg, now) == -1 ||
	    tls_server_ca(s, now, cfg->kind != SS_CERT_SELF_SIGNED) == -1) {
		xasprintf(err, "cannot make the demo certificates (a bad IP "
		    "address in the list?)");
		return (-1);
	}
	return (0);
}

/* Server configuration: versions, our chain, and no client certificates. */
static int
tls_server_conf(struct ss_tls_server *s,
    const struct ss_tls_server_config *cfg, char **err)
{
	unsigned int	max = cfg->max_version;

	if (max >= SS_TLS_VERSION_LAST ||
	    mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
		xasprintf(err, "cannot set up the TLS server configuration");
		return (-1);
	}
	mbedtls_ssl_conf_min_tls_version(&s->conf, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(&s->conf, tls_max_versions[max]);
	mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random,
	    &s->rng.drbg);
	mbedtls_ssl_conf_dbg(&s->conf, tls_debug, NULL);
	mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE);
	if (mbedtls_ssl_conf_own_cert(&s->conf, &s->chain,
	    &s->leaf_key) != 0) {
		xasprintf(err, "cannot use the demo certificate");
		return (-1);
	}
	return (0);
}

/* A demo TLS server with fresh certificates; see tls.h. */
struct ss_tls_server *
ss_tls_server_create(const struct ss_tls_server_config *cfg, char **err)
{
	struct ss_tls_server	*s;

	if (tls_library_init(err) == -1) {
		return (NULL);
	}
	s = xcalloc(1, sizeof(*s));
	mbedtls_ssl_config_init(&s->conf);
	mbedtls_pk_init(&s->ca_key);
	mbedtls_pk_init(&s->leaf_key);
	mbedtls_x509_crt_init(&s->chain);
	if (tls_rng_init(&s->rng, "smtpscope demo server", err) == -1 ||
	    tls_server_certs(s, cfg, err) == -1 ||
	    tls_server_conf(s, cfg, err) == -1) {
		ss_tls_server_destroy(s);
		return (NULL);
	}
	return (s);
}

/* Free a demo server; its connections must be freed first. */
void
ss_tls_server_destroy(struct ss_tls_server *s)
{
	if (s == NULL) {
		return;
	}
	mbedtls_ssl_config_free(&s->conf);
	mbedtls_x509_crt_free(&s->chain);
	mbedtls_pk_free(&s->leaf_key);
	mbedtls_pk_free(&s->ca_key);
	tls_rng_free(&s->rng);
	free(s->ca_pem);
	free(s);
}

/* The CA's PEM; see tls.h. */
const char *
ss_tls_server_ca_pem(const struct ss_tls_server *s)
{
	return (s->ca_pem);
}
