/*
 * test-sasl-scram.c: SCRAM against the examples of RFC 5802 (SCRAM-SHA-1)
 * and RFC 7677 (SCRAM-SHA-256), user "user", password "pencil"; the
 * tls-exporter binding of RFC 9266; a server that cannot prove it knows
 * the password; malformed server messages; and SASLprep (RFC 4013 3).
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

/* One RFC example: the nonce, the server's two messages, the client's. */
struct vector {
	const char	*mech;
	const char	*nonce;
	const char	*client_first;
	const char	*server_first;
	const char	*client_final;
	const char	*server_final;
};

static const struct vector vectors[] = {
	{ "SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL",
	  "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	  "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
	  "i=4096",
	  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	  "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	  "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=" },
	{ "SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO",
	  "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	  "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	  "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=" },
};

/* base64 of a string, as the server would send it. */
static char *
b64(const char *s)
{
	struct ss_buf	 b;

	ss_buf_init(&b);
	ss_base64_encode(&b, s, strlen(s));
	return ss_buf_steal(&b);
}

/* The decoded text of a base64 response. */
static char *
unb64(const char *s, size_t len)
{
	struct ss_buf	 b;

	ss_buf_init(&b);
	assert_int_equal(ss_base64_decode(&b, s, len), 0);
	ss_buf_addc(&b, '\0');
	return ss_buf_steal(&b);
}

/* Answer a server message (plain text); return the decoded response. */
static char *
answer(struct ss_sasl *s, const char *msg, int want_rc, int *secret)
{
	struct ss_buf	 out;
	char		*enc = b64(msg), *err = NULL, *dec;
	int		 rc;

	ss_buf_init(&out);
	rc = ss_sasl_step(s, enc, strlen(enc), &out, secret, &err);
	free(enc);
	assert_int_equal(rc, want_rc);
	if (rc != 0) {
		assert_non_null(err);
		free(err);
		ss_buf_finish(&out);
		return NULL;
	}
	dec = out.len > 0 ? unb64(out.data, out.len) : xstrdup("");
	ss_buf_finish(&out);
	return dec;
}

/* Start an exchange with a fixed nonce; check the client-first message. */
static struct ss_sasl *
start(const struct ss_sasl_params *p, const char *nonce, const char *want)
{
	struct ss_sasl	*s;
	struct ss_buf	 line;
	char		*err = NULL, *first;
	size_t		 public_len, skip;
	int		 secret;

	s = ss_sasl_create_with(p, &err);
	assert_non_null(s);
	assert_int_equal(ss_sasl_set_nonce(s, nonce), 0);
	ss_buf_init(&line);
	ss_sasl_start(s, &line, &secret, &public_len);
	assert_false(secret);
	skip = strlen("AUTH ") + strlen(p->mech) + 1;
	assert_true(line.len > skip);
	first = unb64(line.data + skip, line.len - skip);
	assert_string_equal(first, want);
	free(first);
	ss_buf_finish(&line);
	return s;
}

/* The RFC examples, message for message, and the server proven. */
static void
test_rfc_vectors(void **state)
{
	const struct vector	*v;
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;
	char			*got, *err = NULL;
	size_t			 i;
	int			 secret;

	(void)state;
	for (i = 0; i < SS_NITEMS(vectors); i++) {
		v = &vectors[i];
		memset(&p, 0, sizeof p);
		p.mech = v->mech;
		p.user = "user";
		p.secret = "pencil";
		s = start(&p, v->nonce, v->client_first);
		got = answer(s, v->server_first, 0, &secret);
		assert_string_equal(got, v->client_final);
		assert_true(secret);	/* the proof is never recorded */
		free(got);
		got = answer(s, v->server_final, 0, &secret);
		assert_string_equal(got, "");
		free(got);
		assert_int_equal(ss_sasl_finish(s, &err), 0);
		assert_null(err);
		assert_non_null(strstr(ss_sasl_verdict(s),
		    "server-signature=ok"));
		ss_sasl_destroy(s);
	}
}

/* A wrong signature, or none before 235: the login is not trusted. */
static void
test_server_unproven(void **state)
{
	const struct vector	*v = &vectors[1];
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;
	char			*got, *err = NULL;
	int			 secret;

	(void)state;
	memset(&p, 0, sizeof p);
	p.mech = v->mech;
	p.user = "user";
	p.secret = "pencil";
	s = start(&p, v->nonce, v->client_first);
	free(answer(s, v->server_first, 0, &secret));
	assert_null(answer(s, "v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
	    -1, &secret));
	assert_string_equal(ss_sasl_verdict(s),
	    "SCRAM-SHA-256 server-signature=mismatch");
	assert_int_equal(ss_sasl_finish(s, &err), -1);
	free(err);
	ss_sasl_destroy(s);

	/* 235 right after the client's proof: no signature at all. */
	s = start(&p, v->nonce, v->client_first);
	got = answer(s, v->server_first, 0, &secret);
	free(got);
	assert_int_equal(ss_sasl_finish(s, &err), -1);
	assert_non_null(strstr(err, "without proving"));
	free(err);
	assert_string_equal(ss_sasl_verdict(s),
	    "SCRAM-SHA-256 server-signature=missing");
	ss_sasl_destroy(s);
}

/* Server-first messages a client must refuse. */
static void
test_bad_server_first(void **state)
{
	static const char *const bad[] = {
		"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
		"r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
		"m=ext,r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1",
		"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
		"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999",
		"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=12a",
		"r=rOprNGfwEbeRWgbNEkqOx,s=@@@@,i=4096",
		"r=rOprNGfwEbeRWgbNEkqOx,i=4096",
		"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,",
		"",
		"garbage",
	};
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;
	size_t			 i;
	int			 secret;

	(void)state;
	memset(&p, 0, sizeof p);
	p.mech = "SCRAM-SHA-256";
	p.user = "user";
	p.secret = "pencil";
	for (i = 0; i < SS_NITEMS(bad); i++) {
		s = start(&p, "rOprNGfwEbeRWgbNEkqO",
		    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
		assert_null(answer(s, bad[i], -1, &secret));
		ss_sasl_destroy(s);
	}
}

/* Channel binding: "p=tls-exporter" with the exporter bytes, and "y". */
static void
test_channel_binding(void **state)
{
	const struct vector	*v = &vectors[1];
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;
	struct ss_buf		 want;
	unsigned char		 cb[32];
	char			*got, *c_attr;
	size_t			 i;
	int			 secret;

	(void)state;
	assert_string_equal(SS_SASL_TLS_EXPORTER_LABEL,
	    "EXPORTER-Channel-Binding");
	for (i = 0; i < sizeof cb; i++)
		cb[i] = (unsigned char)i;
	memset(&p, 0, sizeof p);
	p.mech = "SCRAM-SHA-256-PLUS";
	p.user = "user";
	p.secret = "pencil";
	p.cb_data = cb;
	p.cb_len = sizeof cb;
	s = start(&p, v->nonce, "p=tls-exporter,,n=user,r=rOprNGfwEbeRWgbNEkqO");
	got = answer(s, v->server_first, 0, &secret);
	ss_buf_init(&want);
	ss_buf_adds(&want, "c=");
	c_attr = xmalloc(16 + sizeof cb);
	memcpy(c_attr, "p=tls-exporter,,", 16);
	memcpy(c_attr + 16, cb, sizeof cb);
	ss_base64_encode(&want, c_attr, 16 + sizeof cb);
	free(c_attr);
	assert_memory_equal(got, want.data, want.len);
	/* Bound to other bytes, the proof differs from the RFC's. */
	assert_null(strstr(got, "p=dHzbZapWIk4jUhN"));
	ss_buf_finish(&want);
	free(got);
	ss_sasl_destroy(s);

	/* Binding possible but not offered: "y" (RFC 5802 6). */
	p.mech = "SCRAM-SHA-256";
	s = start(&p, v->nonce, "y,,n=user,r=rOprNGfwEbeRWgbNEkqO");
	got = answer(s, v->server_first, 0, &secret);
	assert_true(strncmp(got, "c=eSws,", 7) == 0);
	free(got);
	ss_sasl_destroy(s);
	/* Offered, but this mechanism was asked for: "n". */
	p.server_plus = 1;
	s = start(&p, v->nonce, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
	ss_sasl_destroy(s);
}

/* User names are SASLprep'ed and "," "=" escaped (RFC 5802 5.1). */
static void
test_user_escaping(void **state)
{
	struct ss_sasl_params	 p;
	struct ss_sasl		*s;

	(void)state;
	memset(&p, 0, sizeof p);
	p.mech = "SCRAM-SHA-1";
	p.user = "a,b=c\xc2\xa0" "d";	/* U+00A0 maps to a space */
	p.secret = "x";
	s = start(&p, "abc", "n,,n=a=2Cb=3Dc d,r=abc");
	ss_sasl_destroy(s);
}

/* The explain text: fields decoded, proof and signature masked. */
static void
test_describe(void **state)
{
	const struct vector	*v = &vectors[1];
	struct ss_buf		 b;
	char			*enc;

	(void)state;
	ss_buf_init(&b);
	enc = b64(v->client_first);
	assert_int_equal(ss_sasl_describe(v->mech, 0, enc, strlen(enc), &b),
	    1);
	assert_non_null(strstr(b.data, "channel binding: n"));
	assert_non_null(strstr(b.data, "\"rOprNGfwEbeRWgbNEkqO\""));
	free(enc);
	ss_buf_reset(&b);
	enc = b64(v->server_first);
	assert_int_equal(ss_sasl_describe(v->mech, 1, enc, strlen(enc), &b),
	    1);
	assert_non_null(strstr(b.data, "salt of 16 bytes; 4096 iterations"));
	free(enc);
	ss_buf_reset(&b);
	enc = b64(v->client_final);
	assert_int_equal(ss_sasl_describe(v->mech, 0, enc, strlen(enc), &b),
	    1);
	assert_non_null(strstr(b.data, "proof (masked)"));
	assert_null(strstr(b.data, "dHzbZapWIk4j"));
	free(enc);
	ss_buf_reset(&b);
	enc = b64(v->server_final);
	assert_int_equal(ss_sasl_describe(v->mech, 1, enc, strlen(enc), &b),
	    1);
	assert_non_null(strstr(b.data, "(masked)"));
	assert_null(strstr(b.data, "6rriTRBi"));
	free(enc);
	ss_buf_finish(&b);
}

/* RFC 4013 section 3's examples, and what else SASLprep refuses. */
struct prep_case {
	const char	*in;
	int		 stored;
	const char	*want;	/* NULL: refused */
};

static const struct prep_case prep_cases[] = {
	{ "I\xc2\xad" "X", 0, "IX" },		/* soft hyphen: nothing */
	{ "user", 1, "user" },
	{ "USER", 1, "USER" },			/* case is kept */
	{ "\xc2\xaa", 0, "a" },			/* NFKC */
	{ "\xe2\x85\xa8", 0, "IX" },		/* U+2168 ROMAN NINE */
	{ "\x07", 0, NULL },			/* prohibited control */
	{ "\xd8\xa7" "1", 0, NULL },		/* bidi: RandAL then L */
	{ "a\xc2\xa0" "b", 0, "a b" },		/* non-ASCII space */
	{ "\xff\xfe", 0, NULL },		/* not UTF-8 */
	{ "\xc8\xa1", 1, NULL },		/* unassigned in 3.2: stored */
	{ "\xc8\xa1", 0, "\xc8\xa1" },		/* ...allowed in a query */
	{ "\xc2\xad", 0, NULL },		/* nothing left */
	{ "pencil", 0, "pencil" },
};

static void
test_saslprep(void **state)
{
	const struct prep_case	*c;
	char			*out, *err;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < SS_NITEMS(prep_cases); i++) {
		c = &prep_cases[i];
		rc = ss_saslprep(c->in, c->stored, &out, &err);
		if (c->want == NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(err);
			free(err);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(out, c->want);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_vectors),
		cmocka_unit_test(test_server_unproven),
		cmocka_unit_test(test_bad_server_first),
		cmocka_unit_test(test_channel_binding),
		cmocka_unit_test(test_user_escaping),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_saslprep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
