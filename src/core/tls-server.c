/*
 * tls-server.c: the demo server's side: a CA and a leaf certificate (EC P-256)
 * minted in memory for each server, of the kind the demo profile wants
 * (good, expired, for another host, self-signed), and the server
 * configuration that presents them.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

#define TLS_CERT_MAX		2048	/* one generated certificate, DER */
#define TLS_DAY			(24 * 60 * 60)

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

/* Any client certificate will do: the demo has no client CA, and the
 * point is whether one was sent. */
static int
tls_server_accept_any(void *arg, mbedtls_x509_crt *crt, int depth,
    uint32_t *flags)
{
	(void)arg, (void)crt, (void)depth;
	*flags = 0;
	return (0);
}

/* Client certificates: not asked for, or required (and any accepted). */
static int
tls_server_client_auth(struct ss_tls_server *s,
    const struct ss_tls_server_config *cfg)
{
	if (!cfg->require_client_cert) {
		mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE);
		return (0);
	}
	mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_verify(&s->conf, tls_server_accept_any, NULL);
	/* The chain to check against: the demo's own CA, which names no
	 * client; the callback above accepts whatever comes. */
	mbedtls_ssl_conf_ca_chain(&s->conf, s->chain.next != NULL ?
	    s->chain.next : &s->chain, NULL);
	return (0);
}

/* TLS 1.3 session tickets, sealed with a key of this server's: two per
 * handshake, as OpenSSL servers send, so clients meet them after the
 * handshake as they do in the wild. */
static int
tls_server_tickets(struct ss_tls_server *s)
{
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
	if (mbedtls_ssl_ticket_setup(&s->tickets, mbedtls_ctr_drbg_random,
	    &s->rng.drbg, MBEDTLS_CIPHER_AES_256_GCM, 24 * 60 * 60) != 0) {
		return (-1);
	}
	mbedtls_ssl_conf_session_tickets_cb(&s->conf, mbedtls_ssl_ticket_write,
	    mbedtls_ssl_ticket_parse, &s->tickets);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
	mbedtls_ssl_conf_new_session_tickets(&s->conf, 2);
#endif
#endif
	return (0);
}

/* Server configuration: versions, our chain, client certificates and
 * session tickets. */
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
	if (tls_server_client_auth(s, cfg) != 0 ||
	    tls_server_tickets(s) != 0) {
		xasprintf(err, "cannot set up client certificates or session "
		    "tickets for the demo server");
		return (-1);
	}
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
	mbedtls_ssl_ticket_init(&s->tickets);
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
	mbedtls_ssl_ticket_free(&s->tickets);
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


/* Start the server side of a connection; see tls.h. */
struct ss_tls *
ss_tls_accept(struct ss_tls_server *s, int fd, char **err)
{
	return (tls_new(&s->conf, fd, 1, err));
}

