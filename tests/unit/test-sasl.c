/*
 * test-sasl.c: the client mechanisms against the examples of their RFCs
 * (RFC 4616 for PLAIN, RFC 2195 for CRAM-MD5) and the usual LOGIN flow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtpscope/sasl.h"
#include "smtpscope/util.h"

/* RFC 2195 section 2: user tim, password tanstaaftanstaaf. */
#define CRAM_CHALLENGE \
	"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
#define CRAM_RESPONSE "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"

/* The AUTH line a mechanism starts with. */
struct start_case {
	const char	*mech;
	const char	*user;
	const char	*password;
	const char	*line;
	int		 secret;
	size_t		 public_len;
};

static const struct start_case start_cases[] = {
	/* RFC 4616 section 4: "\0tim\0tanstaaftanstaaf". */
	{ "PLAIN", "tim", "tanstaaftanstaaf",
	  "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", 1, 10 },
	{ "plain", "demo", "demo-password",
	  "AUTH PLAIN AGRlbW8AZGVtby1wYXNzd29yZA==", 1, 10 },
	{ "LOGIN", "tim", "x", "AUTH LOGIN", 0, 10 },
	{ "CRAM-MD5", "tim", "tanstaaftanstaaf", "AUTH CRAM-MD5", 0, 13 },
};

/* Each mechanism's first line, its secrecy and its visible prefix. */
static void
test_start(void **state)
{
	const struct start_case	*c;
	struct ss_sasl		*s;
	struct ss_buf		 b;
	size_t			 i, public_len;
	int			 secret;

	(void)state;
	for (i = 0; i < SS_NITEMS(start_cases); i++) {
		c = &start_cases[i];
		s = ss_sasl_create(c->mech, c->user, c->password);
		assert_non_null(s);
		ss_buf_init(&b);
		ss_sasl_start(s, &b, &secret, &public_len);
		assert_string_equal(b.data, c->line);
		assert_int_equal(secret, c->secret);
		assert_int_equal(public_len, c->public_len);
		ss_buf_finish(&b);
		ss_sasl_destroy(s);
	}
}

/* RFC 2195's worked example, byte for byte. */
static void
test_cram_md5_rfc2195(void **state)
{
	struct ss_sasl	*s;
	struct ss_buf	 b;
	char		*err = NULL;
	int		 secret = 0;

	(void)state;
	s = ss_sasl_create("CRAM-MD5", "tim", "tanstaaftanstaaf");
	ss_buf_init(&b);
	assert_int_equal(ss_sasl_step(s, CRAM_CHALLENGE,
	    strlen(CRAM_CHALLENGE), &b, &secret, &err), 0);
	assert_null(err);
	assert_string_equal(b.data, CRAM_RESPONSE);
	assert_int_equal(secret, 1);
	/* A second challenge is a protocol error, in words. */
	ss_buf_reset(&b);
	assert_int_equal(ss_sasl_step(s, CRAM_CHALLENGE,
	    strlen(CRAM_CHALLENGE), &b, &secret, &err), -1);
	assert_non_null(err);
	free(err);
	ss_buf_finish(&b);
	ss_sasl_destroy(s);
}

/* LOGIN: "Username:" then "Password:"; only the password is secret. */
static void
test_login_flow(void **state)
{
	struct ss_sasl	*s;
	struct ss_buf	 b;
	char		*err = NULL;
	int		 secret = -1;

	(void)state;
	s = ss_sasl_create("LOGIN", "demo", "demo-password");
	ss_buf_init(&b);
	assert_int_equal(ss_sasl_step(s, "VXNlcm5hbWU6", 12, &b, &secret,
	    &err), 0);
	assert_string_equal(b.data, "ZGVtbw==");
	assert_int_equal(secret, 0);
	ss_buf_reset(&b);
	/* Trailing CR/space after the challenge is tolerated. */
	assert_int_equal(ss_sasl_step(s, "UGFzc3dvcmQ6\r", 13, &b, &secret,
	    &err), 0);
	assert_string_equal(b.data, "ZGVtby1wYXNzd29yZA==");
	assert_int_equal(secret, 1);
	ss_buf_reset(&b);
	assert_int_equal(ss_sasl_step(s, "UGFzc3dvcmQ6", 12, &b, &secret,
	    &err), -1);
	free(err);
	ss_buf_finish(&b);
	ss_sasl_destroy(s);
}

/* LOGIN asked in the other order still gets the right answers. */
static void
test_login_by_prompt(void **state)
{
	struct ss_sasl	*s;
	struct ss_buf	 b;
	char		*err = NULL;
	int		 secret;

	(void)state;
	s = ss_sasl_create("LOGIN", "demo", "demo-password");
	ss_buf_init(&b);
	assert_int_equal(ss_sasl_step(s, "UGFzc3dvcmQ6", 12, &b, &secret,
	    &err), 0);
	assert_string_equal(b.data, "ZGVtby1wYXNzd29yZA==");
	assert_int_equal(secret, 1);
	ss_buf_finish(&b);
	ss_sasl_destroy(s);
}

/* A challenge that is not base64 is refused with a message. */
static void
test_bad_challenge(void **state)
{
	struct ss_sasl	*s;
	struct ss_buf	 b;
	char		*err = NULL;
	int		 secret;

	(void)state;
	s = ss_sasl_create("CRAM-MD5", "tim", "tanstaaftanstaaf");
	ss_buf_init(&b);
	assert_int_equal(ss_sasl_step(s, "not base64!", 11, &b, &secret,
	    &err), -1);
	assert_non_null(err);
	assert_int_equal(b.len, 0);
	free(err);
	ss_buf_finish(&b);
	ss_sasl_destroy(s);
}

/* The strongest mechanism we speak wins, whatever the server's order. */
struct choose_case {
	const char	*words[5];
	size_t		 n;
	const char	*want;
};

static const struct choose_case choose_cases[] = {
	{ { "PLAIN", "LOGIN" }, 2, "PLAIN" },
	{ { "LOGIN", "PLAIN", "CRAM-MD5" }, 3, "CRAM-MD5" },
	{ { "login" }, 1, "LOGIN" },
	/* Bearer mechanisms only when asked for, never by default. */
	{ { "XOAUTH2", "GSSAPI" }, 2, NULL },
	{ { "OAUTHBEARER", "XOAUTH2", "LOGIN" }, 3, "LOGIN" },
	{ { "SCRAM-SHA-256", "cram-md5", "LOGIN" }, 3, "SCRAM-SHA-256" },
	{ { "SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN" }, 3, "SCRAM-SHA-256" },
	{ { "PLAIN", "scram-sha-1" }, 2, "SCRAM-SHA-1" },
	/* -PLUS needs channel binding, which ss_sasl_choose has not. */
	{ { "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256" }, 2, "SCRAM-SHA-256" },
	{ { "SCRAM-SHA-256-PLUS", "PLAIN" }, 2, "PLAIN" },
	{ { NULL }, 0, NULL },
};

/* ss_sasl_choose over the table above. */
static void
test_choose(void **state)
{
	const struct choose_case	*c;
	const char			*got;
	size_t				 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(choose_cases); i++) {
		c = &choose_cases[i];
		got = ss_sasl_choose((char *const *)c->words, c->n);
		if (c->want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, c->want);
	}
}

/* With channel binding a -PLUS mechanism wins. */
static void
test_choose_binding(void **state)
{
	const char	*words[] = { "PLAIN", "SCRAM-SHA-256",
	    "SCRAM-SHA-256-PLUS" };

	(void)state;
	assert_string_equal(ss_sasl_choose_cb((char *const *)words, 3, 1),
	    "SCRAM-SHA-256-PLUS");
	assert_string_equal(ss_sasl_choose_cb((char *const *)words, 3, 0),
	    "SCRAM-SHA-256");
}

/* Unknown mechanisms are refused; known ones listed strongest first. */
static void
test_supported(void **state)
{
	static const char *const want[] = { "SCRAM-SHA-256-PLUS",
	    "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN",
	    "XOAUTH2", "OAUTHBEARER" };
	const char *const	*names;
	struct ss_sasl		*s;
	size_t			 n, i;

	(void)state;
	assert_null(ss_sasl_create("GSSAPI", "a", "b"));
	assert_false(ss_sasl_supported("GSSAPI"));
	assert_true(ss_sasl_supported("cram-md5"));
	assert_true(ss_sasl_supported("xoauth2"));
	names = ss_sasl_client_mechs(&n);
	assert_int_equal(n, SS_NITEMS(want));
	for (i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	assert_null(names[n]);
	assert_int_equal(ss_sasl_cred_of("OAUTHBEARER"), SS_SASL_CRED_TOKEN);
	assert_int_equal(ss_sasl_cred_of("SCRAM-SHA-1"),
	    SS_SASL_CRED_PASSWORD);
	assert_true(ss_sasl_needs_binding("scram-sha-256-plus"));
	assert_false(ss_sasl_needs_binding("SCRAM-SHA-256"));
	/* -PLUS cannot start without the TLS 1.3 exporter. */
	assert_null(ss_sasl_create("SCRAM-SHA-256-PLUS", "user", "pencil"));
	s = ss_sasl_create("SCRAM-SHA-256", "user", "pencil");
	assert_non_null(s);
	ss_sasl_destroy(s);
}

/* A PLAIN payload decoded for display shows its NULs as escapes. */
static void
test_decode_for_display(void **state)
{
	char	*s;

	(void)state;
	s = ss_sasl_decode_for_display("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", 28);
	assert_non_null(s);
	assert_string_equal(s, "\\x00tim\\x00tanstaaftanstaaf");
	free(s);
	assert_null(ss_sasl_decode_for_display("@@@", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_cram_md5_rfc2195),
		cmocka_unit_test(test_login_flow),
		cmocka_unit_test(test_login_by_prompt),
		cmocka_unit_test(test_bad_challenge),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_choose_binding),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_decode_for_display),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
