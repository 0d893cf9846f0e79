/*
 * test-demo.c: the demo server over real loopback sockets.  The client here
 * is a plain blocking socket (and the real TLS module for STARTTLS), so the
 * tests check what any SMTP client would see: banner, EHLO keywords, reply
 * codes in order, limits, TLS and AUTH, and many clients at once.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "smtpscope/demo.h"
#include "smtpscope/tls.h"
#include "smtpscope/util.h"

#include "demo-client.h"

/* The keyword lines of an EHLO reply, one per line, "250-" removed. */
static char *
ehlo_keywords(const char *reply)
{
	struct ss_buf	 b;
	const char	*line, *lf;
	char		*kw;

	ss_buf_init(&b);
	line = strchr(reply, '\n') + 1;		/* skip "250-host Hello" */
	for (; (lf = strchr(line, '\n')) != NULL; line = lf + 1) {
		ss_buf_add(&b, line + 4, (size_t)(lf - line - 5));
		ss_buf_addc(&b, '|');
	}
	kw = ss_buf_steal(&b);
	ss_buf_finish(&b);
	return kw;
}

/* Banner first, then EHLO lists exactly the plaintext keywords. */
static void
test_banner_and_ehlo(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d);
	char		*reply, *kw;

	(void)state;
	reply = conn_reply(c, WAIT_MS);
	assert_non_null(reply);
	assert_non_null(strstr(reply, "220 localhost ESMTP Exim 4.96 "
	    "smtpscope-demo"));
	assert_string_equal(reply + strlen(reply) - 2, "\r\n");
	free(reply);
	reply = conn_cmd(c, "EHLO client.example");
	assert_non_null(reply);
	assert_true(strncmp(reply, "250-localhost Hello client.example "
	    "[127.0.0.1]\r\n", 44) == 0);
	kw = ehlo_keywords(reply);
	assert_string_equal(kw,
	    "SIZE 52428800|8BITMIME|PIPELINING|STARTTLS|HELP|");
	free(kw);
	free(reply);
	expect_cmd(c, "QUIT", "221 ");
	assert_true(conn_at_eof(c));
	conn_close(c);
	ss_demo_destroy(d);
}

/* AUTH before STARTTLS is refused with 530 5.7.0, as in the story. */
static void
test_auth_before_tls(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d);

	(void)state;
	free(conn_reply(c, WAIT_MS));
	expect_cmd(c, "EHLO t", "250-");
	expect_cmd(c, "AUTH PLAIN " PLAIN_GOOD, "530 5.7.0 ");
	expect_cmd(c, "AUTH LOGIN", "530 5.7.0 ");
	conn_close(c);
	ss_demo_destroy(d);
}

/* Pipelined commands are answered in order; out-of-order ones get 503. */
static void
test_pipelining(void **state)
{
	static const char *const want[] = { "250 2.1.0", "250 2.1.5",
	    "250 2.1.5", "354 " };
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d);
	char		*reply;
	size_t		 i;

	(void)state;
	free(conn_reply(c, WAIT_MS));
	expect_cmd(c, "RCPT TO:<x@example.org>", "503 5.5.1 ");
	expect_cmd(c, "EHLO t", "250-");
	expect_cmd(c, "DATA", "503 5.5.1 ");
	expect_cmd(c, "FROB", "500 5.5.1 ");
	conn_send(c, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "RCPT TO:<c@example.org>\r\nDATA\r\n");
	for (i = 0; i < SS_NITEMS(want); i++) {
		reply = conn_reply(c, WAIT_MS);
		assert_non_null(reply);
		assert_true(strncmp(reply, want[i], strlen(want[i])) == 0);
		free(reply);
	}
	conn_send(c, "Subject: hi\r\n\r\n..dot-stuffed\r\n.\r\n");
	reply = conn_reply(c, WAIT_MS);
	assert_non_null(reply);
	assert_true(strncmp(reply, "250 2.0.0 ", 10) == 0);
	assert_non_null(strstr(reply, "id="));
	free(reply);
	expect_cmd(c, "RSET", "250 ");
	expect_cmd(c, "NOOP", "250 ");
	expect_cmd(c, "VRFY demo", "252 ");
	expect_cmd(c, "EXPN list", "502 ");
	reply = conn_cmd(c, "HELP");
	assert_non_null(reply);
	assert_true(strncmp(reply, "214", 3) == 0);
	free(reply);
	conn_close(c);
	ss_demo_destroy(d);
}

/* A line over 1000 octets is refused; repeating it ends the session. */
static void
test_line_too_long(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d);
	char		 line[1500];
	int		 i;

	(void)state;
	free(conn_reply(c, WAIT_MS));
	memset(line, 'A', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	expect_cmd(c, line, "500 5.5.2 ");
	expect_cmd(c, "NOOP", "250 ");		/* the session goes on */
	/* 998 octets and CRLF is the longest legal line. */
	memcpy(line, "NOOP ", 5);
	line[998] = '\0';
	expect_cmd(c, line, "250 ");
	line[998] = 'A';
	line[1200] = '\0';
	for (i = 0; i < 2; i++)
		expect_cmd(c, line, "500 5.5.2 ");
	free(conn_reply(c, WAIT_MS));		/* "421 ... over-long" */
	assert_true(conn_at_eof(c));
	conn_close(c);
	ss_demo_destroy(d);
}

/* STARTTLS, then EHLO lists AUTH PLAIN LOGIN and no STARTTLS; AUTH works
 * for the demo account and fails otherwise. */
static void
test_starttls_and_auth(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d);
	char		*reply, *kw;

	(void)state;
	free(conn_reply(c, WAIT_MS));
	expect_cmd(c, "EHLO t", "250-");
	expect_cmd(c, "STARTTLS", "220 ");
	assert_int_equal(c->len, 0);		/* nothing injected */
	assert_int_equal(conn_tls(c, d, SS_TLS_1_2), 0);
	assert_int_equal(ss_tls_verify_flags(c->tls), 0);
	assert_string_equal(ss_tls_version_str(c->tls), "TLSv1.3");
	expect_cmd(c, "AUTH PLAIN " PLAIN_GOOD, "503 5.5.1 "); /* no EHLO */
	reply = conn_cmd(c, "EHLO t");
	assert_non_null(reply);
	kw = ehlo_keywords(reply);
	assert_string_equal(kw,
	    "SIZE 52428800|8BITMIME|PIPELINING|AUTH PLAIN LOGIN|HELP|");
	free(kw);
	free(reply);
	expect_cmd(c, "STARTTLS", "503 5.5.1 ");
	expect_cmd(c, "AUTH PLAIN " PLAIN_BAD, "535 5.7.8 ");
	expect_cmd(c, "AUTH LOGIN", "334 VXNlcm5hbWU6");
	expect_cmd(c, "ZGVtbw==", "334 UGFzc3dvcmQ6");
	expect_cmd(c, "d3Jvbmc=", "535 5.7.8 ");
	expect_cmd(c, "AUTH CRAM-MD5", "504 5.5.4 ");
	expect_cmd(c, "AUTH PLAIN", "334");
	expect_cmd(c, "*", "501 ");
	expect_cmd(c, "AUTH PLAIN " PLAIN_GOOD, "235 2.7.0 ");
	expect_cmd(c, "AUTH PLAIN " PLAIN_GOOD, "503 5.5.1 ");
	expect_cmd(c, "QUIT", "221 ");
	assert_true(conn_at_eof(c));
	conn_close(c);
	ss_demo_destroy(d);
}

/* Commands sent in the same write as STARTTLS are dropped, not answered
 * after the handshake (RFC 3207). */
static void
test_starttls_discards_pipelined(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d);

	(void)state;
	free(conn_reply(c, WAIT_MS));
	expect_cmd(c, "EHLO t", "250-");
	conn_send(c, "STARTTLS\r\nNOOP\r\n");
	free(conn_reply(c, WAIT_MS));
	assert_int_equal(conn_tls(c, d, SS_TLS_1_2), 0);
	expect_cmd(c, "EHLO t", "250-localhost");
	conn_close(c);
	ss_demo_destroy(d);
}

/* Fifty clients at once are all greeted and counted. */
static void
test_concurrent_clients(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c[50];
	char		*reply;
	size_t		 i;
	int		 tries;

	(void)state;
	for (i = 0; i < SS_NITEMS(c); i++)
		c[i] = conn_open(d);
	for (i = 0; i < SS_NITEMS(c); i++) {
		reply = conn_reply(c[i], WAIT_MS);
		assert_non_null(reply);
		assert_true(strncmp(reply, "220 localhost ", 14) == 0);
		free(reply);
	}
	for (tries = 0; ss_demo_client_count(d) != 50 && tries < 100; tries++)
		usleep(10000);
	assert_int_equal(ss_demo_client_count(d), 50);
	for (i = 0; i < SS_NITEMS(c); i++)
		expect_cmd(c[i], "QUIT", "221 ");
	for (i = 0; i < SS_NITEMS(c); i++)
		conn_close(c[i]);
	ss_demo_destroy(d);
}

/* Over max_clients, a client is told 421 4.3.2 and closed. */
static void
test_max_clients(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 2, 0);
	struct conn	*a = conn_open(d), *b = conn_open(d), *x;
	char		*reply;

	(void)state;
	free(conn_reply(a, WAIT_MS));
	free(conn_reply(b, WAIT_MS));
	x = conn_open(d);
	reply = conn_reply(x, WAIT_MS);
	assert_non_null(reply);
	assert_true(strncmp(reply, "421 4.3.2 ", 10) == 0);
	free(reply);
	assert_true(conn_at_eof(x));
	conn_close(x);
	expect_cmd(a, "NOOP", "250 ");		/* the others go on */
	conn_close(a);
	conn_close(b);
	ss_demo_destroy(d);
}

/* An idle client is told 421 and closed after the idle timeout. */
static void
test_idle_timeout(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 300);
	struct conn	*c = conn_open(d);
	char		*reply;
	uint64_t	 t0 = ss_now_us();

	(void)state;
	free(conn_reply(c, WAIT_MS));
	reply = conn_reply(c, WAIT_MS);
	assert_non_null(reply);
	assert_true(strncmp(reply, "421 4.4.2 ", 10) == 0);
	assert_true(ss_now_us() - t0 >= 300000);
	free(reply);
	assert_true(conn_at_eof(c));
	conn_close(c);
	ss_demo_destroy(d);
}

/* A client that sends bytes and never reads cannot grow the server. */
static void
test_hostile_flood(void **state)
{
	struct ss_demo	*d = demo_start(NULL, 0, 0);
	struct conn	*c = conn_open(d), *ok;
	char		 chunk[8192];
	ssize_t		 n;
	size_t		 sent = 0;
	int		 i;

	(void)state;
	for (i = 0; i + 6 <= (int)sizeof(chunk); i += 6)
		memcpy(chunk + i, "NOOP\r\n", 6);
	/* Write until the kernel buffers fill: the server stops reading. */
	while (sent < 64u << 20 && conn_wait(c, POLLOUT, 500)) {
		n = send(c->fd, chunk, (size_t)i, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		sent += (size_t)n;
	}
	assert_true(sent < 64u << 20);
	ok = conn_open(d);
	free(conn_reply(ok, WAIT_MS));
	expect_cmd(ok, "NOOP", "250 ");		/* others still served */
	conn_close(ok);
	conn_close(c);
	ss_demo_destroy(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_and_ehlo),
		cmocka_unit_test(test_auth_before_tls),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_starttls_and_auth),
		cmocka_unit_test(test_starttls_discards_pipelined),
		cmocka_unit_test(test_concurrent_clients),
		cmocka_unit_test(test_max_clients),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_hostile_flood),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
