/*
 * test-caps.c: EHLO replies, parsed by the real reply parser, decoded into
 * capability sets; lookups, legacy AUTH=, duplicates, SIZE bounds, and the
 * before/after comparison a user reads in the capability table.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smtpscope/caps.h"
#include "smtpscope/reply.h"
#include "smtpscope/util.h"

/* Parse wire text into one reply and decode it. */
static struct ss_caps *
caps_of(const char *wire)
{
	struct ss_reply_parser	*p;
	struct ss_reply		*r;
	struct ss_caps		*caps;
	size_t			 len = strlen(wire);

	p = ss_reply_parser_create();
	assert_int_equal(ss_reply_parser_feed(p, wire, len, &r), len);
	assert_non_null(r);
	caps = ss_caps_from_reply(r);
	ss_reply_free(r);
	ss_reply_parser_destroy(p);
	return caps;
}

/* One expected entry of a decoded set. */
struct want_cap {
	const char	*keyword;
	const char	*params;
	size_t		 nwords;
	unsigned	 flags;
	int		 has_size;
	uint64_t	 size;
};

static const struct decode_case {
	const char		*name;
	const char		*wire;
	const char		*greeting;
	size_t			 ncaps;
	struct want_cap		 want[6];
} decode_cases[] = {
	{ "exim before tls",
	    "250-mx.test Hello client [127.0.0.1]\r\n250-SIZE 52428800\r\n"
	    "250-8BITMIME\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 HELP\r\n",
	    "mx.test Hello client [127.0.0.1]", 5,
	    { { "SIZE", "52428800", 1, 0, 1, 52428800 },
	      { "8BITMIME", "", 0, 0, 0, 0 },
	      { "PIPELINING", "", 0, 0, 0, 0 },
	      { "STARTTLS", "", 0, 0, 0, 0 },
	      { "HELP", "", 0, 0, 0, 0 } } },
	{ "lower case and legacy auth",
	    "250-mx\r\n250-auth plain login\r\n250-AUTH=PLAIN LOGIN\r\n"
	    "250 size\r\n",
	    "mx", 3,
	    { { "AUTH", "plain login", 2, 0, 0, 0 },
	      { "AUTH", "PLAIN LOGIN", 2, SS_CAP_LEGACY_AUTH, 0, 0 },
	      { "SIZE", "", 0, 0, 1, 0 } } },
	{ "duplicates",
	    "250-mx\r\n250-PIPELINING\r\n250-pipelining\r\n250-AUTH=LOGIN\r\n"
	    "250 AUTH=PLAIN\r\n",
	    "mx", 4,
	    { { "PIPELINING", "", 0, 0, 0, 0 },
	      { "PIPELINING", "", 0, SS_CAP_DUPLICATE, 0, 0 },
	      { "AUTH", "LOGIN", 1, SS_CAP_LEGACY_AUTH, 0, 0 },
	      { "AUTH", "PLAIN", 1, SS_CAP_LEGACY_AUTH | SS_CAP_DUPLICATE,
		0, 0 } } },
	{ "size bounds",
	    "250-mx\r\n250-SIZE 18446744073709551615\r\n"
	    "250-SIZE 18446744073709551616\r\n250-SIZE -1\r\n"
	    "250-SIZE 10 20\r\n250 SIZE 0\r\n",
	    "mx", 5,
	    { { "SIZE", "18446744073709551615", 1, 0, 1, UINT64_MAX },
	      { "SIZE", "18446744073709551616", 1,
		SS_CAP_DUPLICATE | SS_CAP_SIZE_BAD, 0, 0 },
	      { "SIZE", "-1", 1, SS_CAP_DUPLICATE | SS_CAP_SIZE_BAD, 0, 0 },
	      { "SIZE", "10 20", 2, SS_CAP_DUPLICATE | SS_CAP_SIZE_BAD, 0, 0 },
	      { "SIZE", "0", 1, SS_CAP_DUPLICATE, 1, 0 } } },
	{ "bad syntax kept verbatim",
	    "250-mx\r\n250-X_UNDERSCORE yes\r\n250-XFOO a  b\r\n"
	    "250-XCTL \x1b[31m\r\n250 -DASH\r\n",
	    "mx", 4,
	    { { "X_UNDERSCORE", "yes", 1, SS_CAP_BAD_SYNTAX, 0, 0 },
	      { "XFOO", "a  b", 2, SS_CAP_BAD_SYNTAX, 0, 0 },
	      { "XCTL", "\x1b[31m", 1, SS_CAP_BAD_SYNTAX, 0, 0 },
	      { "-DASH", "", 0, SS_CAP_BAD_SYNTAX, 0, 0 } } },
	{ "greeting only", "250 mx.test\r\n", "mx.test", 0, { { 0 } } },
	{ "code alone", "250\r\n", "", 0, { { 0 } } },
};

/* Every decode case gives exactly the entries a reader expects. */
static void
test_decode(void **state)
{
	const struct decode_case	*c;
	struct ss_caps			*caps;
	const struct ss_cap		*cap;
	size_t				 i, j;

	(void)state;
	for (i = 0; i < SS_NITEMS(decode_cases); i++) {
		c = &decode_cases[i];
		print_message("case %s\n", c->name);
		caps = caps_of(c->wire);
		assert_non_null(caps);
		assert_string_equal(caps->greeting, c->greeting);
		assert_int_equal(caps->ncaps, c->ncaps);
		for (j = 0; j < c->ncaps; j++) {
			cap = &caps->caps[j];
			assert_string_equal(cap->keyword, c->want[j].keyword);
			assert_string_equal(cap->params, c->want[j].params);
			assert_int_equal(cap->nwords, c->want[j].nwords);
			assert_int_equal(cap->flags, c->want[j].flags);
			assert_int_equal(cap->has_size, c->want[j].has_size);
			assert_true(cap->size == c->want[j].size);
		}
		ss_caps_free(caps);
	}
}

/* Only a 250 reply is a capability list. */
static void
test_not_250(void **state)
{
	(void)state;
	assert_null(caps_of("502 5.5.1 EHLO not implemented\r\n"));
	assert_null(caps_of("550-no\r\n550 really\r\n"));
	assert_null(ss_caps_from_reply(NULL));
	ss_caps_free(NULL);
}

/* Lookups ignore case; AUTH prefers the standard form; mechanisms match. */
static void
test_lookup(void **state)
{
	struct ss_caps		*caps, *copy;
	const struct ss_cap	*auth;

	(void)state;
	caps = caps_of("250-mx\r\n250-AUTH=LOGIN\r\n250-Auth PLAIN cram-md5\r\n"
	    "250-StartTLS\r\n250 8BITMIME\r\n");
	assert_true(ss_caps_has(caps, "starttls"));
	assert_true(ss_caps_has(caps, "STARTTLS"));
	assert_false(ss_caps_has(caps, "START"));
	assert_false(ss_caps_has(caps, "SIZE"));
	auth = ss_caps_find(caps, "auth");
	assert_non_null(auth);
	assert_int_equal(auth->flags & SS_CAP_LEGACY_AUTH, 0);
	assert_string_equal(auth->words[1], "cram-md5");
	assert_true(ss_caps_has_auth(caps, "CRAM-MD5"));
	assert_true(ss_caps_has_auth(caps, "login"));
	assert_false(ss_caps_has_auth(caps, "XOAUTH2"));
	assert_false(ss_caps_has_auth(caps, "8BITMIME"));
	copy = ss_caps_copy(caps);
	ss_caps_free(caps);
	assert_string_equal(copy->greeting, "mx");
	assert_int_equal(copy->ncaps, 4);
	assert_true(ss_caps_has_auth(copy, "login"));
	assert_string_equal(ss_caps_find(copy, "AUTH")->params,
	    "PLAIN cram-md5");
	ss_caps_free(copy);
	assert_null(ss_caps_copy(NULL));
	assert_null(ss_caps_find(NULL, "AUTH"));
	assert_false(ss_caps_has_auth(NULL, "PLAIN"));

	caps = caps_of("250-mx\r\n250 AUTH=LOGIN\r\n");
	auth = ss_caps_find(caps, "AUTH");
	assert_non_null(auth);
	assert_int_equal(auth->flags, SS_CAP_LEGACY_AUTH);
	ss_caps_free(caps);
}

/* One expected row of a comparison. */
struct want_row {
	const char		*keyword;
	enum ss_cap_change	 change;
};

static const struct diff_case {
	const char	*name;
	const char	*before;	/* NULL = phase not reached */
	const char	*after;
	size_t		 nrows;
	struct want_row	 rows[8];
} diff_cases[] = {
	{ "the story: AUTH only after STARTTLS",
	    "250-mx\r\n250-SIZE 52428800\r\n250-PIPELINING\r\n"
	    "250-STARTTLS\r\n250 HELP\r\n",
	    "250-mx\r\n250-SIZE 52428800\r\n250-PIPELINING\r\n"
	    "250-AUTH PLAIN LOGIN\r\n250 HELP\r\n", 5,
	    { { "SIZE", SS_CAP_SAME }, { "PIPELINING", SS_CAP_SAME },
	      { "STARTTLS", SS_CAP_REMOVED }, { "HELP", SS_CAP_SAME },
	      { "AUTH", SS_CAP_ADDED } } },
	{ "parameters change; order and case of words do not count",
	    "250-mx\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE\r\n",
	    "250-mx\r\n250-SIZE 2000\r\n250-auth login plain\r\n"
	    "250 SIZE 0\r\n", 3,
	    { { "SIZE", SS_CAP_CHANGED }, { "AUTH", SS_CAP_SAME },
	      { "SIZE", SS_CAP_SAME } } },
	{ "mechanism added",
	    "250-mx\r\n250 AUTH PLAIN\r\n",
	    "250-mx\r\n250 AUTH PLAIN LOGIN\r\n", 1,
	    { { "AUTH", SS_CAP_CHANGED } } },
	{ "legacy form is its own row",
	    "250-mx\r\n250-AUTH PLAIN\r\n250 AUTH=PLAIN\r\n",
	    "250-mx\r\n250 AUTH PLAIN\r\n", 2,
	    { { "AUTH", SS_CAP_SAME }, { "AUTH", SS_CAP_REMOVED } } },
	{ "keywords match whatever their case",
	    "250-mx\r\n250 starttls\r\n",
	    "250-mx\r\n250 STARTTLS\r\n", 1,
	    { { "STARTTLS", SS_CAP_SAME } } },
	{ "earlier phase not reached", NULL,
	    "250-mx\r\n250-PIPELINING\r\n250 HELP\r\n", 2,
	    { { "PIPELINING", SS_CAP_ADDED }, { "HELP", SS_CAP_ADDED } } },
	{ "later phase not reached",
	    "250-mx\r\n250 HELP\r\n", NULL, 1,
	    { { "HELP", SS_CAP_REMOVED } } },
};

/* Each comparison gives the rows, in the order, the table shows. */
static void
test_diff(void **state)
{
	const struct diff_case	*c;
	struct ss_caps		*before, *after;
	struct ss_cap_diff	*rows;
	size_t			 i, j, n;

	(void)state;
	for (i = 0; i < SS_NITEMS(diff_cases); i++) {
		c = &diff_cases[i];
		print_message("case %s\n", c->name);
		before = c->before != NULL ? caps_of(c->before) : NULL;
		after = c->after != NULL ? caps_of(c->after) : NULL;
		rows = ss_caps_diff(before, after, &n);
		assert_int_equal(n, c->nrows);
		for (j = 0; j < n; j++) {
			assert_string_equal(rows[j].keyword, c->rows[j].keyword);
			assert_string_equal(ss_cap_change_names[rows[j].change],
			    ss_cap_change_names[c->rows[j].change]);
			assert_int_equal(rows[j].before == NULL,
			    rows[j].change == SS_CAP_ADDED);
			assert_int_equal(rows[j].after == NULL,
			    rows[j].change == SS_CAP_REMOVED);
		}
		free(rows);
		ss_caps_free(before);
		ss_caps_free(after);
	}
	rows = ss_caps_diff(NULL, NULL, &n);
	assert_null(rows);
	assert_int_equal(n, 0);
}

/* The change names are part of the JSON and screen contract. */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ss_cap_change_names[SS_CAP_SAME], "same");
	assert_string_equal(ss_cap_change_names[SS_CAP_CHANGED], "changed");
	assert_string_equal(ss_cap_change_names[SS_CAP_ADDED], "added");
	assert_string_equal(ss_cap_change_names[SS_CAP_REMOVED], "removed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_not_250),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
