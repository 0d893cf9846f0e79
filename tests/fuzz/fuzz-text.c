/*
 * fuzz-text.c: the escaper that stands between untrusted bytes and the
 * terminal, and its inverse that the session loader relies on.
 *
 * Input: any bytes.
 *
 * Properties: the escaped form is valid UTF-8 with no C0 control, DEL or
 * C1 control; unescaping it gives back the input exactly; the callback
 * form gives the same pieces; "needs escape" agrees with what the escaper
 * did; and unescaping arbitrary text either fails or gives bytes whose
 * escaped form unescapes to them again.
 */

#include "fuzz.h"

#include "smtpscope/text.h"
#include "smtpscope/util.h"

/* Collect the callback's pieces; each must be safe on its own. */
static int
fuzz_piece(enum ss_text_piece kind, const char *s, size_t len, void *arg)
{
	struct ss_buf	*b = arg;

	FUZZ_CHECK(kind == SS_TEXT_PLAIN || kind == SS_TEXT_ESCAPE);
	FUZZ_CHECK(len > 0);
	fuzz_check_safe("piece", s, len, "");
	if (kind == SS_TEXT_ESCAPE) {
		FUZZ_CHECK(s[0] == '\\');
	}
	ss_buf_add(b, s, len);
	return 0;
}

/* Escape, check, unescape, compare. */
static void
fuzz_escape_round_trip(const char *in, size_t len)
{
	struct ss_buf	esc, pieces, back;

	ss_buf_init(&esc);
	ss_buf_init(&pieces);
	ss_buf_init(&back);
	ss_text_escape(&esc, in, len);
	fuzz_check_safe("escaped", esc.data, esc.len, "");
	ss_text_escape_cb(in, len, fuzz_piece, &pieces);
	FUZZ_CHECK(pieces.len == esc.len);
	FUZZ_CHECK(memcmp(pieces.data, esc.data, esc.len) == 0);
	FUZZ_CHECK(ss_text_needs_escape(in, len) ==
	    !(esc.len == len && memcmp(esc.data, in, len) == 0));
	FUZZ_CHECK(ss_text_unescape(&back, esc.data, esc.len) == 0);
	FUZZ_CHECK(back.len == len);
	FUZZ_CHECK(memcmp(back.data, in, len) == 0);
	(void)ss_text_width(esc.data, esc.len);
	ss_buf_finish(&esc);
	ss_buf_finish(&pieces);
	ss_buf_finish(&back);
}

/* The input read as escaped text, as the session loader reads it. */
static void
fuzz_unescape_any(const char *in, size_t len)
{
	struct ss_buf	raw, esc, again;

	ss_buf_init(&raw);
	ss_buf_init(&esc);
	ss_buf_init(&again);
	if (ss_text_unescape(&raw, in, len) == 0) {
		ss_text_escape(&esc, raw.data, raw.len);
		FUZZ_CHECK(ss_text_unescape(&again, esc.data, esc.len) == 0);
		FUZZ_CHECK(again.len == raw.len);
		FUZZ_CHECK(memcmp(again.data, raw.data, raw.len) == 0);
	}
	ss_buf_finish(&raw);
	ss_buf_finish(&esc);
	ss_buf_finish(&again);
}

/* Every UTF-8 sequence the decoder accepts is one our checker accepts. */
static void
fuzz_decode_all(const char *in, size_t len)
{
	uint32_t	cp;
	size_t		i = 0, n;

	while (i < len) {
		n = ss_text_utf8_decode(in + i, len - i, &cp);
		FUZZ_CHECK(n <= 4 && n <= len - i);
		if (n == 0) {
			i++;
			continue;
		}
		FUZZ_CHECK(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff));
		i += n;
	}
}

/* Run every property over the input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data;

	fuzz_escape_round_trip(in, size);
	fuzz_unescape_any(in, size);
	fuzz_decode_all(in, size);
	return 0;
}
