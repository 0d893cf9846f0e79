/*
 * test-sasl-oauth.c: XOAUTH2 (Google's documented example) and
 * OAUTHBEARER (RFC 7628 4.1's example): the initial response, a secret;
 * the error challenge decoded and answered as each specification says;
 * tokens that cannot be bearer tokens refused.
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

#define GOOGLE_TOKEN	"ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
#define GOOGLE_IR	"dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5" \
	"YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
#define RFC7628_TOKEN	"vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
#define RFC7628_IR	"bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1w" \
	"bGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNr" \
	"QmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB"
/* {"status":"invalid_token","scope":"example_scope",
 *  "openid-configuration":"https://example.com/.well-known/..."} */
#define RFC7628_ERROR	"eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFt" \
	"cGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1w" \
	"bGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0="
/* {"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"} */
#define GOOGLE_ERROR	"eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIs" \
	"InNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0="

/* Create a bearer exchange and check its AUTH line. */
static struct ss_sasl *
start(const char *mech, const char *user, const char *token,
    const char *host, int port, const char *want_ir)
{
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;
	struct ss_buf		 line;
	char			*err = NULL;
	size_t			 public_len;
	int			 secret;

	memset(&p, 0, sizeof p);
	p.mech = mech;
	p.user = user;
	p.secret = token;
	p.host = host;
	p.port = port;
	s = ss_sasl_create_with(&p, &err);
	assert_non_null(s);
	ss_buf_init(&line);
	ss_sasl_start(s, &line, &secret, &public_len);
	assert_int_equal(public_len, strlen("AUTH ") + strlen(mech));
	if (want_ir != NULL) {
		assert_true(secret);
		assert_string_equal(line.data + public_len + 1, want_ir);
	} else {
		assert_false(secret);
		assert_int_equal(line.len, public_len);
	}
	ss_buf_finish(&line);
	return s;
}

/* Google's example and RFC 7628's, byte for byte. */
static void
test_initial_responses(void **state)
{
	struct ss_sasl	*s;

	(void)state;
	s = start("XOAUTH2", "someuser@example.com", GOOGLE_TOKEN, "x", 587,
	    GOOGLE_IR);
	ss_sasl_destroy(s);
	s = start("OAUTHBEARER", "user@example.com", RFC7628_TOKEN,
	    "server.example.com", 143, RFC7628_IR);
	ss_sasl_destroy(s);
}

/* The error challenge: XOAUTH2 answers empty, OAUTHBEARER %x01. */
static void
test_error_challenge(void **state)
{
	struct ss_sasl	*s;
	struct ss_buf	 out;
	char		*err = NULL;
	int		 secret = 1;

	(void)state;
	s = start("XOAUTH2", "someuser@example.com", GOOGLE_TOKEN, NULL, 0,
	    GOOGLE_IR);
	ss_buf_init(&out);
	assert_int_equal(ss_sasl_step(s, GOOGLE_ERROR, strlen(GOOGLE_ERROR),
	    &out, &secret, &err), 0);
	assert_int_equal(out.len, 0);
	assert_false(secret);
	assert_string_equal(ss_sasl_verdict(s),
	    "XOAUTH2 error-challenge status=401");
	/* A second error challenge is not in the specification. */
	assert_int_equal(ss_sasl_step(s, GOOGLE_ERROR, strlen(GOOGLE_ERROR),
	    &out, &secret, &err), -1);
	free(err);
	ss_buf_finish(&out);
	ss_sasl_destroy(s);

	s = start("OAUTHBEARER", "user@example.com", RFC7628_TOKEN,
	    "server.example.com", 143, RFC7628_IR);
	ss_buf_init(&out);
	assert_int_equal(ss_sasl_step(s, RFC7628_ERROR, strlen(RFC7628_ERROR),
	    &out, &secret, &err), 0);
	assert_string_equal(out.data, "AQ==");
	assert_string_equal(ss_sasl_verdict(s),
	    "OAUTHBEARER error-challenge status=invalid_token");
	ss_buf_finish(&out);
	ss_sasl_destroy(s);
}

/* The error object decoded and explained, escaped. */
static void
test_error_explained(void **state)
{
	static const char	 json[] = "{\"status\":\"insufficient_scope\","
	    "\"scope\":\"a\\u001bb\",\"extra\":[1,2]}";
	struct ss_sasl_oauth_error	 e;
	struct ss_buf			 b;
	char				*err = NULL;

	(void)state;
	assert_int_equal(ss_sasl_oauth_error_parse(json, strlen(json), &e,
	    &err), 0);
	ss_buf_init(&b);
	ss_sasl_oauth_error_explain(&e, &b);
	assert_non_null(strstr(b.data, "lacks the scope"));
	assert_null(strchr(b.data, 0x1b));	/* the escape is escaped */
	ss_buf_finish(&b);
	ss_sasl_oauth_error_finish(&e);

	assert_int_equal(ss_sasl_oauth_error_parse("[1]", 3, &e, &err), -1);
	free(err);
	assert_int_equal(ss_sasl_oauth_error_parse("{\"scope\":\"x\"}", 13,
	    &e, &err), -1);
	free(err);
	assert_int_equal(ss_sasl_oauth_error_parse("{\"status\":", 10, &e,
	    &err), -1);
	free(err);
	/* A numeric status, as some servers send it. */
	assert_int_equal(ss_sasl_oauth_error_parse("{\"status\":401}", 14,
	    &e, &err), 0);
	assert_string_equal(e.status, "401");
	ss_sasl_oauth_error_finish(&e);

	ss_buf_init(&b);
	assert_int_equal(ss_sasl_describe("XOAUTH2", 1, GOOGLE_ERROR,
	    strlen(GOOGLE_ERROR), &b), 1);
	assert_non_null(strstr(b.data, "status \"401\""));
	assert_non_null(strstr(b.data, "https://mail.google.com/"));
	ss_buf_reset(&b);
	assert_int_equal(ss_sasl_describe("OAUTHBEARER", 0, "AQ==", 4, &b), 1);
	assert_non_null(strstr(b.data, "RFC 7628 3.2.3"));
	ss_buf_finish(&b);
}

/* Not a bearer token: refused before anything is sent. */
static void
test_bad_token(void **state)
{
	static const char *const bad[] = { "", "two words", "a\001b",
	    "tok\r\nQUIT" };
	struct ss_sasl	*s;
	struct ss_buf	 out;
	char		*err = NULL;
	size_t		 i;
	int		 secret;

	(void)state;
	for (i = 0; i < SS_NITEMS(bad); i++) {
		s = start("XOAUTH2", "u", bad[i], NULL, 0, NULL);
		assert_non_null(strstr(ss_sasl_verdict(s), "token"));
		/* The server's empty 334 gets "*" from the caller. */
		ss_buf_init(&out);
		assert_int_equal(ss_sasl_step(s, "", 0, &out, &secret, &err),
		    -1);
		free(err);
		ss_buf_finish(&out);
		ss_sasl_destroy(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_responses),
		cmocka_unit_test(test_error_challenge),
		cmocka_unit_test(test_error_explained),
		cmocka_unit_test(test_bad_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
