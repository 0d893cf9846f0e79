/*
 * min-client.c: the least an SMTP client can do for the probe, as the
 * benchmark's yardstick (issue 9 item 7).
 *
 *	min-client HOST PORT CA-FILE SERVERNAME USER PASSWORD-FILE
 *
 * One blocking mbedTLS client, nothing else: connect with TCP_NODELAY
 * (smtpscope sets it too), read the banner, EHLO, STARTTLS, the handshake
 * verifying the server against CA-FILE and SERVERNAME, EHLO, AUTH PLAIN
 * with the initial response, QUIT.  Each reply is read until its last
 * line; any reply other than the expected code ends with exit 1.  It
 * prints the negotiated version and ciphersuite on stdout and the AUTH
 * reply code, nothing else.
 *
 * A benchmark tool, not part of smtpscope: it is the only file outside
 * src/core/tls*.c that includes mbedTLS, because including it directly is
 * the point (no core, no transcript, no findings).
 */

#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_MAJOR >= 3
#include <psa/crypto.h>
#endif

#define REPLY_MAX	8192
#define LINE_MAX_LEN	512

struct client {
	int			 fd;
	int			 tls;
	mbedtls_ssl_context	 ssl;
	mbedtls_ssl_config	 conf;
	mbedtls_x509_crt	 ca;
	mbedtls_entropy_context	 entropy;
	mbedtls_ctr_drbg_context drbg;
	char			 buf[REPLY_MAX];
	size_t			 len;
};

/* Say what went wrong and stop. */
static void
die(const char *what, int ret)
{
	fprintf(stderr, "min-client: %s (%d)\n", what, ret);
	exit(1);
}

/* mbedTLS's send callback over the blocking socket. */
static int
net_send(void *ctx, const unsigned char *p, size_t n)
{
	ssize_t	w = send(*(int *)ctx, p, n, MSG_NOSIGNAL);

	return w < 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : (int)w;
}

/* mbedTLS's receive callback over the blocking socket. */
static int
net_recv(void *ctx, unsigned char *p, size_t n)
{
	ssize_t	r = recv(*(int *)ctx, p, n, 0);

	if (r == 0) {
		return MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY;
	}
	return r < 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : (int)r;
}

/* Connect to HOST:PORT with Nagle off. */
static int
tcp_connect(const char *host, const char *port)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int		 fd = -1, one = 1;

	if (getaddrinfo(host, port, &hints, &res) != 0) {
		die("cannot resolve the host", 0);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd != -1 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			break;
		}
		if (fd != -1) {
			close(fd);
		}
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		die("cannot connect", errno);
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1) {
		die("TCP_NODELAY", errno);
	}
	return fd;
}

/* Read some bytes, in TLS once it is up (a TLS 1.3 ticket is no data). */
static int
client_read(struct client *c, char *p, size_t n)
{
	int	ret;

	if (!c->tls) {
		return (int)recv(c->fd, p, n, 0);
	}
	do {
		ret = mbedtls_ssl_read(&c->ssl, (unsigned char *)p, n);
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
	} while (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET);
#else
	} while (0);
#endif
	return ret;
}

/* Write a whole command, in TLS once it is up. */
static void
client_write(struct client *c, const char *s)
{
	size_t	len = strlen(s), off = 0;
	int	ret;

	while (off < len) {
		if (c->tls) {
			ret = mbedtls_ssl_write(&c->ssl,
			    (const unsigned char *)s + off, len - off);
		} else {
			ret = (int)send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		}
		if (ret <= 0) {
			die("write failed", ret);
		}
		off += (size_t)ret;
	}
}

/* Is the last complete line of the buffer a reply's final line? */
static int
reply_complete(const struct client *c)
{
	size_t	end, start;

	if (c->len < 2 || c->buf[c->len - 1] != '\n') {
		return 0;
	}
	end = c->len - 1;
	for (start = end; start > 0 && c->buf[start - 1] != '\n'; start--) {
		;
	}
	return end - start >= 4 && c->buf[start + 3] == ' ';
}

/* The three digits that start a reply, or -1. */
static int
reply_code(const char *p)
{
	int	i, code = 0;

	for (i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return -1;
		}
		code = code * 10 + (p[i] - '0');
	}
	return code;
}

/* Read one whole reply; its code, or die if it is not the one wanted. */
static int
read_reply(struct client *c, int want)
{
	int	n, code;

	c->len = 0;
	while (!reply_complete(c)) {
		if (c->len == sizeof(c->buf) - 1) {
			die("reply too long", 0);
		}
		n = client_read(c, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		if (n <= 0) {
			die("connection ended before the reply", n);
		}
		c->len += (size_t)n;
	}
	c->buf[c->len] = '\0';
	code = reply_code(c->buf);
	if (code != want) {
		die("unexpected reply", code);
	}
	return code;
}

/* TLS configuration: client, verification required against CA-FILE. */
static void
tls_setup(struct client *c, const char *ca_file, const char *servername)
{
	int	ret;

#if MBEDTLS_VERSION_MAJOR >= 3
	if (psa_crypto_init() != PSA_SUCCESS) {
		die("psa_crypto_init", 0);
	}
#endif
	mbedtls_ssl_init(&c->ssl);
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
	if ((ret = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func,
	    &c->entropy, NULL, 0)) != 0) {
		die("ctr_drbg_seed", ret);
	}
	if ((ret = mbedtls_x509_crt_parse_file(&c->ca, ca_file)) != 0) {
		die("cannot load the CA file", ret);
	}
	if ((ret = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		die("ssl_config_defaults", ret);
	}
	mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
	if ((ret = mbedtls_ssl_setup(&c->ssl, &c->conf)) != 0 ||
	    (ret = mbedtls_ssl_set_hostname(&c->ssl, servername)) != 0) {
		die("ssl_setup", ret);
	}
	mbedtls_ssl_set_bio(&c->ssl, &c->fd, net_send, net_recv, NULL);
}

/* The handshake, blocking; the certificate must verify. */
static void
tls_handshake(struct client *c)
{
	int	ret;

	while ((ret = mbedtls_ssl_handshake(&c->ssl)) != 0) {
		if (ret != MBEDTLS_ERR_SSL_WANT_READ &&
		    ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
			die("handshake failed", ret);
		}
	}
	c->tls = 1;
	printf("%s %s\n", mbedtls_ssl_get_version(&c->ssl),
	    mbedtls_ssl_get_ciphersuite(&c->ssl));
}

/* "AUTH PLAIN base64(\0user\0password)\r\n" from the password file. */
static void
auth_line(char *out, size_t size, const char *user, const char *pwfile)
{
	char		 pw[256], raw[LINE_MAX_LEN];
	unsigned char	 b64[LINE_MAX_LEN * 2];
	size_t		 ulen = strlen(user), plen, olen;
	FILE		*f;

	if ((f = fopen(pwfile, "r")) == NULL || fgets(pw, sizeof(pw), f) == NULL) {
		die("cannot read the password file", errno);
	}
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
	plen = strlen(pw);
	if (ulen + plen + 2 > sizeof(raw)) {
		die("user or password too long", 0);
	}
	raw[0] = '\0';
	memcpy(raw + 1, user, ulen);
	raw[1 + ulen] = '\0';
	memcpy(raw + 2 + ulen, pw, plen);
	if (mbedtls_base64_encode(b64, sizeof(b64), &olen,
	    (unsigned char *)raw, ulen + plen + 2) != 0) {
		die("base64", 0);
	}
	snprintf(out, size, "AUTH PLAIN %.*s\r\n", (int)olen, b64);
}

/* The probe, step by step; any surprise ends it with exit 1. */
int
main(int argc, char *argv[])
{
	struct client	c = { 0 };
	char		auth[LINE_MAX_LEN * 2 + 16];

	if (argc != 7) {
		fprintf(stderr, "usage: min-client HOST PORT CA-FILE SERVERNAME "
		    "USER PASSWORD-FILE\n");
		return 2;
	}
	auth_line(auth, sizeof(auth), argv[5], argv[6]);
	tls_setup(&c, argv[3], argv[4]);
	c.fd = tcp_connect(argv[1], argv[2]);
	read_reply(&c, 220);
	client_write(&c, "EHLO bench.smtpscope.local\r\n");
	read_reply(&c, 250);
	client_write(&c, "STARTTLS\r\n");
	read_reply(&c, 220);
	tls_handshake(&c);
	client_write(&c, "EHLO bench.smtpscope.local\r\n");
	read_reply(&c, 250);
	client_write(&c, auth);
	printf("AUTH %d accepted\n", read_reply(&c, 235));
	client_write(&c, "QUIT\r\n");
	read_reply(&c, 221);
	mbedtls_ssl_close_notify(&c.ssl);
	close(c.fd);
	mbedtls_ssl_free(&c.ssl);
	mbedtls_ssl_config_free(&c.conf);
	mbedtls_x509_crt_free(&c.ca);
	mbedtls_ctr_drbg_free(&c.drbg);
	mbedtls_entropy_free(&c.entropy);
	return 0;
}
