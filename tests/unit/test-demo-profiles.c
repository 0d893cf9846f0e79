/*
 * test-demo-profiles.c: the demo profile table.  Names and summaries are
 * unique, lookups work, each entry's EHLO lists agree with its behaviour
 * fields, and every profile behaves as its summary promises, checked by a
 * scripted conversation over a real socket.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "demo-client.h"

/* White box: the table's fields, to check the lists against them. */
#include "../../src/core/demo-profile.h"

#define AUTH_GOOD	"AUTH PLAIN AGRlbW8AZGVtby1wYXNzd29yZA=="
/* "user=demo^Aauth=Bearer demo-oauth-token^A^A", and expired-token. */
#define XOAUTH2_GOOD	"dXNlcj1kZW1vAWF1dGg9QmVhcmVyIGRlbW8tb2F1dGgtdG9rZW4BAQ=="
#define XOAUTH2_BAD	"dXNlcj1kZW1vAWF1dGg9QmVhcmVyIGV4cGlyZWQtdG9rZW4BAQ=="
/* "n,a=demo,^Aauth=Bearer nope^A^A" */
#define OAUTHBEARER_BAD	"bixhPWRlbW8sAWF1dGg9QmVhcmVyIG5vcGUBAQ=="
/* "n,,n=demo,r=abcdefgh": the server's nonce must start with ours. */
#define SCRAM_FIRST	"biwsbj1kZW1vLHI9YWJjZGVmZ2g="

/* Every profile has a distinct, non-empty name and summary. */
static void
test_names_unique(void **state)
{
	const struct ss_demo_profile	*p, *q;
	size_t				 i, j, n = ss_demo_profile_count();

	(void)state;
	assert_true(n >= 14);
	assert_string_equal(ss_demo_profile_name(ss_demo_profile_at(0)),
	    "default");
	assert_null(ss_demo_profile_at(n));
	for (i = 0; i < n; i++) {
		p = ss_demo_profile_at(i);
		assert_true(strlen(ss_demo_profile_name(p)) > 0);
		assert_true(strlen(ss_demo_profile_summary(p)) > 10);
		assert_true(strspn(ss_demo_profile_name(p),
		    "abcdefghijklmnopqrstuvwxyz0123456789-") ==
		    strlen(ss_demo_profile_name(p)));
		for (j = i + 1; j < n; j++) {
			q = ss_demo_profile_at(j);
			assert_string_not_equal(ss_demo_profile_name(p),
			    ss_demo_profile_name(q));
			assert_string_not_equal(ss_demo_profile_summary(p),
			    ss_demo_profile_summary(q));
		}
	}
}

/* Lookups find each profile by name, in any case, and nothing else. */
static void
test_lookup(void **state)
{
	const struct ss_demo_profile	*p;
	char				 upper[64];
	size_t				 i, k;

	(void)state;
	for (i = 0; i < ss_demo_profile_count(); i++) {
		p = ss_demo_profile_at(i);
		assert_ptr_equal(ss_demo_profile_find(ss_demo_profile_name(p)),
		    p);
		ss_strlcpy(upper, ss_demo_profile_name(p), sizeof(upper));
		for (k = 0; upper[k] != '\0'; k++)
			upper[k] = (char)(upper[k] >= 'a' && upper[k] <= 'z' ?
			    upper[k] - 32 : upper[k]);
		assert_ptr_equal(ss_demo_profile_find(upper), p);
	}
	assert_null(ss_demo_profile_find("no-such-profile"));
	assert_null(ss_demo_profile_find(""));
	assert_null(ss_demo_profile_find(NULL));
	assert_true(ss_demo_profile_implicit_tls(
	    ss_demo_profile_find("implicit-tls")));
	assert_false(ss_demo_profile_implicit_tls(ss_demo_profile_at(0)));
}

/* An unknown profile name is refused with the list of real ones. */
static void
test_unknown_profile(void **state)
{
	struct ss_demo_config	 cfg;
	char			*err = NULL;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.profile = "nonesuch";
	assert_null(ss_demo_create(&cfg, &err));
	assert_non_null(strstr(err, "nonesuch"));
	assert_non_null(strstr(err, "default"));
	assert_non_null(strstr(err, "tls-required"));
	free(err);
}

/* Index of the line starting with word in a keyword list, or -1. */
static int
kw_find(const char *const *list, const char *word)
{
	int	i;

	for (i = 0; list[i] != NULL; i++) {
		if (strncmp(list[i], word, strlen(word)) == 0)
			return i;
	}
	return -1;
}

/* STARTTLS and AUTH are advertised exactly when the fields say so. */
static void
test_lists_match_fields(void **state)
{
	const struct ss_demo_profile	*p;
	char				 auth[128];
	size_t				 i;
	int				 k;

	(void)state;
	for (i = 0; i < ss_demo_profile_count(); i++) {
		p = ss_demo_profile_at(i);
		assert_int_equal(kw_find(p->ehlo_plain, "STARTTLS") >= 0,
		    p->offer_starttls && !p->implicit_tls);
		assert_int_equal(kw_find(p->ehlo_tls, "STARTTLS"), -1);
		if (p->offer_starttls)
			assert_true(p->starttls_code == 220 ||
			    p->starttls_code == 454);
		snprintf(auth, sizeof(auth), "AUTH %s", p->mechanisms != NULL ?
		    p->mechanisms : "");
		k = kw_find(p->ehlo_tls, "AUTH");
		assert_int_equal(k >= 0, p->mechanisms != NULL);
		if (k >= 0)
			assert_string_equal(p->ehlo_tls[k], auth);
		k = kw_find(p->ehlo_plain, "AUTH");
		assert_int_equal(k >= 0, p->mechanisms != NULL &&
		    (p->auth_before_tls || p->implicit_tls));
		if (k >= 0)
			assert_string_equal(p->ehlo_plain[k], auth);
	}
}

/* ------------------------------------------------------------------ */
/* Each profile's behaviour, as a scripted conversation.               */

enum act {
	ACT_END,	/* end of the script */
	ACT_READ,	/* read a reply; expect it to start with expect */
	ACT_SEND,	/* send text CRLF; expect the reply to start so */
	ACT_TLS,	/* handshake; expect the verify flags */
	ACT_TLS_FAIL,	/* the handshake must fail (client wants TLS 1.3) */
	ACT_TLS_OLD,	/* handshake allowing TLS 1.2; expect the version */
	ACT_SILENT,	/* nothing may arrive for 300 ms */
	ACT_CRAM,	/* answer the CRAM-MD5 challenge for the demo user */
	ACT_EOF,	/* the server closes the connection */
};

struct step {
	enum act	 act;
	const char	*text;
	const char	*expect;
	uint32_t	 flags;
};

struct script {
	const char	*profile;
	struct step	 steps[14];
};

#define BANNER		{ ACT_READ, NULL, "220 localhost ESMTP Exim 4.96", 0 }
#define EHLO		{ ACT_SEND, "EHLO t", "250-localhost Hello t", 0 }
#define STARTTLS	{ ACT_SEND, "STARTTLS", "220 2.0.0", 0 }
#define TLS_OK		{ ACT_TLS, NULL, NULL, 0 }
#define QUIT		{ ACT_SEND, "QUIT", "221 2.0.0", 0 }, \
			{ ACT_EOF, 0, 0, 0 }
#define MAIL_OK		{ ACT_SEND, "MAIL FROM:<a@x.example>", "250 2.1.0", 0 }

static const struct script scripts[] = {
	{ "default", { BANNER, EHLO,
	    { ACT_SEND, "AUTH LOGIN", "530 5.7.0", 0 },
	    STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, AUTH_GOOD, "235 2.7.0", 0 }, MAIL_OK, QUIT } },
	{ "no-starttls", { BANNER, EHLO,
	    { ACT_SEND, "STARTTLS", "502 5.5.1", 0 },
	    { ACT_SEND, AUTH_GOOD, "530 5.7.0", 0 }, MAIL_OK, QUIT } },
	{ "auth-before-tls", { BANNER, EHLO,
	    { ACT_SEND, AUTH_GOOD, "235 2.7.0", 0 }, QUIT } },
	{ "no-auth", { BANNER, EHLO, STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, AUTH_GOOD, "502 5.5.1", 0 }, MAIL_OK, QUIT } },
	{ "cram-only", { BANNER, EHLO, STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, AUTH_GOOD, "504 5.5.4", 0 },
	    { ACT_SEND, "AUTH CRAM-MD5", "334 ", 0 },
	    { ACT_CRAM, NULL, "235 2.7.0", 0 }, QUIT } },
	{ "expired-cert", { BANNER, EHLO, STARTTLS,
	    { ACT_TLS, NULL, NULL, SS_TLS_VERIFY_EXPIRED }, EHLO, QUIT } },
	{ "wrong-host-cert", { BANNER, EHLO, STARTTLS,
	    { ACT_TLS, NULL, NULL, SS_TLS_VERIFY_NAME_MISMATCH }, EHLO,
	    QUIT } },
	{ "self-signed-cert", { BANNER, EHLO, STARTTLS,
	    { ACT_TLS, NULL, NULL, SS_TLS_VERIFY_NOT_TRUSTED }, EHLO,
	    QUIT } },
	{ "starttls-refused", { BANNER, EHLO,
	    { ACT_SEND, "STARTTLS", "454 4.7.0", 0 }, EHLO,
	    { ACT_SEND, AUTH_GOOD, "530 5.7.0", 0 }, QUIT } },
	{ "implicit-tls", { TLS_OK, BANNER, EHLO,
	    { ACT_SEND, AUTH_GOOD, "235 2.7.0", 0 }, QUIT } },
	{ "old-tls", { BANNER, EHLO, STARTTLS,
	    { ACT_TLS_FAIL, NULL, NULL, 0 } } },
	{ "old-tls", { BANNER, EHLO, STARTTLS,
	    { ACT_TLS_OLD, NULL, "TLSv1.2", 0 }, EHLO, QUIT } },
	/* The handshake without a certificate is tests/e2e/client-cert.sh's:
	 * here, the plaintext part up to the 220. */
	{ "client-cert", { BANNER, EHLO, STARTTLS } },
	{ "injection-vulnerable", { BANNER, EHLO,
	    { ACT_SEND, "STARTTLS\r\nNOOP", "220 2.0.0", 0 }, TLS_OK,
	    { ACT_READ, NULL, "250 2.0.0 OK", 0 }, QUIT } },
	{ "response-injection", { BANNER, EHLO, STARTTLS,
	    { ACT_READ, NULL, "250-AUTH PLAIN LOGIN", 0 }, TLS_OK, EHLO,
	    QUIT } },
	{ "greylist", { BANNER, EHLO, MAIL_OK,
	    { ACT_SEND, "RCPT TO:<b@example.org>", "451 4.7.1", 0 },
	    { ACT_SEND, "DATA", "554 5.5.1", 0 }, QUIT } },
	{ "tarpit", { { ACT_SILENT, 0, 0, 0 },
	    { ACT_SEND, "EHLO t", "554 5.5.0", 0 }, { ACT_EOF, 0, 0, 0 } } },
	{ "modern-auth", { BANNER, EHLO, STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, "AUTH XOAUTH2 " XOAUTH2_BAD, "334 eyJzdGF0dXMiOiI0MDEi",
	    0 }, { ACT_SEND, "", "535 5.7.8", 0 },
	    { ACT_SEND, "AUTH OAUTHBEARER " OAUTHBEARER_BAD, "334 eyJzdGF0dXMi",
	    0 }, { ACT_SEND, "AQ==", "535 5.7.8", 0 },
	    { ACT_SEND, "AUTH SCRAM-SHA-1 " SCRAM_FIRST, "334 cj1hYmNkZWZn",
	    0 }, { ACT_SEND, "*", "501 5.0.0", 0 },
	    { ACT_SEND, "AUTH XOAUTH2 " XOAUTH2_GOOD, "235 2.7.0", 0 }, QUIT } },
	{ "scram-wrong-proof", { BANNER, EHLO, STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, "AUTH SCRAM-SHA-256 " SCRAM_FIRST, "334 cj1hYmNkZWZn",
	    0 }, { ACT_SEND, "Yz1iaXdz", "501 5.5.2", 0 }, QUIT } },
	{ "scram-no-proof", { BANNER, EHLO, STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, "AUTH SCRAM-SHA-256", "334 ", 0 },
	    { ACT_SEND, SCRAM_FIRST, "334 cj1hYmNkZWZn", 0 },
	    { ACT_SEND, "*", "501 5.0.0", 0 }, QUIT } },
	{ "basic-auth-disabled", {
	    { ACT_READ, NULL, "220 localhost Microsoft ESMTP", 0 }, EHLO,
	    STARTTLS, TLS_OK, EHLO,
	    { ACT_SEND, AUTH_GOOD, "504 5.5.4", 0 },
	    { ACT_SEND, "AUTH LOGIN ZGVtbw==", "334 UGFzc3dvcmQ6", 0 },
	    { ACT_SEND, "ZGVtby1wYXNzd29yZA==", "535 5.7.139", 0 },
	    { ACT_SEND, "AUTH XOAUTH2 " XOAUTH2_GOOD, "235 2.7.0", 0 },
	    QUIT } },
	{ "tls-required", { BANNER, EHLO,
	    { ACT_SEND, "MAIL FROM:<a@example.org>", "530 5.7.0", 0 },
	    STARTTLS, TLS_OK, EHLO, MAIL_OK, QUIT } },
};

/* The CRAM-MD5 answer to a "334 <base64 challenge>" reply. */
static char *
cram_answer(const char *reply)
{
	struct ss_buf	 chal, line, out;
	unsigned char	 mac[16];
	char		*answer;
	size_t		 i;

	ss_buf_init(&chal);
	ss_buf_init(&line);
	ss_buf_init(&out);
	assert_int_equal(ss_base64_decode(&chal, reply + 4,
	    strcspn(reply + 4, "\r\n")), 0);
	assert_int_equal(ss_crypto_hmac_md5("demo-password", 13, chal.data,
	    chal.len, mac), 0);
	ss_buf_adds(&line, "demo ");
	for (i = 0; i < sizeof(mac); i++)
		ss_buf_printf(&line, "%02x", mac[i]);
	ss_base64_encode(&out, line.data, line.len);
	ss_buf_finish(&chal);
	ss_buf_finish(&line);
	answer = ss_buf_steal(&out);
	ss_buf_finish(&out);
	return answer;
}

/* Check a reply against the start the step expects. */
static void
check_reply(const char *profile, size_t n, char *reply, const char *expect)
{
	if (reply == NULL)
		fail_msg("%s step %zu: no reply, want \"%s\"", profile, n,
		    expect);
	if (strncmp(reply, expect, strlen(expect)) != 0)
		fail_msg("%s step %zu: got \"%s\", want \"%s\"", profile, n,
		    reply, expect);
}

/* Run one step of a script. */
static void
run_step(const struct script *s, size_t n, struct conn *c,
    const struct ss_demo *d, char **last)
{
	const struct step	*st = &s->steps[n];
	char			*reply = NULL, *answer;

	switch (st->act) {
	case ACT_READ:
		reply = conn_reply(c, WAIT_MS);
		break;
	case ACT_SEND:
		reply = conn_cmd(c, st->text);
		break;
	case ACT_CRAM:
		answer = cram_answer(*last);
		reply = conn_cmd(c, answer);
		free(answer);
		break;
	case ACT_TLS:
		assert_int_equal(c->len, 0);	/* nothing before TLS */
		assert_int_equal(conn_tls(c, d, SS_TLS_1_2), 0);
		assert_int_equal(ss_tls_verify_flags(c->tls), st->flags);
		return;
	case ACT_TLS_FAIL:
		assert_int_equal(conn_tls(c, d, SS_TLS_1_3), -1);
		return;
	case ACT_TLS_OLD:
		assert_int_equal(conn_tls(c, d, SS_TLS_ANY), 0);
		assert_string_equal(ss_tls_version_str(c->tls), st->expect);
		return;
	case ACT_SILENT:
		assert_int_equal(conn_fill(c, 300), -1);
		return;
	case ACT_EOF:
		assert_true(conn_at_eof(c));
		return;
	case ACT_END:
		return;
	}
	check_reply(s->profile, n, reply, st->expect);
	free(*last);
	*last = reply;
}

/* Does some script exercise the profile named name? */
static int
has_script(const char *name)
{
	size_t	i;

	for (i = 0; i < SS_NITEMS(scripts); i++) {
		if (strcmp(scripts[i].profile, name) == 0)
			return 1;
	}
	return 0;
}

/* Every profile behaves as its script says; every profile has one. */
static void
test_profile_scripts(void **state)
{
	const struct script	*s;
	struct ss_demo		*d;
	struct conn		*c;
	char			*last;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < ss_demo_profile_count(); i++)
		assert_true(has_script(ss_demo_profile_at(i)->name));
	for (i = 0; i < SS_NITEMS(scripts); i++) {
		s = &scripts[i];
		assert_non_null(ss_demo_profile_find(s->profile));
		d = demo_start(s->profile, 0, 0);
		c = conn_open(d);
		last = NULL;
		for (n = 0; n < SS_NITEMS(s->steps) &&
		    s->steps[n].act != ACT_END; n++)
			run_step(s, n, c, d, &last);
		free(last);
		conn_close(c);
		ss_demo_destroy(d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_unknown_profile),
		cmocka_unit_test(test_lists_match_fields),
		cmocka_unit_test(test_profile_scripts),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
