/*
 * tls-client.c: the client side: a configuration shared by connections (version
 * bounds, groups, trust anchors from the system bundle and the user's
 * files, the key log) and the start of one connection to a named server.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

#define TLS_SYSTEM_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"

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
	size_t		 run;
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
		/* The lines without their ends, a run at a time. */
		ss_buf_reset(&b64);
		for (q = p; q < e; q += run + 1) {
			run = strcspn(q, "\n\r \t");
			if (run > (size_t)(e - q)) {
				run = (size_t)(e - q);
			}
			ss_buf_add(&b64, q, run);
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

/* A private key in words that say what to do about it. */
static void
tls_key_error(int ret, const char *path, char **err)
{
	char	lib[128];

	if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
		xasprintf(err, "the key %s is encrypted: a passphrase is "
		    "needed", path);
	} else if (ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH) {
		xasprintf(err, "wrong passphrase for the key %s", path);
	} else if (ret == MBEDTLS_ERR_PK_FILE_IO_ERROR) {
		xasprintf(err, "cannot read the key %s", path);
	} else {
		mbedtls_strerror(ret, lib, sizeof(lib));
		xasprintf(err, "cannot use the key %s: %s", path, lib);
	}
}

/* Parse a PEM or DER key file with a passphrase or none. */
static int
tls_key_parse(mbedtls_pk_context *pk, struct tls_rng *rng, const char *path,
    const char *passphrase)
{
	return (mbedtls_pk_parse_keyfile(pk, path, passphrase,
	    mbedtls_ctr_drbg_random, &rng->drbg));
}

/* Does the key file open with this passphrase (NULL: none)?  See tls.h. */
int
ss_tls_key_check(const char *path, const char *passphrase, char **err)
{
	mbedtls_pk_context	pk;
	struct tls_rng		rng;
	int			ret;

	if (tls_library_init(err) == -1 ||
	    tls_rng_init(&rng, "smtpscope key check", err) == -1) {
		return (-1);
	}
	mbedtls_pk_init(&pk);
	ret = tls_key_parse(&pk, &rng, path, passphrase);
	mbedtls_pk_free(&pk);
	tls_rng_free(&rng);
	if (ret == 0) {
		return (0);
	}
	tls_key_error(ret, path, err);
	return (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED ||
	    ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH ? 1 : -1);
}

/* "subject=CN=relay.example sha256=AB:CD:..." for the transcript. */
static void
tls_client_describe_own(struct ss_tls_client *c)
{
	struct ss_cert_info	ci;

	if (ss_tls_cert_describe(c->own_cert.raw.p, c->own_cert.raw.len,
	    &ci) == 0) {
		xasprintf(&c->own_desc, "subject=%s sha256=%s", ci.subject,
		    ci.sha256);
	} else {
		c->own_desc = xstrdup("subject=(unreadable)");
	}
}

/* The client's own certificate and key (--cert, --key), for servers that
 * ask for one; the key must match the certificate. */
static int
tls_client_own_cert(struct ss_tls_client *c,
    const struct ss_tls_client_config *cfg, char **err)
{
	char	lib[128];
	int	ret;

	if (cfg->cert_file == NULL && cfg->key_file == NULL) {
		return (0);
	}
	if (cfg->cert_file == NULL || cfg->key_file == NULL) {
		xasprintf(err, "a client certificate needs both --cert and "
		    "--key");
		return (-1);
	}
	ret = mbedtls_x509_crt_parse_file(&c->own_cert, cfg->cert_file);
	if (ret != 0 || c->own_cert.raw.p == NULL) {
		mbedtls_strerror(ret, lib, sizeof(lib));
		xasprintf(err, "cannot load the client certificate %s: %s",
		    cfg->cert_file, ret > 0 ? "some certificates do not parse" :
		    lib);
		return (-1);
	}
	ret = tls_key_parse(&c->own_key, &c->rng, cfg->key_file,
	    cfg->key_passphrase);
	if (ret != 0) {
		tls_key_error(ret, cfg->key_file, err);
		return (-1);
	}
	if (mbedtls_pk_check_pair(&c->own_cert.pk, &c->own_key,
	    mbedtls_ctr_drbg_random, &c->rng.drbg) != 0) {
		xasprintf(err, "the key %s does not belong to the certificate "
		    "%s", cfg->key_file, cfg->cert_file);
		return (-1);
	}
	if (mbedtls_ssl_conf_own_cert(&c->conf, &c->own_cert,
	    &c->own_key) != 0) {
		xasprintf(err, "cannot use the client certificate %s",
		    cfg->cert_file);
		return (-1);
	}
	tls_client_describe_own(c);
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
	if (tls_client_own_cert(c, cfg, err) == -1) {
		return (-1);
	}
	if (cfg->keylog_file != NULL &&
	    tls_keylog_open(c, cfg->keylog_file, err) == -1) {
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
	mbedtls_x509_crt_init(&c->own_cert);
	mbedtls_pk_init(&c->own_key);
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
	mbedtls_x509_crt_free(&c->own_cert);
	mbedtls_pk_free(&c->own_key);
	free(c->own_desc);
	tls_rng_free(&c->rng);
	free(c);
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
	t->own_desc = c->own_desc;
	return (t);
}

