/*
 * test-text.c: the escaper that stands between hostile servers and the
 * terminal.  Every class of dangerous input has a row; random bytes round
 * trip through ss_text_unescape; the output never holds a byte a terminal
 * would act on; widths match what a UTF-8 terminal shows.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smtpscope/text.h"
#include "smtpscope/util.h"

#define IN(s)	s, sizeof(s) - 1

static const struct {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*out;
} escape_cases[] = {
	{ "plain ascii", IN("250 mx.test ESMTP"), "250 mx.test ESMTP" },
	{ "utf-8 kept", IN("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80" },
	{ "crlf", IN("ok\r\n"), "ok\\r\\n" },
	{ "tab", IN("a\tb"), "a\\tb" },
	{ "escape sequence", IN("\x1b[2J\x1b]0;pwned\x07"),
	    "\\e[2J\\e]0;pwned\\x07" },
	{ "backspace", IN("abc\b\b\bxyz"), "abc\\x08\\x08\\x08xyz" },
	{ "nul", IN("a\0b"), "a\\x00b" },
	{ "other c0", IN("\x01\x1f"), "\\x01\\x1F" },
	{ "del", IN("\x7f"), "\\x7F" },
	{ "backslash", IN("C:\\dir"), "C:\\\\dir" },
	{ "raw c1 csi", IN("\x9b" "31m"), "\\x9B31m" },
	{ "raw c1 range", IN("\x80\x9f"), "\\x80\\x9F" },
	{ "encoded c1", IN("\xc2\x85\xc2\x9b"), "\\u{85}\\u{9B}" },
	{ "nbsp kept", IN("\xc2\xa0"), "\xc2\xa0" },
	{ "rlo", IN("abc\xe2\x80\xae" "cba"), "abc\\u{202E}cba" },
	{ "bidi embeddings", IN("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
	    "\\u{202A}\\u{202B}\\u{202C}\\u{202D}" },
	{ "bidi isolates", IN("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
	    "\\u{2066}\\u{2067}\\u{2068}\\u{2069}" },
	{ "lrm rlm", IN("\xe2\x80\x8e\xe2\x80\x8f"), "\\u{200E}\\u{200F}" },
	{ "arabic letter mark", IN("\xd8\x9c"), "\\u{61C}" },
	{ "zero width", IN("a\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d" "b"),
	    "a\\u{200B}\\u{200C}\\u{200D}b" },
	{ "word joiner", IN("\xe2\x81\xa0"), "\\u{2060}" },
	{ "bom", IN("\xef\xbb\xbf" "220"), "\\u{FEFF}220" },
	{ "latin-1", IN("caf\xe9"), "caf\\xE9" },
	{ "overlong slash", IN("\xc0\xaf"), "\\xC0\\xAF" },
	{ "overlong nul", IN("\xc0\x80"), "\\xC0\\x80" },
	{ "overlong three", IN("\xe0\x80\xaf"), "\\xE0\\x80\\xAF" },
	{ "surrogate", IN("\xed\xa0\x80"), "\\xED\\xA0\\x80" },
	{ "past U+10FFFF", IN("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80" },
	{ "f5 lead", IN("\xf5\x80\x80\x80"), "\\xF5\\x80\\x80\\x80" },
	{ "truncated at end", IN("ok\xe2\x82"), "ok\\xE2\\x82" },
	{ "truncated then ascii", IN("\xe2\x82" "A"), "\\xE2\\x82A" },
	{ "lone continuation", IN("\xbf"), "\\xBF" },
	{ "empty", "", 0, "" },
};

/* Each row escapes to exactly the text a reader should see. */
static void
test_escape_table(void **state)
{
	struct ss_buf	 b;
	size_t		 i;

	(void)state;
	ss_buf_init(&b);
	for (i = 0; i < SS_NITEMS(escape_cases); i++) {
		print_message("case %s\n", escape_cases[i].name);
		ss_buf_reset(&b);
		ss_text_escape(&b, escape_cases[i].in, escape_cases[i].len);
		assert_string_equal(b.data, escape_cases[i].out);
		assert_int_equal(ss_text_needs_escape(escape_cases[i].in,
		    escape_cases[i].len), strcmp(escape_cases[i].out,
		    escape_cases[i].in) != 0 || escape_cases[i].len !=
		    strlen(escape_cases[i].in));
		ss_buf_reset(&b);
		assert_int_equal(ss_text_unescape(&b, escape_cases[i].out,
		    strlen(escape_cases[i].out)), 0);
		assert_int_equal(b.len, escape_cases[i].len);
		assert_memory_equal(b.data, escape_cases[i].in, b.len);
	}
	ss_buf_finish(&b);
}

struct pieces {
	struct ss_buf	 all;
	size_t		 escapes;
	size_t		 plains;
	size_t		 stop_after;
};

/* Record the pieces; check each one is safe on its own. */
static int
collect_piece(enum ss_text_piece piece, const char *s, size_t len, void *arg)
{
	struct pieces	*p = arg;

	assert_true(len > 0);
	assert_false(ss_text_needs_escape(s, len) && piece == SS_TEXT_PLAIN);
	if (piece == SS_TEXT_ESCAPE) {
		assert_int_equal(s[0], '\\');
		p->escapes++;
	} else
		p->plains++;
	ss_buf_add(&p->all, s, len);
	return p->escapes + p->plains == p->stop_after;
}

/* Runs alternate between text and escapes, and stopping early works. */
static void
test_callback(void **state)
{
	static const char	 in[] = "220 \x1b[31mred\x1b[0m ok\r\n";
	struct pieces		 p;

	(void)state;
	memset(&p, 0, sizeof p);
	ss_buf_init(&p.all);
	ss_text_escape_cb(in, sizeof in - 1, collect_piece, &p);
	assert_string_equal(p.all.data, "220 \\e[31mred\\e[0m ok\\r\\n");
	assert_int_equal(p.escapes, 4);
	assert_int_equal(p.plains, 3);
	ss_buf_reset(&p.all);
	p.escapes = p.plains = 0;
	p.stop_after = 2;
	ss_text_escape_cb(in, sizeof in - 1, collect_piece, &p);
	assert_string_equal(p.all.data, "220 \\e");
	ss_buf_finish(&p.all);
}

/*
 * Does escaped output hold anything a terminal acts on: a C0 byte, DEL,
 * a raw C1 byte, invalid UTF-8, or an encoded C1, bidi or zero-width
 * character?  Written independently of the escaper's tables.
 */
static int
dangerous(const unsigned char *s, size_t len)
{
	uint32_t	 cp;
	size_t		 i, n;

	for (i = 0; i < len; i += n) {
		if ((n = ss_text_utf8_decode(s + i, len - i, &cp)) == 0)
			return 1;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) ||
		    (cp >= 0x200b && cp <= 0x200f) || cp == 0x061c ||
		    cp == 0x2060 || cp == 0xfeff)
			return 1;
	}
	return 0;
}

/*
 * Random bytes (biased towards UTF-8 lead and continuation bytes so that
 * valid, overlong and truncated sequences all occur) escape to safe text
 * and unescape to the same bytes.
 */
static void
test_random_roundtrip(void **state)
{
	static const unsigned char	 pool[] = {
		0x00, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x5c, 0x7b, 0x7d,
		0x75, 0x78, 0x7f, 0x80, 0x85, 0x9b, 0xa0, 0xae, 0xbf, 0xc0,
		0xc2, 0xd8, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
	};
	unsigned char	 in[64];
	struct ss_buf	 esc, back;
	uint32_t	 seed = 12345;
	size_t		 round, i, len;

	(void)state;
	ss_buf_init(&esc);
	ss_buf_init(&back);
	for (round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof in;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (seed >> 24) & 1 ? pool[(seed >> 16) %
			    sizeof pool] : (unsigned char)(seed >> 8);
		}
		ss_buf_reset(&esc);
		ss_buf_reset(&back);
		ss_text_escape(&esc, in, len);
		assert_false(dangerous((unsigned char *)esc.data, esc.len));
		assert_int_equal(ss_text_unescape(&back, esc.data, esc.len),
		    0);
		assert_int_equal(back.len, len);
		if (len != 0)
			assert_memory_equal(back.data, in, len);
	}
	ss_buf_finish(&esc);
	ss_buf_finish(&back);
}

/* Malformed escapes are refused and leave the buffer untouched. */
static void
test_unescape_malformed(void **state)
{
	static const char *const bad[] = {
		"\\", "a\\", "\\q", "\\x", "\\x4", "\\xG0", "\\u", "\\u{",
		"\\u{}", "\\u{41", "\\u{110000}", "\\u{D800}", "\\u{1234567}",
		"\\u41",
	};
	struct ss_buf	 b;
	size_t		 i;

	(void)state;
	ss_buf_init(&b);
	for (i = 0; i < SS_NITEMS(bad); i++) {
		ss_buf_reset(&b);
		ss_buf_adds(&b, "keep");
		assert_int_equal(ss_text_unescape(&b, bad[i], strlen(bad[i])),
		    -1);
		assert_string_equal(b.data, "keep");
	}
	ss_buf_reset(&b);
	assert_int_equal(ss_text_unescape(&b, IN("\\u{10FFFF}\\x0a")), 0);
	assert_memory_equal(b.data, "\xf4\x8f\xbf\xbf\n", 5);
	ss_buf_finish(&b);
}

/* Widths as a UTF-8 terminal draws them, whatever the locale. */
static void
test_width(void **state)
{
	static const struct {
		const char	*in;
		size_t		 width;
	} t[] = {
		{ "", 0 },
		{ "250 ok", 6 },
		{ "caf\xc3\xa9", 4 },
		{ "e\xcc\x81", 1 },			/* e + combining acute */
		{ "\xe4\xb8\xad\xe6\x96\x87", 4 },	/* two CJK */
		{ "\xea\xb0\x80", 2 },			/* Hangul syllable */
		{ "\xef\xbc\xa1", 2 },			/* fullwidth A */
		{ "\xf0\x9f\x98\x80", 2 },		/* emoji */
		{ "\xe2\x82\xac", 1 },			/* euro sign */
		{ "\xe3\x80\x80", 2 },			/* ideographic space */
		{ "\xff", 1 },				/* stray byte */
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < SS_NITEMS(t); i++)
		assert_int_equal(ss_text_width(t[i].in, strlen(t[i].in)),
		    t[i].width);
}

/* The strict decoder on its own. */
static void
test_decode(void **state)
{
	uint32_t	 cp;

	(void)state;
	assert_int_equal(ss_text_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(ss_text_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(ss_text_utf8_decode("\xf0\x9f\x98", 3, &cp), 0);
	assert_int_equal(ss_text_utf8_decode("\xe2\x28\xa1", 3, &cp), 0);
	assert_int_equal(ss_text_utf8_decode("\xef\xbf\xbf", 3, &cp), 3);
	assert_int_equal(cp, 0xffff);
	assert_int_equal(ss_text_utf8_decode("", 0, &cp), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_callback),
		cmocka_unit_test(test_random_roundtrip),
		cmocka_unit_test(test_unescape_malformed),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
