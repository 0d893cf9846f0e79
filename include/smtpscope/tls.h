/*
 * tls.h: TLS for smtpscope, client and (for the demo server) server side.
 * The src/core/tls*.c files are the only ones that include mbedTLS (3.6 LTS
 * or newer: TLS 1.2 and 1.3; TLS 1.0 and 1.1 are gone from the library).
 *
 * The client always completes the handshake with verification optional and
 * records the result, so the caller can explain a failure in words and the
 * user can go on knowingly; the session refuses to go on after a failed
 * verification unless the user asked for that.
 *
 * Ownership: struct ss_tls owns its mbedTLS contexts but not the socket.
 * Strings returned by accessors belong to the object.
 */
#ifndef SMTPSCOPE_TLS_H
#define SMTPSCOPE_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ss_buf;

/* TLS versions as bounds.  SS_TLS_ANY (0, so a zeroed configuration gets
 * it) is no bound: the oldest or newest version the library speaks. */
enum ss_tls_version {
	SS_TLS_ANY,
	SS_TLS_1_2,
	SS_TLS_1_3,
	SS_TLS_VERSION_LAST
};
/* "TLSv1.2", "TLSv1.3" ("any" for SS_TLS_ANY). */
extern const char *const ss_tls_version_names[SS_TLS_VERSION_LAST];

struct ss_tls_client_config {
	const char		*ca_file;	/* extra trust anchors (PEM) */
	const char		*ca_pem;	/* extra anchors in memory */
	int			 use_system_store; /* load the system bundle */
	enum ss_tls_version	 min_version;	/* SS_TLS_ANY: TLS 1.2 */
	const char		*keylog_file;	/* NSS key log, or NULL */
	enum ss_tls_version	 max_version;	/* SS_TLS_ANY: TLS 1.3 */
	/* A client certificate for servers that ask for one: the chain
	 * (PEM, leaf first) and its key (PEM or DER; encrypted ones need
	 * the passphrase, see ss_tls_key_check).  All NULL: none. */
	const char		*cert_file;
	const char		*key_file;
	const char		*key_passphrase;
};

/* Does the key file open with this passphrase (NULL: none)?  0 yes; 1 no,
 * a passphrase is needed or this one is wrong (ask again); -1 another
 * error.  *err says which, except on 0. */
int	ss_tls_key_check(const char *path, const char *passphrase, char **err);

/* Results of ss_tls_handshake/read/write when not a byte count. */
#define SS_TLS_WANT_READ	(-2)
#define SS_TLS_WANT_WRITE	(-3)
#define SS_TLS_ERROR		(-1)

struct ss_tls_client;	/* shared configuration, many connections */
struct ss_tls;		/* one connection */

struct ss_tls_client *ss_tls_client_create(const struct ss_tls_client_config *,
		    char **err);
void	ss_tls_client_destroy(struct ss_tls_client *);

/*
 * Start a client connection over a connected socket.  name is the name to
 * send as SNI and to verify; for an IP literal no SNI is sent and the
 * address is checked against the certificate's IP SANs.
 */
struct ss_tls *ss_tls_connect(struct ss_tls_client *, int fd,
		    const char *name, char **err);
void	ss_tls_free(struct ss_tls *);

/* 0 when done, SS_TLS_WANT_*, or SS_TLS_ERROR (see ss_tls_error). */
int	ss_tls_handshake(struct ss_tls *);
/* >0 bytes, 0 on orderly close, SS_TLS_WANT_*, SS_TLS_ERROR.  A partial
 * write must be retried with the same arguments. */
ssize_t	ss_tls_read(struct ss_tls *, void *, size_t);
ssize_t	ss_tls_write(struct ss_tls *, const void *, size_t);
/* Decrypted bytes already buffered: read them before polling again. */
size_t	ss_tls_pending(const struct ss_tls *);
/* Send close_notify (best effort). */
void	ss_tls_close_notify(struct ss_tls *);
/* The last error in words ("the server sent a fatal alert: handshake
 * failure"); NULL if none. */
const char *ss_tls_error(const struct ss_tls *);

/* After the handshake. */
/* NULL before the handshake is done. */
const char *ss_tls_version_str(const struct ss_tls *);	/* "TLSv1.2" */
/* IANA name, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
 * "TLS_AES_256_GCM_SHA384". */
const char *ss_tls_ciphersuite(const struct ss_tls *);
/* The key exchange group as IANA names it ("x25519", "secp256r1"), read
 * from the server's ServerHello (TLS 1.3) or ServerKeyExchange (TLS 1.2);
 * NULL when not known (a client-side connection only). */
const char *ss_tls_group(const struct ss_tls *);
/* The client certificate sent ("subject=DN sha256=AB:CD:..."), NULL if the
 * server asked for none or there was none to send. */
const char *ss_tls_client_cert_sent(const struct ss_tls *);
/* Did the server ask for a client certificate (CertificateRequest)? */
int	ss_tls_client_cert_requested(const struct ss_tls *);
/*
 * Did the server refuse the handshake after it ended on our side?  In TLS
 * 1.3 the client is done when it sends Finished, so a server that rejects
 * its certificate (or its lack of one) says so with an alert that the
 * first read meets: 1 when that read failed on a fatal alert before any
 * data came, which the caller should treat as a failed handshake.
 */
int	ss_tls_failed_after_handshake(const struct ss_tls *);
/* How many TLS 1.3 NewSessionTickets arrived after the handshake so far
 * (read past by ss_tls_read; the caller may note each new one). */
unsigned int ss_tls_tickets(const struct ss_tls *);
/* 0 = verified; otherwise a mask of the SS_TLS_VERIFY_* bits below (the
 * same values as mbedTLS's X509 flags, checked at compile time). */
uint32_t ss_tls_verify_flags(const struct ss_tls *);
#define SS_TLS_VERIFY_EXPIRED		0x00001	/* not after is past */
#define SS_TLS_VERIFY_REVOKED		0x00002
#define SS_TLS_VERIFY_NAME_MISMATCH	0x00004	/* DNS name or IP SAN */
#define SS_TLS_VERIFY_NOT_TRUSTED	0x00008	/* unknown CA, self-signed */
#define SS_TLS_VERIFY_MISSING		0x00040	/* no certificate sent */
#define SS_TLS_VERIFY_FUTURE		0x00200	/* not before is ahead */
#define SS_TLS_VERIFY_KEY_USAGE		0x00800
#define SS_TLS_VERIFY_EXT_KEY_USAGE	0x01000
#define SS_TLS_VERIFY_BAD_MD		0x04000	/* MD5 or SHA-1 signature */
#define SS_TLS_VERIFY_BAD_PK		0x08000
#define SS_TLS_VERIFY_BAD_KEY		0x10000	/* key too small, bad curve */
/* Peer chain, leaf first, as DER. */
size_t	ss_tls_peer_count(const struct ss_tls *);
const unsigned char *ss_tls_peer_der(const struct ss_tls *, size_t,
		    size_t *);

/* Verify flags in words, one reason per line ("the certificate has
 * expired (not after 2024-01-01 00:00:00 UTC)" is for the caller to
 * combine with ss_tls_cert_describe). */
void	ss_tls_verify_words(uint32_t, struct ss_buf *);

/* A certificate decoded for display. */
struct ss_cert_info {
	char	subject[256];
	char	issuer[256];
	char	sans[512];	/* "DNS:a.example, IP:192.0.2.7" */
	char	not_before[32];	/* "2026-11-28 04:00:00 UTC" */
	char	not_after[32];
	char	key[48];	/* "RSA 2048 bits", "EC 256 bits (secp256r1)" */
	char	sig_alg[48];	/* "RSA with SHA-256" */
	char	sha256[96];	/* "AB:CD:..." */
	char	serial[80];
	int	self_signed;
};
int	ss_tls_cert_describe(const unsigned char *, size_t,
	    struct ss_cert_info *);

/* ------------------------------------------------------------------ */
/* Server side, for the demo server.                                   */

enum ss_cert_kind {
	SS_CERT_GOOD,		/* valid now, names localhost and the IPs */
	SS_CERT_EXPIRED,	/* valid dates in the past */
	SS_CERT_WRONG_HOST,	/* names another host */
	SS_CERT_SELF_SIGNED,	/* leaf signs itself, no CA */
	SS_CERT_KIND_LAST
};

struct ss_tls_server_config {
	enum ss_cert_kind	 kind;
	const char		*hostname;	/* DNS SAN, e.g. "localhost" */
	const char		*const *ips;	/* IP SANs, NULL-terminated */
	enum ss_tls_version	 max_version;	/* SS_TLS_ANY: TLS 1.3;
						   SS_TLS_1_2 for an older
						   server */
	int			 require_client_cert; /* refuse clients
						   without one (any
						   certificate will do) */
};

struct ss_tls_server;

/* Generates a CA and a leaf certificate (EC P-256) in memory.  In TLS 1.3
 * the server sends two session tickets after each handshake, as OpenSSL
 * does by default.  With require_client_cert, a client that sends no
 * certificate fails the handshake (TLS 1.2: handshake_failure alert; TLS
 * 1.3: certificate_required, which the client reads only after its own
 * handshake ended); any certificate is accepted, unverified: the demo
 * knows no client CA. */
struct ss_tls_server *ss_tls_server_create(const struct ss_tls_server_config *,
		    char **err);
void	ss_tls_server_destroy(struct ss_tls_server *);
/* The PEM of the server's CA, for clients to trust.  It signed the leaf,
 * except for SS_CERT_SELF_SIGNED, where a client trusting this CA still
 * finds the leaf untrusted (which is the point of that kind). */
const char *ss_tls_server_ca_pem(const struct ss_tls_server *);
/* Start the server side of a connection over a connected socket; drive it
 * with ss_tls_handshake.  The server must outlive its connections, as a
 * client must outlive its own. */
struct ss_tls *ss_tls_accept(struct ss_tls_server *, int fd, char **err);

/* ------------------------------------------------------------------ */
/* Small crypto helpers, so that no other file needs mbedTLS headers.  */

/* HMAC-MD5 (RFC 2104) of msg under key, for CRAM-MD5; 0 or -1. */
int	ss_crypto_hmac_md5(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[16]);
/* SHA-256 of a byte string. */
void	ss_crypto_sha256(const void *, size_t, unsigned char out[32]);
/* SHA-1 of a byte string (SCRAM-SHA-1, RFC 5802); 0 or -1. */
int	ss_crypto_sha1(const void *, size_t, unsigned char out[20]);
/* HMAC-SHA-1 and HMAC-SHA-256 (RFC 2104) of msg under key; 0 or -1. */
int	ss_crypto_hmac_sha1(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[20]);
int	ss_crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[32]);
/* PBKDF2 (RFC 8018) with HMAC-SHA-1 or HMAC-SHA-256: outlen bytes derived
 * from the password and salt in iterations rounds (SCRAM's Hi());
 * 0, or -1 on bad input (iterations 0) or a library failure. */
int	ss_crypto_pbkdf2_hmac_sha1(const void *pass, size_t passlen,
	    const void *salt, size_t saltlen, unsigned int iterations,
	    unsigned char *out, size_t outlen);
int	ss_crypto_pbkdf2_hmac_sha256(const void *pass, size_t passlen,
	    const void *salt, size_t saltlen, unsigned int iterations,
	    unsigned char *out, size_t outlen);

/*
 * Keying material from the TLS exporter (RFC 8446 section 7.5, RFC 5705
 * for TLS 1.2) of a connection whose handshake is done: len bytes for
 * label, with context (a NUL-terminated string) or without (NULL).  For
 * tls-exporter channel binding (RFC 9266): label "EXPORTER-Channel-Binding",
 * context "" and 32 bytes, on TLS 1.3.  0, or -1 (handshake not done,
 * library without exporters, len 0 or over 8160).
 */
int	ss_tls_export_keying_material(struct ss_tls *, const char *label,
	    const char *context, size_t len, unsigned char *out);

/* The TLS library's version, "3.6.6", as linked (not as compiled); cheap:
 * no library initialisation. */
const char *ss_tls_library_version(void);
/* Fill with bytes from the kernel's random source; 0 or -1. */
int	ss_crypto_random(void *, size_t);

#endif
