/*
 * fuzz-caps.c: the capability decoder, the phase comparison and the
 * knowledge base's parameter descriptions over hostile EHLO replies.
 *
 * Input: the lines of an EHLO reply without their codes.  Each line
 * becomes "250-LINE\r\n" (the last "250 LINE\r\n") and goes through the
 * real reply parser, as a server's answer would.
 *
 * Properties: a set compared with its own copy is the same everywhere;
 * every decoded keyword is found again by lookup; SIZE, when decoded, came
 * from a SIZE keyword.
 */

#include "fuzz.h"

#include "smtpscope/caps.h"
#include "smtpscope/kb.h"
#include "smtpscope/reply.h"
#include "smtpscope/util.h"

/* What a server of the usual kind offers after TLS. */
static const char fuzz_fixed_reply[] =
    "250-mx.example.org Hello client.example [192.0.2.1]\r\n"
    "250-SIZE 52428800\r\n"
    "250-8BITMIME\r\n"
    "250-PIPELINING\r\n"
    "250-AUTH PLAIN LOGIN CRAM-MD5\r\n"
    "250-AUTH=PLAIN LOGIN\r\n"
    "250-CHUNKING\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250 HELP\r\n";

/* Parse a complete reply held in a buffer. */
static struct ss_reply *
fuzz_parse_reply(const char *b, size_t len)
{
	struct ss_reply_parser	*p = ss_reply_parser_create();
	struct ss_reply		*r = NULL, *got;
	size_t			 used;

	while (len > 0) {
		used = ss_reply_parser_feed(p, b, len, &got);
		if (got != NULL) {
			ss_reply_free(r);
			r = got;
		}
		b += used;
		len -= used;
	}
	if ((got = ss_reply_parser_eof(p)) != NULL) {
		ss_reply_free(r);
		r = got;
	}
	ss_reply_parser_destroy(p);
	return r;
}

/* The input's lines as a 250 reply. */
static void
fuzz_build_reply(const uint8_t *data, size_t size, struct ss_buf *out)
{
	const char	*b = (const char *)data, *nl;
	size_t		 len = size, n;

	do {
		nl = memchr(b, '\n', len);
		n = nl != NULL ? (size_t)(nl - b) : len;
		ss_buf_adds(out, nl != NULL && n + 1 < len ? "250-" : "250 ");
		ss_buf_add(out, b, n);
		ss_buf_adds(out, "\r\n");
		if (nl == NULL) {
			break;
		}
		b += n + 1;
		len -= n + 1;
	} while (len > 0);
}

/* Every row of a set compared with its copy is SAME. */
static void
fuzz_check_self_diff(const struct ss_caps *caps)
{
	struct ss_caps		*copy = ss_caps_copy(caps);
	struct ss_cap_diff	*rows;
	size_t			 n, i;

	rows = ss_caps_diff(caps, copy, &n);
	FUZZ_CHECK(n == caps->ncaps);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(rows[i].change == SS_CAP_SAME);
		FUZZ_CHECK(rows[i].before != NULL && rows[i].after != NULL);
	}
	free(rows);
	ss_caps_free(copy);
}

/* Compare with the fixed set both ways; rows always name a keyword. */
static void
fuzz_check_fixed_diff(const struct ss_caps *caps, const struct ss_caps *fixed)
{
	struct ss_cap_diff	*rows;
	size_t			 n, i;

	rows = ss_caps_diff(caps, fixed, &n);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(rows[i].keyword != NULL);
		FUZZ_CHECK(rows[i].change < SS_CAP_CHANGE_LAST);
	}
	free(rows);
	rows = ss_caps_diff(fixed, caps, &n);
	free(rows);
	rows = ss_caps_diff(NULL, caps, &n);
	FUZZ_CHECK(n == caps->ncaps);
	free(rows);
}

/* Each capability: lookup, AUTH mechanisms, words and the description. */
static void
fuzz_check_caps(const struct ss_caps *caps)
{
	const struct ss_cap	*c;
	struct ss_buf		 desc;
	size_t			 i, j;

	ss_buf_init(&desc);
	for (i = 0; i < caps->ncaps; i++) {
		c = &caps->caps[i];
		FUZZ_CHECK(c->keyword != NULL && c->params != NULL);
		FUZZ_CHECK(ss_caps_find(caps, c->keyword) != NULL);
		if (c->has_size) {
			FUZZ_CHECK(ss_strcasecmp(c->keyword, "SIZE") == 0);
		}
		for (j = 0; j < c->nwords; j++) {
			FUZZ_CHECK(c->words[j] != NULL);
			if (ss_strcasecmp(c->keyword, "AUTH") == 0) {
				(void)ss_caps_has_auth(caps, c->words[j]);
			}
		}
		ss_kb_describe_params(c->keyword, c->params, &desc);
		(void)ss_kb_keyword(c->keyword);
		ss_buf_reset(&desc);
	}
	ss_buf_finish(&desc);
}

/* Decode, compare and describe the input as an EHLO reply. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ss_caps	*fixed;
	struct ss_reply		*r;
	struct ss_caps		*caps;
	struct ss_buf		 text;

	if (fixed == NULL) {
		r = fuzz_parse_reply(fuzz_fixed_reply,
		    sizeof fuzz_fixed_reply - 1);
		fixed = ss_caps_from_reply(r);
		ss_reply_free(r);
		FUZZ_CHECK(fixed != NULL);
	}
	ss_buf_init(&text);
	fuzz_build_reply(data, size, &text);
	r = fuzz_parse_reply(text.data, text.len);
	ss_buf_finish(&text);
	if (r == NULL) {
		return 0;
	}
	caps = ss_caps_from_reply(r);
	FUZZ_CHECK(caps != NULL || r->code != 250);
	if (caps != NULL) {
		fuzz_check_self_diff(caps);
		fuzz_check_fixed_diff(caps, fixed);
		fuzz_check_caps(caps);
		ss_caps_free(caps);
	}
	ss_reply_free(r);
	return 0;
}
