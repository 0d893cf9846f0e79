/*
 * demo-client.h: a small blocking SMTP client for the demo server tests
 * (test-demo.c, test-demo-profiles.c).  It speaks over a real loopback
 * socket and, for TLS, the real tls module trusting the demo's own CA.
 * Static functions only: each test program includes it once.
 */
#ifndef SMTPSCOPE_TEST_DEMO_CLIENT_H
#define SMTPSCOPE_TEST_DEMO_CLIENT_H

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smtpscope/demo.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#define WAIT_MS		5000

/* "demo\0demo\0demo-password" and "\0demo\0wrong" in base64. */
#define PLAIN_GOOD	"AGRlbW8AZGVtby1wYXNzd29yZA=="
#define PLAIN_BAD	"AGRlbW8Ad3Jvbmc="

/* One client connection, plaintext or TLS, with a reply reader. */
struct conn {
	int			 fd;
	struct ss_tls_client	*tc;
	struct ss_tls		*tls;
	char			 buf[16384];
	size_t			 len;
};

/* Start a demo server thread with the given profile and limits. */
static __attribute__((unused)) struct ss_demo *
demo_start(const char *profile, int max_clients, int idle_ms)
{
	struct ss_demo_config	 cfg;
	struct ss_demo		*d;
	char			*err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:0";
	cfg.profile = profile;
	cfg.max_clients = max_clients;
	cfg.idle_timeout_ms = idle_ms;
	d = ss_demo_create(&cfg, &err);
	if (d == NULL)
		fail_msg("demo: %s", err);
	assert_int_equal(ss_demo_start_thread(d, &err), 0);
	assert_true(ss_demo_port(d) > 0);
	return d;
}

/* Connect a blocking socket to the demo. */
static __attribute__((unused)) struct conn *
conn_open(const struct ss_demo *d)
{
	struct sockaddr_in	 sin;
	struct conn		*c;

	c = xcalloc(1, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ss_demo_port(d));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return c;
}

/* Close and free a connection. */
static __attribute__((unused)) void
conn_close(struct conn *c)
{
	ss_tls_free(c->tls);
	ss_tls_client_destroy(c->tc);
	close(c->fd);
	free(c);
}

/* Wait until the socket is readable; false on timeout. */
static __attribute__((unused)) int
conn_wait(struct conn *c, short events, int ms)
{
	struct pollfd	pfd;

	pfd.fd = c->fd;
	pfd.events = events;
	return poll(&pfd, 1, ms) == 1;
}

/* Read more bytes; >0 count, 0 end of stream, -1 timeout or error. */
static __attribute__((unused)) ssize_t
conn_fill(struct conn *c, int ms)
{
	size_t	room = sizeof(c->buf) - c->len - 1;
	ssize_t	n;

	assert_true(room > 0);
	for (;;) {
		if (c->tls == NULL || ss_tls_pending(c->tls) == 0) {
			if (!conn_wait(c, POLLIN, ms))
				return -1;
		}
		if (c->tls != NULL)
			n = ss_tls_read(c->tls, c->buf + c->len, room);
		else
			n = recv(c->fd, c->buf + c->len, room, 0);
		if (n == SS_TLS_WANT_READ && c->tls != NULL)
			continue;
		if (n > 0) {
			c->len += (size_t)n;
			c->buf[c->len] = '\0';
		}
		return n < 0 ? -1 : n;
	}
}

/* Length of the complete reply at the start of the buffer, or 0. */
static __attribute__((unused)) size_t
conn_reply_length(const struct conn *c)
{
	const char	*line = c->buf, *lf;

	while ((lf = memchr(line, '\n', c->len - (line - c->buf))) != NULL) {
		if (lf - line < 4 || line[3] != '-')
			return (size_t)(lf - c->buf) + 1;
		line = lf + 1;
	}
	return 0;
}

/* The next whole reply (all its lines), or NULL on end or timeout. */
static __attribute__((unused)) char *
conn_reply(struct conn *c, int ms)
{
	char	*reply;
	size_t	 len;

	while ((len = conn_reply_length(c)) == 0) {
		if (conn_fill(c, ms) <= 0)
			return NULL;
	}
	reply = xstrndup(c->buf, len);
	memmove(c->buf, c->buf + len, c->len - len);
	c->len -= len;
	c->buf[c->len] = '\0';
	return reply;
}

/* Write all of s. */
static __attribute__((unused)) void
conn_send(struct conn *c, const char *s)
{
	size_t	len = strlen(s), off = 0;
	ssize_t	n;

	while (off < len) {
		if (c->tls != NULL)
			n = ss_tls_write(c->tls, s + off, len - off);
		else
			n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n == SS_TLS_WANT_WRITE && c->tls != NULL)
			continue;
		assert_true(n > 0);
		off += (size_t)n;
	}
}

/* Send a command and return its reply. */
static __attribute__((unused)) char *
conn_cmd(struct conn *c, const char *line)
{
	char	*cmd;

	xasprintf(&cmd, "%s\r\n", line);
	conn_send(c, cmd);
	free(cmd);
	return conn_reply(c, WAIT_MS);
}

/* Send a command and check the start of its reply. */
static __attribute__((unused)) void
expect_cmd(struct conn *c, const char *line, const char *prefix)
{
	char	*reply = conn_cmd(c, line);

	if (reply == NULL)
		fail_msg("%s: no reply", line);
	if (strncmp(reply, prefix, strlen(prefix)) != 0)
		fail_msg("%s: got \"%s\", want \"%s...\"", line, reply,
		    prefix);
	free(reply);
}

/* Handshake with the demo, trusting its CA; 0 or -1. */
static __attribute__((unused)) int
conn_tls(struct conn *c, const struct ss_demo *d, enum ss_tls_version min)
{
	struct ss_tls_client_config	 cfg;
	char				*err = NULL;
	int				 rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ca_pem = ss_demo_ca_pem(d);
	cfg.min_version = min;
	c->tc = ss_tls_client_create(&cfg, &err);
	assert_non_null(c->tc);
	c->tls = ss_tls_connect(c->tc, c->fd, "localhost", &err);
	assert_non_null(c->tls);
	while ((rc = ss_tls_handshake(c->tls)) == SS_TLS_WANT_READ ||
	    rc == SS_TLS_WANT_WRITE) {
		if (!conn_wait(c, rc == SS_TLS_WANT_READ ? POLLIN : POLLOUT,
		    WAIT_MS))
			return -1;
	}
	return rc == 0 ? 0 : -1;
}

/* Is the connection closed by the server (end of stream)? */
static __attribute__((unused)) int
conn_at_eof(struct conn *c)
{
	return c->len == 0 && conn_fill(c, WAIT_MS) == 0;
}

#endif
