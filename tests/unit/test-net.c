/*
 * test-net.c: target parsing, error words, resolution and listening, over
 * real sockets on the loopback interface.
 */

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smtpscope/net.h"
#include "smtpscope/util.h"

struct target_case {
	const char	*input;
	int		 ok;
	const char	*host;
	int		 port;
};

static const struct target_case target_cases[] = {
	{ "mail.example.org", 1, "mail.example.org", 25 },
	{ "mail.example.org:587", 1, "mail.example.org", 587 },
	{ "192.0.2.7:2525", 1, "192.0.2.7", 2525 },
	{ "192.0.2.7", 1, "192.0.2.7", 25 },
	{ "[2001:db8::1]:465", 1, "2001:db8::1", 465 },
	{ "[2001:db8::1]", 1, "2001:db8::1", 25 },
	{ "2001:db8::1", 1, "2001:db8::1", 25 },
	{ "::1", 1, "::1", 25 },
	{ "host:65535", 1, "host", 65535 },
	{ "", 0, NULL, 0 },
	{ ":25", 0, NULL, 0 },
	{ "host:", 0, NULL, 0 },
	{ "host:0", 0, NULL, 0 },
	{ "host:65536", 0, NULL, 0 },
	{ "host:25x", 0, NULL, 0 },
	{ "host:-1", 0, NULL, 0 },
	{ "[2001:db8::1", 0, NULL, 0 },
	{ "[2001:db8::1]x", 0, NULL, 0 },
	{ "[]:25", 0, NULL, 0 },
};

/* Every target form splits as a user would expect; bad ones say why. */
static void
test_parse_target(void **state)
{
	const struct target_case	*c;
	char				*host, *err;
	size_t				 i;
	int				 port, rc;

	(void)state;
	for (i = 0; i < SS_NITEMS(target_cases); i++) {
		c = &target_cases[i];
		host = err = NULL;
		rc = ss_net_parse_target(c->input, 25, &host, &port, &err);
		if (c->ok) {
			assert_int_equal(rc, 0);
			assert_non_null(host);
			assert_string_equal(host, c->host);
			assert_int_equal(port, c->port);
			assert_null(err);
		} else {
			assert_int_equal(rc, -1);
			assert_null(host);
			assert_non_null(err);
			assert_true(strlen(err) > 0);
		}
		free(host);
		free(err);
	}
}

struct literal_case {
	const char	*s;
	int		 literal;
};

static const struct literal_case literal_cases[] = {
	{ "127.0.0.1", 1 }, { "::1", 1 }, { "2001:db8::7", 1 },
	{ "localhost", 0 }, { "mail.example.org", 0 }, { "1.2.3", 0 },
	{ "", 0 },
};

/* IP literals are told apart from names (SNI is not sent for them). */
static void
test_is_ip_literal(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < SS_NITEMS(literal_cases); i++)
		assert_int_equal(ss_net_is_ip_literal(literal_cases[i].s),
		    literal_cases[i].literal);
}

/* A port that nobody listens on: find one by binding and closing. */
static int
closed_port(void)
{
	struct ss_addr	 bound;
	char		*err = NULL;
	int		 fd, port;

	fd = ss_net_listen("127.0.0.1:0", &bound, &err);
	assert_true(fd >= 0);
	port = ss_net_addr_port(&bound);
	close(fd);
	return port;
}

/* Connect to addr and wait for the outcome; returns 0 or -1 with *err. */
static int
connect_wait(const struct ss_addr *addr, int *fd, char **err)
{
	struct pollfd	pfd;
	int		rc;

	rc = ss_net_connect_start(addr, fd, err);
	if (rc != 1)
		return rc;
	pfd.fd = *fd;
	pfd.events = POLLOUT;
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	rc = ss_net_connect_finish(*fd, addr, err);
	if (rc == -1) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* A refused connection names the address and port in words. */
static void
test_connect_refused(void **state)
{
	struct ss_addr	*addrs = NULL;
	size_t		 n = 0;
	char		*err = NULL, *want;
	int		 port = closed_port(), fd = -1;

	(void)state;
	assert_int_equal(ss_net_resolve("127.0.0.1", port, &addrs, &n, &err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(connect_wait(&addrs[0], &fd, &err), -1);
	assert_int_equal(fd, -1);
	xasprintf(&want, "connection refused: nothing listens on 127.0.0.1 "
	    "port %d", port);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(addrs);
}

/* Listening on port 0 picks a free port that a client can reach. */
static void
test_listen_port_zero(void **state)
{
	struct ss_addr	 bound, *addrs = NULL;
	size_t		 n = 0;
	char		*err = NULL;
	int		 lfd, cfd = -1, afd, port;

	(void)state;
	lfd = ss_net_listen("127.0.0.1:0", &bound, &err);
	assert_true(lfd >= 0);
	assert_null(err);
	port = ss_net_addr_port(&bound);
	assert_true(port > 0);
	assert_string_equal(bound.text, "127.0.0.1");
	assert_int_equal(ss_net_resolve("127.0.0.1", port, &addrs, &n, &err),
	    0);
	assert_int_equal(connect_wait(&addrs[0], &cfd, &err), 0);
	assert_true(cfd >= 0);
	for (afd = -1; afd == -1; ) {
		afd = accept(lfd, NULL, NULL);
		if (afd == -1)
			assert_int_equal(errno, EAGAIN);
	}
	close(afd);
	close(cfd);
	close(lfd);
	free(addrs);
}

/* Listening on a port already in use fails in words. */
static void
test_listen_in_use(void **state)
{
	struct ss_addr	 bound;
	char		*err = NULL, *where;
	int		 fd, fd2;

	(void)state;
	fd = ss_net_listen("127.0.0.1:0", &bound, &err);
	assert_true(fd >= 0);
	xasprintf(&where, "127.0.0.1:%d", ss_net_addr_port(&bound));
	fd2 = ss_net_listen(where, NULL, &err);
	assert_int_equal(fd2, -1);
	assert_non_null(strstr(err, "in use"));
	free(err);
	err = NULL;
	assert_int_equal(ss_net_listen("127.0.0.1", NULL, &err), -1);
	assert_non_null(strstr(err, "no port"));
	free(err);
	free(where);
	close(fd);
}

/* localhost resolves to a loopback address carrying the port. */
static void
test_resolve_localhost(void **state)
{
	struct ss_addr	*addrs = NULL;
	size_t		 n = 0, i;
	char		*err = NULL;
	int		 loopback = 0;

	(void)state;
	assert_int_equal(ss_net_resolve("localhost", 2525, &addrs, &n, &err),
	    0);
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		assert_int_equal(ss_net_addr_port(&addrs[i]), 2525);
		if (strcmp(addrs[i].text, "127.0.0.1") == 0 ||
		    strcmp(addrs[i].text, "::1") == 0)
			loopback = 1;
	}
	assert_true(loopback);
	free(addrs);
}

/* A name under .invalid (RFC 2606) never exists. */
static void
test_resolve_no_such_host(void **state)
{
	struct ss_addr	*addrs = NULL;
	size_t		 n = 0;
	char		*err = NULL;

	(void)state;
	assert_int_equal(ss_net_resolve("x.invalid", 25, &addrs, &n, &err),
	    -1);
	assert_null(addrs);
	assert_int_equal(n, 0);
	/* Without network access the resolver may say "try again". */
	assert_true(strcmp(err, "no such host: x.invalid") == 0 ||
	    strncmp(err, "cannot resolve x.invalid now", 28) == 0);
	free(err);
}

struct words_case {
	int		 errnum;
	const char	*want;
};

static const struct words_case words_cases[] = {
	{ ECONNREFUSED, "connection refused: nothing listens on 192.0.2.7 "
	    "port 25" },
	{ ETIMEDOUT, "timed out: no answer from 192.0.2.7 port 25" },
	{ ENETUNREACH, "network unreachable: no route to the network of "
	    "192.0.2.7 port 25" },
	{ EHOSTUNREACH, "host unreachable: no route to 192.0.2.7 port 25" },
};

/* Each common errno reads as a sentence naming address and port. */
static void
test_error_words(void **state)
{
	struct ss_addr	*addrs = NULL;
	size_t		 n = 0, i;
	char		*err = NULL, *words;

	(void)state;
	assert_int_equal(ss_net_resolve("192.0.2.7", 25, &addrs, &n, &err),
	    0);
	for (i = 0; i < SS_NITEMS(words_cases); i++) {
		words = ss_net_error_words(words_cases[i].errnum, &addrs[0]);
		assert_string_equal(words, words_cases[i].want);
		free(words);
	}
	words = ss_net_error_words(EIO, &addrs[0]);
	assert_non_null(strstr(words, "192.0.2.7 port 25"));
	free(words);
	free(addrs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_target),
		cmocka_unit_test(test_is_ip_literal),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_listen_port_zero),
		cmocka_unit_test(test_listen_in_use),
		cmocka_unit_test(test_resolve_localhost),
		cmocka_unit_test(test_resolve_no_such_host),
		cmocka_unit_test(test_error_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
