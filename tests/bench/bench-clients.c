/*
 * bench-clients.c: many SMTP clients at once against the demo server.
 *
 *	bench-clients PORT N SERVER-PID
 *
 * Opens N connections to 127.0.0.1:PORT, one after the other, and keeps
 * every one open: each reads the banner, sends EHLO, STARTTLS, does the
 * TLS handshake (with the core's TLS client; the certificate is not
 * checked: the figures are about the server) and sends EHLO again inside
 * TLS.  With all N open it reads the server's resident set from
 * /proc/SERVER-PID/status; then each sends QUIT and closes.  Prints
 *	greeted G refused R tls T peak-kib K
 * and exits 0 only when every client was greeted and got through TLS.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtpscope/tls.h"
#include "smtpscope/util.h"

/* Bytes of one reply we keep: the demo's EHLO answer is far shorter. */
#define CLIENT_REPLY_MAX	8192

struct client {
	int		 fd;
	struct ss_tls	*tls;
	char		 buf[CLIENT_REPLY_MAX];
	size_t		 len;
};

/* Read some bytes, in TLS once it is up. */
static ssize_t
client_read(struct client *c, void *p, size_t n)
{
	if (c->tls != NULL) {
		return ss_tls_read(c->tls, p, n);
	}
	return read(c->fd, p, n);
}

/* Write a command whole, in TLS once it is up. */
static int
client_write(struct client *c, const char *s)
{
	size_t	len = strlen(s);
	ssize_t	n;

	if (c->tls != NULL) {
		n = ss_tls_write(c->tls, s, len);
	} else {
		n = write(c->fd, s, len);
	}
	return n == (ssize_t)len ? 0 : -1;
}

/* Is the buffer a complete reply (its last line final, "250 ...\r\n")? */
static int
client_reply_done(const struct client *c)
{
	size_t	start;

	if (c->len < 2 || c->buf[c->len - 1] != '\n') {
		return 0;
	}
	for (start = c->len - 1; start > 0 && c->buf[start - 1] != '\n';
	    start--) {
		continue;
	}
	return c->len - start >= 4 && c->buf[start + 3] == ' ';
}

/* The code of the next reply, or -1 when the connection ends first. */
static int
client_reply(struct client *c)
{
	ssize_t	n;

	c->len = 0;
	while (!client_reply_done(c)) {
		if (c->len == sizeof c->buf) {
			return -1;
		}
		n = client_read(c, c->buf + c->len, sizeof c->buf - c->len);
		if (n <= 0) {
			return -1;
		}
		c->len += (size_t)n;
	}
	return atoi(c->buf);
}

/* Send a command and return the code of its reply. */
static int
client_command(struct client *c, const char *cmd)
{
	if (client_write(c, cmd) == -1) {
		return -1;
	}
	return client_reply(c);
}

/* Connect and read the banner: its code, or -1. */
static int
client_open(struct client *c, int port)
{
	struct sockaddr_in	sin;
	int			one = 1;

	memset(c, 0, sizeof *c);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		return -1;
	}
	/* As a mail client does: no Nagle delay on the handshake. */
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return client_reply(c);
}

/* EHLO, STARTTLS, the handshake and EHLO again: 0 when all went well. */
static int
client_starttls(struct client *c, struct ss_tls_client *tc)
{
	char	*err = NULL;
	int	 rc;

	if (client_command(c, "EHLO bench.example\r\n") != 250 ||
	    client_command(c, "STARTTLS\r\n") != 220) {
		return -1;
	}
	if ((c->tls = ss_tls_connect(tc, c->fd, "localhost", &err)) == NULL) {
		free(err);
		return -1;
	}
	while ((rc = ss_tls_handshake(c->tls)) == SS_TLS_WANT_READ ||
	    rc == SS_TLS_WANT_WRITE) {
		continue;	/* a blocking socket: rarely taken */
	}
	if (rc != 0) {
		return -1;
	}
	return client_command(c, "EHLO bench.example\r\n") == 250 ? 0 : -1;
}

/* VmRSS of a process, KiB, or -1. */
static long
client_server_rss(const char *pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kib = -1;

	snprintf(path, sizeof path, "/proc/%s/status", pid);
	if ((f = fopen(path, "r")) == NULL) {
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

int
main(int argc, char **argv)
{
	struct ss_tls_client_config	 cfg;
	struct ss_tls_client		*tc;
	struct client			*cs;
	char				*err = NULL;
	int				 port, n, i, greeted = 0, refused = 0;
	int				 tls = 0;
	long				 peak;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-clients PORT N SERVER-PID\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = atoi(argv[2]);
	memset(&cfg, 0, sizeof cfg);
	cfg.min_version = SS_TLS_1_2;
	if (n <= 0 || (tc = ss_tls_client_create(&cfg, &err)) == NULL) {
		fprintf(stderr, "bench-clients: %s\n", err ? err : "bad N");
		return 2;
	}
	cs = xcalloc((size_t)n, sizeof *cs);
	for (i = 0; i < n; i++) {
		if (client_open(&cs[i], port) != 220) {
			refused++;
			continue;
		}
		greeted++;
		tls += client_starttls(&cs[i], tc) == 0;
	}
	peak = client_server_rss(argv[3]);
	for (i = 0; i < n; i++) {
		if (cs[i].fd > 0) {
			(void)client_command(&cs[i], "QUIT\r\n");
			if (cs[i].tls != NULL) {
				ss_tls_close_notify(cs[i].tls);
				ss_tls_free(cs[i].tls);
			}
			close(cs[i].fd);
		}
	}
	printf("greeted %d refused %d tls %d peak-kib %ld\n", greeted, refused,
	    tls, peak);
	free(cs);
	ss_tls_client_destroy(tc);
	return greeted == n && tls == n ? 0 : 1;
}
