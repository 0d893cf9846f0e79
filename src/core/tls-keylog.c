/*
 * tls-keylog.c: TLS secrets for Wireshark, in the NSS key log format (SSLKEYLOGFILE):
 * CLIENT_RANDOM for TLS 1.2, the four traffic secrets for TLS 1.3, one
 * line each, appended to a file only the user can read.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/util.h"
#include "tls-internal.h"

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
void
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

/* Open the key log for appending, creating it private (0600); each
 * connection of the client then logs its secrets there. */
int
tls_keylog_open(struct ss_tls_client *c, const char *path, char **err)
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

