/*
 * test-compare.c: two sessions side by side.  Replies are judged by code
 * and text (a table of cases); two hand-built sessions (a server with
 * STARTTLS and AUTH after it, and one without STARTTLS whose banner is
 * hostile) are compared the way --rerun and --compare do, and what a user
 * reads is asserted: the statuses in the JSON, the counts, the words and
 * '*' marks in the text, and no raw control byte anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "smtpscope/compare.h"
#include "smtpscope/dialog.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

struct scripted_event {
	enum ss_dir	 dir;
	unsigned	 flags;
	enum ss_kind	 kind;
	const char	*text;
};

#define C(s)	{ SS_DIR_CLIENT, 0, SS_KIND_DATA, s }
#define S(s)	{ SS_DIR_SERVER, 0, SS_KIND_DATA, s }
#define CT(s)	{ SS_DIR_CLIENT, SS_EVF_TLS, SS_KIND_DATA, s }
#define ST(s)	{ SS_DIR_SERVER, SS_EVF_TLS, SS_KIND_DATA, s }
#define I(k, s)	{ SS_DIR_INFO, 0, k, s }
#define T(k, s)	{ SS_DIR_TLS, 0, k, s }
#define END	{ SS_DIR_LAST, 0, SS_KIND_DATA, NULL }

/* The story's server: STARTTLS, then AUTH. */
static const struct scripted_event with_tls[] = {
	I(SS_KIND_CONNECT, "connected to 192.0.2.7 port 25"),
	S("220 mx.example.test ESMTP\r\n"),
	C("EHLO client.test\r\n"),
	S("250-mx.example.test Hello\r\n250-SIZE 52428800\r\n"
	    "250-STARTTLS\r\n250 HELP\r\n"),
	C("STARTTLS\r\n"),
	S("220 2.0.0 Ready\r\n"),
	T(SS_KIND_TLS_START, "handshake started sni=mx.example.test"),
	T(SS_KIND_TLS_UP, "version=TLSv1.2 cipher=TLS-ECDHE-RSA-WITH-AES-"
	    "128-GCM-SHA256"),
	T(SS_KIND_TLS_VERIFY, "verified: trusted"),
	CT("EHLO client.test\r\n"),
	ST("250-mx.example.test Hello\r\n250-SIZE 52428800\r\n"
	    "250-AUTH PLAIN LOGIN\r\n250 HELP\r\n"),
	CT("QUIT\r\n"),
	ST("221 2.0.0 Bye\r\n"),
	END
};

/* Another server: no STARTTLS, a smaller SIZE, and a hostile banner. */
static const struct scripted_event without_tls[] = {
	I(SS_KIND_CONNECT, "connected to 192.0.2.8 port 25"),
	S("220 other.test \x1b]0;pwned\x07 ESMTP \xff\r\n"),
	C("EHLO client.test\r\n"),
	S("250-other.test Hello\r\n250-SIZE 1000\r\n250 HELP\r\n"),
	C("STARTTLS\r\n"),
	S("502 5.5.1 STARTTLS not offered\r\n"),
	C("QUIT\r\n"),
	S("221 2.0.0 Bye\r\n"),
	END
};

struct side {
	struct ss_transcript	*t;
	struct ss_dialog	*d;
};

/* A transcript and its dialog from a script. */
static void
side_build(struct side *s, const struct scripted_event *ev)
{
	s->t = ss_transcript_create();
	for (; ev->dir != SS_DIR_LAST; ev++)
		ss_transcript_append(s->t, 0, ev->dir, ev->kind, ev->flags,
		    ev->text, strlen(ev->text));
	s->d = ss_dialog_build(s->t, ss_transcript_count(s->t));
}

/* Free a side built by side_build or noop_side. */
static void
side_free(struct side *s)
{
	ss_dialog_destroy(s->d);
	ss_transcript_destroy(s->t);
}

/* The first exchange of a dialog with this verb (and greeting flag). */
static long
find_exchange(const struct ss_dialog *d, enum ss_verb verb, int greeting)
{
	const struct ss_exchange	*x;
	size_t				 i;

	for (i = 0; i < ss_dialog_exchange_count(d); i++) {
		x = ss_dialog_exchange(d, i);
		if (x->verb == verb && x->greeting == greeting)
			return (long)i;
	}
	return -1;
}

/* Reply judgements: each case is two one-reply sessions. */
static const struct {
	const char		*a, *b;
	enum ss_compare_diff	 want;
} reply_cases[] = {
	{ "250 OK\r\n", "250 OK\r\n", SS_CMP_SAME },
	{ "250 OK\r\n", "250 Fine\r\n", SS_CMP_TEXT },
	{ "250 OK\r\n", "550 No\r\n", SS_CMP_CODE },
	{ "250-A\r\n250 B\r\n", "250-A\r\n250-B\r\n250 C\r\n", SS_CMP_TEXT },
	{ "250-A\r\n250 B\r\n", "250-A\r\n250 B\r\n", SS_CMP_SAME },
	{ "250 A\xff\r\n", "250 A\xfe\r\n", SS_CMP_TEXT },
	{ "250 OK\r\n", NULL, SS_CMP_MISSING },
};

/* One NOOP and its reply (none when reply is NULL). */
static void
noop_side(struct side *s, const char *reply)
{
	s->t = ss_transcript_create();
	ss_transcript_append(s->t, 0, SS_DIR_CLIENT, SS_KIND_DATA, 0,
	    "NOOP\r\n", 6);
	if (reply != NULL)
		ss_transcript_append(s->t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    reply, strlen(reply));
	s->d = ss_dialog_build(s->t, ss_transcript_count(s->t));
}

/* Each reply case is judged as the table says. */
static void
test_replies(void **state)
{
	struct side	 a, b;
	size_t		 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(reply_cases); i++) {
		noop_side(&a, reply_cases[i].a);
		noop_side(&b, reply_cases[i].b);
		if (ss_compare_replies(ss_dialog_exchange(a.d, 0),
		    ss_dialog_exchange(b.d, 0)) != reply_cases[i].want)
			fail_msg("reply case %zu", i);
		side_free(&a);
		side_free(&b);
	}
	assert_int_equal(ss_compare_replies(NULL, NULL), SS_CMP_MISSING);
}

/* The rerun's table: rows paired by verb, one skipped. */
static struct ss_compare *
rerun_compare(const struct side *a, const struct side *b)
{
	static const enum ss_verb verbs[] = {
		SS_VERB_EHLO, SS_VERB_STARTTLS, SS_VERB_QUIT
	};
	struct ss_compare_side	 sa = { "saved", "a.session", a->t, a->d };
	struct ss_compare_side	 sb = { "new", "other.test:25", b->t, b->d };
	struct ss_compare	*c;
	size_t			 i;

	c = ss_compare_create(&sa, &sb, SS_COMPARE_EXCHANGES);
	ss_compare_add(c, find_exchange(a->d, SS_VERB_NONE, 1),
	    find_exchange(b->d, SS_VERB_NONE, 1), NULL);
	for (i = 0; i < SS_NITEMS(verbs); i++)
		ss_compare_add(c, find_exchange(a->d, verbs[i], 0),
		    find_exchange(b->d, verbs[i], 0), NULL);
	ss_compare_skip(c, find_exchange(a->d, SS_VERB_QUIT, 0),
	    "not sent again");
	return c;
}

/* The rerun's rows are judged one by one and counted per table. */
static void
test_rerun_rows(void **state)
{
	static const enum ss_compare_diff want[] = {
		SS_CMP_TEXT, SS_CMP_TEXT, SS_CMP_CODE, SS_CMP_SAME,
		SS_CMP_SKIPPED
	};
	struct side			 a, b;
	struct ss_compare		*c;
	struct ss_compare_count		 n;
	size_t				 i;

	(void)state;
	side_build(&a, with_tls);
	side_build(&b, without_tls);
	c = rerun_compare(&a, &b);
	assert_int_equal(ss_compare_rows(c), SS_NITEMS(want));
	for (i = 0; i < SS_NITEMS(want); i++)
		assert_int_equal(ss_compare_row_diff(c, i), want[i]);
	ss_compare_count(c, &n);
	assert_int_equal(n.exchanges, 3);	/* the skip is not counted */
	/* Before TLS: SIZE differs and STARTTLS is only in A; after TLS:
	 * A's three keywords only in A; after AUTH: neither. */
	assert_int_equal(n.capabilities, 2 + 3);
	assert_true(n.tls > 0);
	ss_compare_destroy(c);
	side_free(&a);
	side_free(&b);
}

/* A capability row of a phase in the JSON, by keyword. */
static json_t *
json_cap_row(json_t *root, const char *phase, const char *kw)
{
	json_t	*rows, *row;
	size_t	 i;

	rows = json_object_get(json_object_get(json_object_get(root,
	    "capabilities"), phase), "rows");
	json_array_foreach(rows, i, row) {
		if (strcmp(json_string_value(json_object_get(row, "keyword")),
		    kw) == 0)
			return row;
	}
	return NULL;
}

/* The JSON a script reads: statuses, verbs, codes, escaped text. */
static void
test_json(void **state)
{
	static const struct {
		const char	*phase, *kw, *status;
	} rows[] = {
		{ "before_tls", "SIZE", "different" },
		{ "before_tls", "STARTTLS", "only-a" },
		{ "before_tls", "HELP", "same" },
		{ "after_tls", "AUTH", "only-a" },
	};
	struct side	 a, b;
	struct ss_compare *c;
	json_t		*root, *row, *x;
	json_error_t	 jerr;
	char		*s;
	size_t		 i;

	(void)state;
	side_build(&a, with_tls);
	side_build(&b, without_tls);
	c = rerun_compare(&a, &b);
	s = ss_compare_json(c);
	root = json_loads(s, 0, &jerr);
	assert_non_null(root);
	for (i = 0; i < SS_NITEMS(rows); i++) {
		row = json_cap_row(root, rows[i].phase, rows[i].kw);
		assert_non_null(row);
		assert_string_equal(json_string_value(json_object_get(row,
		    "status")), rows[i].status);
	}
	x = json_array_get(json_object_get(root, "exchanges"), 2);
	assert_string_equal(json_string_value(json_object_get(x, "verb")),
	    "STARTTLS");
	assert_string_equal(json_string_value(json_object_get(x, "status")),
	    "different-code");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(x,
	    "b"), "code")), 502);
	x = json_array_get(json_object_get(root, "exchanges"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "verb")),
	    "greeting");
	/* The hostile banner arrives escaped. */
	assert_non_null(strstr(s, "\\\\e]0;pwned\\\\x07"));
	assert_null(strchr(s, '\x1b'));
	json_decref(root);
	free(s);
	ss_compare_destroy(c);
	side_free(&a);
	side_free(&b);
}

/* Does any line hold all of these, in order? */
static int
has_line(const char *text, const char *first, const char *second)
{
	const char	*p, *nl, *f;

	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		f = strstr(p, first);
		if (f != NULL && f < nl && (second == NULL ||
		    ((f = strstr(f, second)) != NULL && f < nl)))
			return 1;
		if (*nl == '\0')
			break;
	}
	return 0;
}

/* The text a person reads: words, '*' marks, cuts, no controls. */
static void
test_text(void **state)
{
	struct side	 a, b;
	struct ss_compare *c;
	struct ss_buf	 out;
	size_t		 i;

	(void)state;
	side_build(&a, with_tls);
	side_build(&b, without_tls);
	c = rerun_compare(&a, &b);
	ss_buf_init(&out);
	ss_compare_text(&out, c, 100);
	assert_true(has_line(out.data, "STARTTLS", "DIFFERENT code"));
	assert_true(has_line(out.data, "250-STARTTLS", " * 250 HELP"));
	assert_true(has_line(out.data, "QUIT", "same"));
	assert_true(has_line(out.data, "QUIT", "skipped"));
	assert_true(has_line(out.data, "note: not sent again", NULL));
	assert_true(has_line(out.data, "STARTTLS", "only in saved"));
	assert_true(has_line(out.data, "Capabilities after TLS", "not "
	    "reached in new"));
	assert_true(has_line(out.data, "Differences: 3 exchanges", NULL));
	/* Fits the width asked for: long cells are cut with "...". */
	assert_true(has_line(out.data, "(greeting)", "..."));
	for (i = 0; i < out.len; i++) {
		assert_false((unsigned char)out.data[i] < 0x20 &&
		    out.data[i] != '\n');
		assert_false((unsigned char)out.data[i] == 0x7f);
	}
	ss_buf_finish(&out);
	ss_compare_destroy(c);
	side_free(&a);
	side_free(&b);
}

/* --compare: no exchange table, and a session equals itself. */
static void
test_compare_self(void **state)
{
	struct side		 a;
	struct ss_compare_side	 sa;
	struct ss_compare	*c;
	struct ss_compare_count	 n;
	struct ss_buf		 out;

	(void)state;
	side_build(&a, with_tls);
	sa.title = "A";
	sa.label = "a.session";
	sa.t = a.t;
	sa.d = a.d;
	c = ss_compare_create(&sa, &sa, 0);
	ss_compare_count(c, &n);
	assert_int_equal(n.exchanges + n.capabilities + n.tls, 0);
	ss_buf_init(&out);
	ss_compare_text(&out, c, 0);
	assert_null(strstr(out.data, "Exchanges"));
	assert_null(strstr(out.data, "DIFFERENT"));
	assert_true(has_line(out.data, "version", "same"));
	ss_buf_finish(&out);
	ss_compare_destroy(c);
	side_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_rerun_rows),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_compare_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
