/*
 * test-reply.c: the reply parser against a table of normal and malformed
 * server output, the same input fed whole and in every small chunk size,
 * the memory bound on an endless line, and the cap on reply lines.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/reply.h"
#include "smtpscope/util.h"

#define B(a)	SS_ANOM_BIT(SS_ANOM_##a)
#define IN(s)	s, sizeof(s) - 1
#define T(s)	s, sizeof(s) - 1
#define MAXR	4

struct want {
	int		 code;
	size_t		 nlines;
	unsigned	 anoms;
	const char	*first_text;	/* text of the first line */
	size_t		 text_len;	/* its length (it may hold a NUL) */
	int		 enh[3];	/* class, subject, detail; 0 = none */
};

static const struct reply_case {
	const char	*name;
	const char	*in;
	size_t		 len;
	size_t		 nreplies;	/* including one returned at EOF */
	struct want	 want[MAXR];
} cases[] = {
	{ "banner", IN("220 mx.test ESMTP Exim 4.96\r\n"), 1,
	    { { 220, 1, 0, T("mx.test ESMTP Exim 4.96"), { 0 } } } },
	{ "ehlo multi-line", IN("250-mx.test Hello\r\n250-SIZE 52428800\r\n"
	    "250-PIPELINING\r\n250 HELP\r\n"), 1,
	    { { 250, 4, 0, T("mx.test Hello"), { 0 } } } },
	{ "code alone", IN("250\r\n"), 1,
	    { { 250, 1, 0, T(""), { 0 } } } },
	{ "code and space", IN("250 \r\n"), 1,
	    { { 250, 1, 0, T(""), { 0 } } } },
	{ "pipelined pair", IN("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"), 2,
	    { { 250, 1, 0, T("2.1.0 Ok"), { 2, 1, 0 } },
	      { 250, 1, 0, T("2.1.5 Ok"), { 2, 1, 5 } } } },
	{ "enhanced", IN("550 5.7.1 Relaying denied\r\n"), 1,
	    { { 550, 1, 0, T("5.7.1 Relaying denied"), { 5, 7, 1 } } } },
	{ "enhanced three digits", IN("535 5.7.139 No\r\n"), 1,
	    { { 535, 1, 0, T("5.7.139 No"), { 5, 7, 139 } } } },
	{ "enhanced class mismatch", IN("250 5.0.0 odd\r\n"), 1,
	    { { 250, 1, 0, T("5.0.0 odd"), { 0 } } } },
	{ "enhanced not a code", IN("250 2.0.0.1 x\r\n"), 1,
	    { { 250, 1, 0, T("2.0.0.1 x"), { 0 } } } },
	{ "tab is text", IN("250 a\tb\r\n"), 1,
	    { { 250, 1, 0, T("a\tb"), { 0 } } } },
	{ "utf-8 text", IN("250 h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\r\n"),
	    1, { { 250, 1, 0, T("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
	    { 0 } } } },
	{ "bare lf", IN("220 hi\n250 ok\n"), 2,
	    { { 220, 1, B(BARE_LF), T("hi"), { 0 } },
	      { 250, 1, B(BARE_LF), T("ok"), { 0 } } } },
	{ "bare lf in multi-line", IN("250-a\n250 b\r\n"), 1,
	    { { 250, 2, B(BARE_LF), T("a"), { 0 } } } },
	{ "bare cr", IN("220 a\rb\r\n"), 1,
	    { { 220, 1, B(BARE_CR), T("a\rb"), { 0 } } } },
	{ "cr cr lf", IN("220 a\r\r\n"), 1,
	    { { 220, 1, B(BARE_CR), T("a\r"), { 0 } } } },
	{ "letters for code", IN("abc hello\r\n"), 1,
	    { { -1, 1, B(BAD_CODE), T("hello"), { 0 } } } },
	{ "class 1", IN("199 x\r\n"), 1,
	    { { 199, 1, B(BAD_CODE), T("x"), { 0 } } } },
	{ "second digit 6", IN("260 x\r\n"), 1,
	    { { 260, 1, B(BAD_CODE), T("x"), { 0 } } } },
	{ "short code", IN("25\r\n"), 1,
	    { { -1, 1, B(BAD_CODE), T(""), { 0 } } } },
	{ "empty line", IN("\r\n"), 1,
	    { { -1, 1, B(BAD_CODE), T(""), { 0 } } } },
	{ "bad separator", IN("250x\r\n"), 1,
	    { { 250, 1, B(BAD_SEPARATOR), T(""), { 0 } } } },
	{ "code mismatch", IN("250-a\r\n251 b\r\n"), 1,
	    { { 250, 2, B(CODE_MISMATCH), T("a"), { 0 } } } },
	{ "nul", IN("250 a\0b\r\n"), 1,
	    { { 250, 1, B(NUL), T("a\0b"), { 0 } } } },
	{ "escape sequence", IN("250 \x1b[2J\r\n"), 1,
	    { { 250, 1, B(CONTROL), T("\x1b[2J"), { 0 } } } },
	{ "backspace", IN("250 a\bb\r\n"), 1,
	    { { 250, 1, B(CONTROL), T("a\bb"), { 0 } } } },
	{ "del", IN("250 \x7f\r\n"), 1,
	    { { 250, 1, B(CONTROL), T("\x7f"), { 0 } } } },
	{ "raw c1", IN("250 \x9b" "31m\r\n"), 1,
	    { { 250, 1, B(CONTROL) | B(BAD_UTF8), T("\x9b" "31m"), { 0 } } } },
	{ "encoded c1", IN("250 \xc2\x9b" "31m\r\n"), 1,
	    { { 250, 1, B(CONTROL), T("\xc2\x9b" "31m"), { 0 } } } },
	{ "latin-1", IN("250 caf\xe9\r\n"), 1,
	    { { 250, 1, B(BAD_UTF8), T("caf\xe9"), { 0 } } } },
	{ "overlong slash", IN("250 \xc0\xaf\r\n"), 1,
	    { { 250, 1, B(BAD_UTF8), T("\xc0\xaf"), { 0 } } } },
	{ "overlong three bytes", IN("250 \xe0\x80\xaf\r\n"), 1,
	    { { 250, 1, B(BAD_UTF8) | B(CONTROL), T("\xe0\x80\xaf"), { 0 } } } },
	{ "surrogate", IN("250 \xed\xa0\x80\r\n"), 1,
	    { { 250, 1, B(BAD_UTF8) | B(CONTROL), T("\xed\xa0\x80"), { 0 } } } },
	{ "past U+10FFFF", IN("250 \xf4\x90\x80\x80\r\n"), 1,
	    { { 250, 1, B(BAD_UTF8) | B(CONTROL), T("\xf4\x90\x80\x80"), { 0 } } } },
	{ "truncated sequence", IN("250 \xe2\x82\r\n"), 1,
	    { { 250, 1, B(BAD_UTF8), T("\xe2\x82"), { 0 } } } },
	{ "eof mid-line", IN("250-a\r\n250 b"), 1,
	    { { 250, 2, B(INCOMPLETE), T("a"), { 0 } } } },
	{ "eof after continuation", IN("250-a\r\n"), 1,
	    { { 250, 1, B(INCOMPLETE), T("a"), { 0 } } } },
	{ "eof after cr", IN("220 a\r"), 1,
	    { { 220, 1, B(INCOMPLETE) | B(BARE_CR), T("a\r"), { 0 } } } },
	{ "reply then partial", IN("220 ok\r\n2"), 2,
	    { { 220, 1, 0, T("ok"), { 0 } },
	      { -1, 1, B(INCOMPLETE) | B(BAD_CODE), T(""), { 0 } } } },
	{ "nothing", "", 0, 0, { { 0 } } },
};

/* Feed input in chunks of the given size; collect replies, then EOF. */
static size_t
collect(const char *in, size_t len, size_t chunk, struct ss_reply **out)
{
	struct ss_reply_parser	*p;
	struct ss_reply		*r;
	size_t			 off, end, n, got = 0;

	p = ss_reply_parser_create();
	for (off = 0; off < len; off = end) {
		end = off + chunk < len ? off + chunk : len;
		while (off < end) {
			n = ss_reply_parser_feed(p, in + off, end - off, &r);
			assert_true(n >= 1 && n <= end - off);
			if (r != NULL) {
				assert_true(got < MAXR);
				out[got++] = r;
			} else
				assert_int_equal(n, end - off);
			off += n;
		}
	}
	if ((r = ss_reply_parser_eof(p)) != NULL) {
		assert_true(got < MAXR);
		out[got++] = r;
	}
	assert_int_equal(ss_reply_parser_pending(p), 0);
	assert_null(ss_reply_parser_eof(p));
	ss_reply_parser_destroy(p);
	return got;
}

/* Two replies are the same in every field a caller can see. */
static void
assert_reply_same(const struct ss_reply *a, const struct ss_reply *b)
{
	size_t	 i;

	assert_int_equal(a->code, b->code);
	assert_memory_equal(&a->enhanced, &b->enhanced, sizeof a->enhanced);
	assert_int_equal(a->nlines, b->nlines);
	assert_int_equal(a->lines_dropped, b->lines_dropped);
	assert_int_equal(a->anomalies, b->anomalies);
	for (i = 0; i < a->nlines; i++) {
		assert_int_equal(a->lines[i].len, b->lines[i].len);
		assert_memory_equal(a->lines[i].raw, b->lines[i].raw,
		    a->lines[i].len);
		assert_int_equal(a->lines[i].dropped, b->lines[i].dropped);
		assert_int_equal(a->lines[i].code, b->lines[i].code);
		assert_int_equal(a->lines[i].last, b->lines[i].last);
		assert_int_equal(a->lines[i].anomalies, b->lines[i].anomalies);
		assert_int_equal(a->lines[i].text - a->lines[i].raw,
		    b->lines[i].text - b->lines[i].raw);
	}
}

/* A reply matches what the table says a reader should see. */
static void
assert_reply_want(const char *name, const struct ss_reply *r,
    const struct want *w)
{
	const struct ss_reply_line	*first = &r->lines[0];
	size_t				 textlen;

	(void)name;
	assert_int_equal(r->code, w->code);
	assert_int_equal(r->nlines, w->nlines);
	assert_int_equal(r->anomalies, w->anoms);
	textlen = first->len - (size_t)(first->text - first->raw);
	assert_int_equal(textlen, w->text_len);
	assert_memory_equal(first->text, w->first_text, textlen);
	assert_int_equal(first->text[textlen], '\0');
	assert_int_equal(r->enhanced.present, w->enh[0] != 0);
	assert_int_equal(r->enhanced.class_, w->enh[0]);
	assert_int_equal(r->enhanced.subject, w->enh[1]);
	assert_int_equal(r->enhanced.detail, w->enh[2]);
	assert_int_equal(r->lines[r->nlines - 1].last,
	    !(w->anoms & B(INCOMPLETE)));
}

/* Every table case parses as expected, whole and in small chunks alike. */
static void
test_table(void **state)
{
	struct ss_reply	*whole[MAXR], *part[MAXR];
	size_t		 i, j, n, m, chunk;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		n = collect(cases[i].in, cases[i].len, SIZE_MAX / 2, whole);
		assert_int_equal(n, cases[i].nreplies);
		for (j = 0; j < n; j++)
			assert_reply_want(cases[i].name, whole[j],
			    &cases[i].want[j]);
		for (chunk = 1; chunk <= 7; chunk++) {
			m = collect(cases[i].in, cases[i].len, chunk, part);
			assert_int_equal(m, n);
			for (j = 0; j < m; j++) {
				assert_reply_same(whole[j], part[j]);
				ss_reply_free(part[j]);
			}
		}
		for (j = 0; j < n; j++)
			ss_reply_free(whole[j]);
	}
}

/* Parse a buffer fed in random steps of 1-5 bytes (whole if seed NULL). */
static size_t
parse_steps(const char *in, size_t len, uint32_t *seed, struct ss_reply **out)
{
	struct ss_reply_parser	*p;
	struct ss_reply		*r;
	size_t			 off = 0, step, n = 0;

	p = ss_reply_parser_create();
	while (off < len) {
		step = len - off;
		if (seed != NULL) {
			*seed = *seed * 1103515245u + 12345u;
			if (1 + (*seed >> 16) % 5 < step)
				step = 1 + (*seed >> 16) % 5;
		}
		off += ss_reply_parser_feed(p, in + off, step, &r);
		if (r != NULL)
			out[n++] = r;
	}
	if ((r = ss_reply_parser_eof(p)) != NULL)
		out[n++] = r;
	ss_reply_parser_destroy(p);
	return n;
}

/* Random input parses the same whole and in random small chunks. */
static void
test_random_split(void **state)
{
	static const char *const pool[] = {
		"250", "220", "5", "-", " ", "\r", "\n", "\r\n", "",
		"\xc2", "\x85", "\xe2\x80\xae", "\x1b", "x", "2.0.0 ",
	};
	struct ss_reply	*whole[64], *part[64];
	struct ss_buf	 in;
	const char	*piece;
	uint32_t	 seed = 99;
	size_t		 round, i, k, n;

	(void)state;
	ss_buf_init(&in);
	for (round = 0; round < 3000; round++) {
		ss_buf_reset(&in);
		seed = seed * 1103515245u + 12345u;
		k = (seed >> 16) % 40;
		for (i = 0; i < k; i++) {
			seed = seed * 1103515245u + 12345u;
			piece = pool[(seed >> 16) % SS_NITEMS(pool)];
			if (*piece == '\0')
				ss_buf_addc(&in, '\0');	/* "" stands for NUL */
			else
				ss_buf_adds(&in, piece);
		}
		n = parse_steps(in.data, in.len, NULL, whole);
		assert_int_equal(parse_steps(in.data, in.len, &seed, part), n);
		for (i = 0; i < n; i++) {
			assert_reply_same(whole[i], part[i]);
			ss_reply_free(whole[i]);
			ss_reply_free(part[i]);
		}
	}
	ss_buf_finish(&in);
}

/* feed stops right after a completed reply so the caller sees the rest. */
static void
test_feed_stops(void **state)
{
	static const char	 in[] = "220 go ahead\r\n\x16\x03\x01";
	struct ss_reply_parser	*p;
	struct ss_reply		*r;
	size_t			 n;

	(void)state;
	p = ss_reply_parser_create();
	n = ss_reply_parser_feed(p, in, sizeof in - 1, &r);
	assert_int_equal(n, 14);
	assert_non_null(r);
	assert_int_equal(r->code, 220);
	assert_int_equal(ss_reply_parser_pending(p), 0);
	ss_reply_free(r);
	n = ss_reply_parser_feed(p, in + 14, 3, &r);
	assert_int_equal(n, 3);
	assert_null(r);
	assert_int_equal(ss_reply_parser_pending(p), 3);
	ss_reply_parser_reset(p);
	assert_int_equal(ss_reply_parser_pending(p), 0);
	assert_null(ss_reply_parser_eof(p));
	n = ss_reply_parser_feed(p, "221 bye\r\n", 9, &r);
	assert_int_equal(n, 9);
	assert_int_equal(r->code, 221);
	assert_int_equal(r->anomalies, 0);
	ss_reply_free(r);
	ss_reply_parser_destroy(p);
	ss_reply_parser_destroy(NULL);
	ss_reply_free(NULL);
}

/* 510 octets plus CRLF is the longest legal line; one more is flagged. */
static void
test_line_length_limit(void **state)
{
	struct ss_reply	*r[MAXR];
	char		 line[600];
	size_t		 content, n;

	(void)state;
	for (content = 509; content <= 511; content++) {
		memset(line, 'x', content);
		memcpy(line, "250 ", 4);
		memcpy(line + content, "\r\n", 2);
		n = collect(line, content + 2, 64, r);
		assert_int_equal(n, 1);
		assert_int_equal(r[0]->lines[0].len, content);
		assert_int_equal(r[0]->anomalies,
		    content + 2 > SS_REPLY_LINE_MAX ? B(LINE_TOO_LONG) : 0);
		ss_reply_free(r[0]);
	}
}

/*
 * 8 MiB without a line end: the parser keeps SS_REPLY_LINE_KEEP bytes,
 * counts the rest, and its heap use stays within that bound meanwhile.
 */
static void
test_endless_line(void **state)
{
	struct ss_reply_parser	*p;
	struct ss_reply		*r;
	struct mallinfo2	 before, during;
	char			*chunk;
	size_t			 total = 8u << 20, step = 65536, off;

	(void)state;
	chunk = xmalloc(step);
	memset(chunk, 'A', step);
	memcpy(chunk, "250 ", 4);
	p = ss_reply_parser_create();
	before = mallinfo2();
	for (off = 0; off < total; off += step) {
		assert_int_equal(ss_reply_parser_feed(p, chunk, step, &r),
		    step);
		assert_null(r);
		memset(chunk, 'A', 4);
	}
	during = mallinfo2();
	/*
	 * The line buffer doubles up to SS_REPLY_LINE_KEEP; glibc keeps the
	 * smaller buffers it freed on the way in its thread cache, which
	 * mallinfo2 counts as in use: twice the limit covers both, and 8 MiB
	 * of input is 1,000 times more.
	 */
	assert_true(during.uordblks < before.uordblks +
	    2 * SS_REPLY_LINE_KEEP + 1024);
	assert_int_equal(ss_reply_parser_pending(p), (int)total);
	assert_int_equal(ss_reply_parser_feed(p, "\r\n", 2, &r), 2);
	assert_non_null(r);
	assert_int_equal(r->code, 250);
	assert_int_equal(r->lines[0].len, SS_REPLY_LINE_KEEP);
	assert_int_equal(r->lines[0].dropped, total - SS_REPLY_LINE_KEEP);
	assert_int_equal(r->anomalies, B(LINE_TOO_LONG));
	ss_reply_free(r);
	ss_reply_parser_destroy(p);
	free(chunk);
}

/* A 2000-line reply keeps 1000 lines, counts the rest, and ends cleanly. */
static void
test_many_lines(void **state)
{
	struct ss_buf		 in;
	struct ss_reply_parser	*p;
	struct ss_reply		*r;
	size_t			 i, n;

	(void)state;
	ss_buf_init(&in);
	for (i = 0; i < 1999; i++)
		ss_buf_printf(&in, "250-line %zu\r\n", i);
	ss_buf_adds(&in, "250 end\r\n221 next\r\n");
	p = ss_reply_parser_create();
	n = ss_reply_parser_feed(p, in.data, in.len, &r);
	assert_non_null(r);
	assert_int_equal(r->code, 250);
	assert_int_equal(r->nlines, SS_REPLY_MAX_LINES);
	assert_int_equal(r->lines_dropped, 2000 - SS_REPLY_MAX_LINES);
	assert_int_equal(r->anomalies, B(TOO_MANY_LINES));
	assert_string_equal(r->lines[999].text, "line 999");
	ss_reply_free(r);
	assert_int_equal(ss_reply_parser_feed(p, in.data + n, in.len - n, &r),
	    in.len - n);
	assert_int_equal(r->code, 221);
	assert_int_equal(r->anomalies, 0);
	ss_reply_free(r);
	ss_reply_parser_destroy(p);
	ss_buf_finish(&in);
}

/* ss_enhanced_parse on its own, including what it must refuse. */
static void
test_enhanced_parse(void **state)
{
	static const struct {
		const char	*in;
		size_t		 used;
		int		 c, s, d;
	} t[] = {
		{ "2.0.0", 5, 2, 0, 0 },
		{ "4.7.0 try later", 5, 4, 7, 0 },
		{ "5.123.456\tx", 9, 5, 123, 456 },
		{ "3.0.0", 0, 0, 0, 0 },
		{ "5.1234.0", 0, 0, 0, 0 },
		{ "5.1.", 0, 0, 0, 0 },
		{ "5..1", 0, 0, 0, 0 },
		{ "5.1.1x", 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0 },
	};
	struct ss_enhanced	 e;
	size_t			 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(t); i++) {
		assert_int_equal(ss_enhanced_parse(t[i].in, strlen(t[i].in),
		    &e), t[i].used);
		assert_int_equal(e.present, t[i].used != 0);
		assert_int_equal(e.class_, t[i].c);
		assert_int_equal(e.subject, t[i].s);
		assert_int_equal(e.detail, t[i].d);
	}
}

/* The anomaly names are a stable contract with JSON and findings. */
static void
test_names(void **state)
{
	static const char *const stable[] = {
		"bare-lf", "bare-cr", "line-too-long", "bad-code",
		"bad-separator", "code-mismatch", "nul", "control", "bad-utf8",
		"too-many-lines", "unsolicited", "injected", "incomplete",
	};
	size_t	 i;

	(void)state;
	assert_int_equal(SS_NITEMS(stable), SS_ANOM_LAST);
	for (i = 0; i < SS_ANOM_LAST; i++) {
		assert_string_equal(ss_anomaly_names[i], stable[i]);
		assert_true(strlen(ss_anomaly_text[i]) > 10);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_random_split),
		cmocka_unit_test(test_feed_stops),
		cmocka_unit_test(test_line_length_limit),
		cmocka_unit_test(test_endless_line),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_enhanced_parse),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
