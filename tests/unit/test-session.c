/*
 * test-session.c: the engine against scripted peers on real loopback
 * sockets: each test's peer is a thread that answers lines as a server
 * would (or misbehaves), and the test asserts the step results and the
 * transcript a user would read.
 */

#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "smtpscope/session.h"
#include "smtpscope/util.h"

/*
 * A peer script: pairs of (line the client must send, what to answer).
 * NULL expect means "send right after accepting"; NULL answer ends the
 * script (the peer then waits for the client to close).
 */
struct script {
	const char	*expect;
	const char	*answer;
};

struct peer {
	int			 listener;
	int			 port;
	const struct script	*script;
	int			 close_after;	/* close instead of waiting */
	pthread_t		 thread;
	char			 got[4096];	/* every byte the client sent */
	size_t			 ngot;
};

/* Read one line from the client into got[]; 0 on EOF. */
static int
peer_read_line(struct peer *p, int fd, char *line, size_t len)
{
	size_t	n = 0;
	char	c;

	while (n + 1 < len && read(fd, &c, 1) == 1) {
		if (p->ngot + 1 < sizeof(p->got)) {
			p->got[p->ngot++] = c;
		}
		line[n++] = c;
		if (c == '\n') {
			line[n] = '\0';
			return 1;
		}
	}
	line[n] = '\0';
	return n > 0;
}

/* Serve one connection by the script. */
static void *
peer_main(void *arg)
{
	struct peer		*p = arg;
	const struct script	*s;
	char			 line[1024], c;
	int			 fd;

	fd = accept(p->listener, NULL, NULL);
	if (fd == -1) {
		return NULL;
	}
	for (s = p->script; s->answer != NULL; s++) {
		if (s->expect != NULL) {
			if (!peer_read_line(p, fd, line, sizeof(line))) {
				break;
			}
		}
		if (*s->answer != '\0' &&
		    write(fd, s->answer, strlen(s->answer)) < 0) {
			break;
		}
	}
	if (!p->close_after) {
		while (read(fd, &c, 1) == 1) {
			if (p->ngot + 1 < sizeof(p->got)) {
				p->got[p->ngot++] = c;
			}
		}
	}
	close(fd);
	return NULL;
}

/* Start a peer on a free loopback port. */
static void
peer_start(struct peer *p, const struct script *script, int close_after)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	memset(p, 0, sizeof(*p));
	p->script = script;
	p->close_after = close_after;
	p->listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(p->listener >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(p->listener, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(listen(p->listener, 4), 0);
	assert_int_equal(getsockname(p->listener, (struct sockaddr *)&sin,
	    &len), 0);
	p->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
}

/* Wait for the peer to finish. */
static void
peer_stop(struct peer *p)
{
	pthread_join(p->thread, NULL);
	close(p->listener);
}

/* A session to the peer with a short timeout. */
static struct ss_session *
session_to(int port, int timeout_ms)
{
	struct ss_session_config	 cfg;
	struct ss_session		*s;
	char				*err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.host = "127.0.0.1";
	cfg.port = port;
	cfg.timeout_ms = timeout_ms;
	cfg.ehlo_name = "test.local";
	cfg.user = "alice";
	cfg.password = "s3cret-Passw0rd";
	s = ss_session_create(&cfg, &err);
	assert_non_null(s);
	return s;
}

/* Does any transcript event contain the text? */
static int
transcript_has(struct ss_session *s, const char *text)
{
	struct ss_transcript	*t = ss_session_transcript(s);
	size_t			 i;

	for (i = 0; i < ss_transcript_count(t); i++) {
		if (memmem(ss_transcript_get(t, i)->data,
		    ss_transcript_get(t, i)->len, text, strlen(text)) != NULL) {
			return 1;
		}
	}
	return 0;
}

/* The plain path: banner, EHLO, QUIT. */
static void
test_basic(void **state)
{
	static const struct script script[] = {
		{ NULL, "220 peer ESMTP\r\n" },
		{ "EHLO", "250-peer\r\n250-SIZE 1000\r\n250 STARTTLS\r\n" },
		{ "QUIT", "221 bye\r\n" },
		{ NULL, NULL },
	};
	struct peer		 p;
	struct ss_session	*s;

	(void)state;
	peer_start(&p, script, 1);
	s = session_to(p.port, 5000);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_OK);
	assert_int_equal(ss_session_code(s), 220);
	assert_int_equal(ss_session_run(s, SS_STEP_EHLO, NULL), SS_RESULT_OK);
	assert_true(ss_caps_has(ss_dialog_caps(ss_session_dialog(s),
	    SS_PHASE_BEFORE_TLS), "STARTTLS"));
	assert_int_equal(ss_session_run(s, SS_STEP_QUIT, NULL), SS_RESULT_OK);
	assert_int_equal(ss_session_state(s), SS_STATE_CLOSED);
	peer_stop(&p);
	assert_non_null(memmem(p.got, p.ngot, "EHLO test.local\r\n", 17));
	ss_session_destroy(s);
}

/* AUTH PLAIN: the password reaches the server, never the transcript. */
static void
test_auth_redacted(void **state)
{
	static const struct script script[] = {
		{ NULL, "220 peer ESMTP\r\n" },
		{ "EHLO", "250-peer\r\n250 AUTH PLAIN LOGIN\r\n" },
		{ "AUTH", "235 2.7.0 ok\r\n" },
		{ NULL, NULL },
	};
	struct peer		 p;
	struct ss_session	*s;
	struct ss_buf		 b64;

	(void)state;
	peer_start(&p, script, 1);
	s = session_to(p.port, 5000);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_OK);
	assert_int_equal(ss_session_run(s, SS_STEP_EHLO, NULL), SS_RESULT_OK);
	assert_int_equal(ss_session_run(s, SS_STEP_AUTH, "PLAIN"),
	    SS_RESULT_OK);
	assert_int_equal(ss_session_code(s), 235);
	peer_stop(&p);
	ss_buf_init(&b64);
	ss_base64_encode(&b64, "\0alice\0s3cret-Passw0rd", 22);
	assert_non_null(memmem(p.got, p.ngot, b64.data, b64.len));
	assert_false(transcript_has(s, b64.data));
	assert_false(transcript_has(s, "s3cret"));
	assert_true(transcript_has(s, "AUTH PLAIN <redacted, 32 bytes>"));
	/* AUTH in plaintext is allowed, with a warning */
	assert_true(transcript_has(s, "credentials travel unencrypted"));
	ss_buf_finish(&b64);
	ss_session_destroy(s);
}

/* A server that accepts and never speaks: a timeout, not a hang. */
static void
test_silent_timeout(void **state)
{
	static const struct script script[] = {
		{ NULL, NULL },
	};
	struct peer		 p;
	struct ss_session	*s;
	uint64_t		 t0 = ss_now_us();

	(void)state;
	peer_start(&p, script, 0);
	s = session_to(p.port, 300);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_TIMEOUT);
	assert_true(ss_now_us() - t0 < 2000000);
	assert_non_null(strstr(ss_session_message(s), "no greeting"));
	ss_session_destroy(s);	/* closes: the peer's read ends */
	peer_stop(&p);
}

/* Nothing listens: connection refused, in words. */
static void
test_refused(void **state)
{
	struct peer		 p;
	struct ss_session	*s;
	static const struct script script[] = { { NULL, NULL } };
	int			 port;

	(void)state;
	peer_start(&p, script, 1);
	port = p.port;
	/* connect once so the peer thread ends, then close the port */
	s = session_to(port, 1000);
	ss_session_run(s, SS_STEP_CONNECT, NULL);
	ss_session_destroy(s);
	peer_stop(&p);
	s = session_to(port, 1000);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_CONNECT);
	assert_non_null(strstr(ss_session_message(s), "refused"));
	/* the session survives: steps are refused politely */
	assert_int_equal(ss_session_run(s, SS_STEP_EHLO, NULL),
	    SS_RESULT_USAGE);
	ss_session_destroy(s);
}

/* The server drops the connection in the middle of a reply. */
static void
test_dropped_mid_reply(void **state)
{
	static const struct script script[] = {
		{ NULL, "220 peer\r\n" },
		{ "EHLO", "250-peer\r\n250-SIZE" },
		{ NULL, NULL },
	};
	struct peer		 p;
	struct ss_session	*s;
	const struct ss_dialog	*d;

	(void)state;
	peer_start(&p, script, 1);
	s = session_to(p.port, 5000);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_OK);
	ss_session_run(s, SS_STEP_EHLO, NULL);
	assert_true(ss_session_result(s) == SS_RESULT_DROPPED ||
	    ss_session_result(s) == SS_RESULT_PROTOCOL);
	d = ss_session_dialog(s);
	assert_true(ss_dialog_anomalies(d) & SS_ANOM_BIT(SS_ANOM_INCOMPLETE));
	assert_true(transcript_has(s, "250-SIZE"));
	assert_int_equal(ss_session_state(s), SS_STATE_CLOSED);
	peer_stop(&p);
	ss_session_destroy(s);
}

/* DATA sends a dot-terminated body after 354. */
static void
test_data(void **state)
{
	static const struct script script[] = {
		{ NULL, "220 peer\r\n" },
		{ "MAIL", "250 ok\r\n" },
		{ "RCPT", "250 ok\r\n" },
		{ "DATA", "354 go\r\n" },
		{ "From", "" }, { "To", "" }, { "Subject", "" }, { "Date", "" },
		{ "", "" }, { "body", "" },
		{ ".", "250 queued as X\r\n" },
		{ NULL, NULL },
	};
	struct peer		 p;
	struct ss_session	*s;

	(void)state;
	peer_start(&p, script, 1);
	s = session_to(p.port, 5000);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_OK);
	assert_int_equal(ss_session_run(s, SS_STEP_MAIL, "a@example.org"),
	    SS_RESULT_OK);
	assert_int_equal(ss_session_run(s, SS_STEP_RCPT, NULL), SS_RESULT_OK);
	assert_int_equal(ss_session_run(s, SS_STEP_DATA, NULL), SS_RESULT_OK);
	assert_int_equal(ss_session_code(s), 250);
	peer_stop(&p);
	assert_non_null(memmem(p.got, p.ngot, "MAIL FROM:<a@example.org>", 25));
	assert_non_null(memmem(p.got, p.ngot, "RCPT TO:<postmaster@[127.0.0.1]>",
	    32));
	assert_non_null(memmem(p.got, p.ngot, "\r\n.\r\n", 5));
	ss_session_destroy(s);
}

/* Another port is one call away; the next connect goes there. */
static void
test_set_port(void **state)
{
	static const struct script script[] = {
		{ NULL, "220 second server\r\n" },
		{ NULL, NULL },
	};
	struct peer		 p;
	struct ss_session	*s;
	char			*err = NULL;

	(void)state;
	peer_start(&p, script, 1);
	s = session_to(1, 1000);	/* nothing listens on port 1 */
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_CONNECT);
	assert_int_equal(ss_session_set_port(s, 0, 0, &err), -1);
	free(err);
	assert_int_equal(ss_session_set_port(s, p.port, 0, &err), 0);
	assert_int_equal(ss_session_port(s), p.port);
	assert_int_equal(ss_session_run(s, SS_STEP_CONNECT, NULL),
	    SS_RESULT_OK);
	assert_true(transcript_has(s, "220 second server"));
	assert_true(transcript_has(s, "target changed to port"));
	ss_session_destroy(s);
	peer_stop(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_auth_redacted),
		cmocka_unit_test(test_silent_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_dropped_mid_reply),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_set_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
