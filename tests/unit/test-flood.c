/*
 * test-flood.c: the flood gate keeps what the reply parser keeps and
 * counts the rest, wherever the reads split the bytes: a transcript built
 * through the gate gives the same replies (code, lines kept, lines
 * counted, line lengths) as every byte fed to the parser, in bounded
 * memory whatever the size of the flood.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/flood.h"
#include "smtpscope/reply.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Where the gate's output goes in these tests. */
struct sink {
	struct ss_transcript	*t;
	size_t			 kept;
	size_t			 cuts;
	size_t			 cut_lines;
	size_t			 cut_bytes;
};

static void
sink_keep(void *arg, const char *p, size_t len)
{
	struct sink	*s = arg;

	s->kept += len;
	if (s->t != NULL) {
		ss_transcript_append(s->t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
		    p, len);
	}
}

static void
sink_cut(void *arg, const struct ss_flood_cut *c)
{
	struct sink	*s = arg;
	char		*text;

	s->cuts++;
	s->cut_lines += c->lines;
	s->cut_bytes += c->bytes;
	if (s->t != NULL) {
		text = ss_flood_cut_text(c);
		ss_transcript_append(s->t, 0, SS_DIR_INFO, SS_KIND_CUT, 0,
		    text, strlen(text));
		free(text);
	}
}

/* Pass in through a gate in pieces of at most step bytes (0: random). */
static void
gate_pass(struct sink *s, const char *in, size_t len, size_t step,
    unsigned seed)
{
	struct ss_flood		f;
	struct ss_flood_out	out = { sink_keep, sink_cut, s };
	size_t			off, n;

	srand(seed);
	ss_flood_init(&f);
	for (off = 0; off < len; off += n) {
		n = step != 0 ? step : 1 + (size_t)rand() % 700;
		if (n > len - off) {
			n = len - off;
		}
		ss_flood_feed(&f, in + off, n, off, &out);
	}
	ss_flood_flush(&f, &out);
}

/* The replies of a byte stream, every byte fed to the parser. */
static size_t
direct_replies(const char *in, size_t len, struct ss_reply **out, size_t max)
{
	struct ss_reply_parser	*p = ss_reply_parser_create();
	struct ss_reply		*r;
	size_t			 used, n = 0;

	while (len > 0) {
		used = ss_reply_parser_feed(p, in, len, &r);
		in += used;
		len -= used;
		if (r != NULL && n < max) {
			out[n++] = r;
		} else {
			ss_reply_free(r);
		}
	}
	ss_reply_parser_destroy(p);
	return n;
}

/* Two replies agree on everything the gate promises to keep. */
static void
assert_same_reply(const struct ss_reply *a, const struct ss_reply *b)
{
	size_t	 i;

	assert_int_equal(a->code, b->code);
	assert_int_equal(a->nlines, b->nlines);
	assert_int_equal(a->lines_dropped, b->lines_dropped);
	assert_int_equal(a->anomalies, b->anomalies);
	for (i = 0; i < a->nlines; i++) {
		assert_int_equal(a->lines[i].len, b->lines[i].len);
		assert_int_equal(a->lines[i].dropped, b->lines[i].dropped);
		assert_memory_equal(a->lines[i].raw, b->lines[i].raw,
		    a->lines[i].len);
	}
}

/* Check the gated transcript against the direct parse of in. */
static void
check_stream(const char *in, size_t len, size_t step, unsigned seed,
    size_t want_cut_lines)
{
	struct sink		 s = { ss_transcript_create(), 0, 0, 0, 0 };
	struct ss_reply		*direct[8];
	struct ss_dialog	*d;
	const struct ss_exchange *x;
	size_t			 n, i;

	gate_pass(&s, in, len, step, seed);
	assert_int_equal(s.kept + s.cut_bytes, len);
	assert_int_equal(s.cut_lines, want_cut_lines);
	n = direct_replies(in, len, direct, SS_NITEMS(direct));
	d = ss_dialog_build(s.t, ss_transcript_count(s.t));
	assert_int_equal(ss_dialog_exchange_count(d), n);
	for (i = 0; i < n; i++) {
		x = ss_dialog_exchange(d, i);
		assert_non_null(x->reply);
		assert_same_reply(x->reply, direct[i]);
		ss_reply_free(direct[i]);
	}
	ss_dialog_destroy(d);
	ss_transcript_destroy(s.t);
}

/* A reply of n continuation lines "250-Xnnn" and a last line. */
static char *
make_reply(size_t n, size_t *len)
{
	struct ss_buf	 b;
	size_t		 i;

	ss_buf_init(&b);
	ss_buf_printf(&b, "220 banner\r\n");
	for (i = 0; i < n; i++) {
		ss_buf_printf(&b, "250-X%zu\r\n", i);
	}
	ss_buf_printf(&b, "250 HELP\r\n221 bye\r\n");
	*len = b.len;
	return b.data;
}

/* Small replies pass whole: nothing is cut. */
static void
test_small_passes(void **state)
{
	static const char in[] = "220 hi\r\n250-a\r\n250-b\n250 c\r\n25\r\n"
	    "250-x\r\r\n250 \r\n";

	(void)state;
	check_stream(in, sizeof(in) - 1, 1, 1, 0);
	check_stream(in, sizeof(in) - 1, 0, 2, 0);
	check_stream(in, sizeof(in) - 1, sizeof(in), 3, 0);
}

/* Past the line limit, whole lines are cut and counted; the last line and
 * the next reply are kept; any split gives the same replies. */
static void
test_many_lines_cut(void **state)
{
	char	*in;
	size_t	 len, n = 5000;
	unsigned seed;

	(void)state;
	in = make_reply(n, &len);
	check_stream(in, len, 1, 1, n - SS_REPLY_MAX_LINES);
	check_stream(in, len, len, 1, n - SS_REPLY_MAX_LINES);
	for (seed = 1; seed < 20; seed++) {
		check_stream(in, len, 0, seed, n - SS_REPLY_MAX_LINES);
	}
	free(in);
}

/* A line past SS_REPLY_LINE_KEEP keeps its start and its CR LF; a CR in
 * the cut middle is counted, not taken for the line end. */
static void
test_long_line_cut(void **state)
{
	struct ss_buf	 b;
	size_t		 i;
	unsigned	 seed;

	(void)state;
	ss_buf_init(&b);
	ss_buf_printf(&b, "220-");
	for (i = 0; i < 3 * SS_REPLY_LINE_KEEP; i++) {
		ss_buf_add(&b, i % 1000 == 7 ? "\r" : "A", 1);
	}
	ss_buf_printf(&b, "\r\n220 ok\r\n");
	for (seed = 1; seed < 10; seed++) {
		check_stream(b.data, b.len, 0, seed, 0);
	}
	check_stream(b.data, b.len, 1, 1, 0);
	ss_buf_finish(&b);
}

/* Five million lines through the gate: the heap does not grow. */
static void
test_flood_memory(void **state)
{
	static const char	 line[] = "250-X\r\n";
	struct sink		 s = { NULL, 0, 0, 0, 0 };
	struct ss_flood		 f;
	struct ss_flood_out	 out = { sink_keep, sink_cut, &s };
	struct mallinfo2	 before, after;
	char			*chunk;
	size_t			 per = 65536 / (sizeof(line) - 1), i, sent;

	(void)state;
	chunk = xmalloc(per * (sizeof(line) - 1));
	for (i = 0; i < per; i++) {
		memcpy(chunk + i * (sizeof(line) - 1), line, sizeof(line) - 1);
	}
	ss_flood_init(&f);
	before = mallinfo2();
	for (sent = 0; sent < 5000000; sent += per) {
		ss_flood_feed(&f, chunk, per * (sizeof(line) - 1), sent, &out);
	}
	after = mallinfo2();
	assert_true(after.uordblks <= before.uordblks);
	ss_flood_feed(&f, "250 end\r\n", 9, sent, &out);
	assert_int_equal(s.cuts, 1);
	assert_int_equal(s.cut_lines, sent - SS_REPLY_MAX_LINES);
	free(chunk);
}

/* The note's words read back; a note without them is refused. */
static void
test_note_words(void **state)
{
	struct ss_flood_cut	 c = { 4999001, 34993007, 3570, 71262 }, back;
	char			*text;

	(void)state;
	text = ss_flood_cut_text(&c);
	assert_non_null(strstr(text, "4999001 lines"));
	assert_int_equal(ss_flood_cut_parse(text, strlen(text), &back), 0);
	assert_int_equal(back.lines, c.lines);
	assert_int_equal(back.bytes, c.bytes);
	assert_int_equal(back.first_us, c.first_us);
	assert_int_equal(back.last_us, c.last_us);
	free(text);
	assert_int_equal(ss_flood_cut_parse("cut\nlines=x", 11, &back), -1);
	assert_int_equal(ss_flood_cut_parse("no words", 8, &back), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_passes),
		cmocka_unit_test(test_many_lines_cut),
		cmocka_unit_test(test_long_line_cut),
		cmocka_unit_test(test_flood_memory),
		cmocka_unit_test(test_note_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
