/*
 * fuzz.h: helpers shared by the libFuzzer harnesses (doc/fuzzing.md).
 *
 * A harness states properties a user relies on (a round trip is exact,
 * escaped text holds no control byte) and stops with abort() when one
 * fails, so libFuzzer saves the input like any other crash.
 */
#ifndef SMTPSCOPE_FUZZ_H
#define SMTPSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpscope/dialog.h"
#include "smtpscope/report.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A property failed: say which, then crash so the input is kept. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Is the byte a C0 control or DEL? */
static inline int
fuzz_is_c0(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/*
 * Text that is safe for a terminal: valid UTF-8 with no C0 control, DEL or
 * C1 control (U+0080-U+009F), except the bytes listed in allow.  Returns
 * the offset of the first offending byte, or len when all is well.
 */
static inline size_t
fuzz_unsafe_at(const char *s, size_t len, const char *allow)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		if (p[i] < 0x80) {
			if (fuzz_is_c0(p[i]) &&
			    (p[i] == '\0' || strchr(allow, p[i]) == NULL)) {
				return i;
			}
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else {
			return i;
		}
		if (n >= len - i) {
			return i;
		}
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80) {
				return i;
			}
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, past U+10FFFF, C1. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp <= 0x9f)) {
			return i;
		}
		i += n + 1;
	}
	return len;
}

/* Text meant for a terminal holds nothing raw; print it and crash if so. */
static inline void
fuzz_check_safe(const char *what, const char *s, size_t len,
    const char *allow)
{
	size_t	bad = fuzz_unsafe_at(s, len, allow);

	if (bad != len) {
		fprintf(stderr, "%s: raw byte 0x%02x at offset %zu in:\n%.*s\n",
		    what, (unsigned char)s[bad], bad, (int)len, s);
		abort();
	}
}

/* Two transcripts hold the same events and metadata, byte for byte. */
static inline int
fuzz_transcripts_equal(const struct ss_transcript *a,
    const struct ss_transcript *b)
{
	const struct ss_event	*ea, *eb;
	const char		*ka, *va, *kb, *vb;
	size_t			 i;

	if (ss_transcript_count(a) != ss_transcript_count(b) ||
	    ss_transcript_meta_count(a) != ss_transcript_meta_count(b)) {
		return 0;
	}
	for (i = 0; i < ss_transcript_count(a); i++) {
		ea = ss_transcript_get(a, i);
		eb = ss_transcript_get(b, i);
		if (ea->t_us != eb->t_us || ea->dir != eb->dir ||
		    ea->kind != eb->kind || ea->flags != eb->flags ||
		    ea->len != eb->len ||
		    memcmp(ea->data, eb->data, ea->len) != 0) {
			fprintf(stderr, "event %zu differs\n", i);
			return 0;
		}
	}
	for (i = 0; i < ss_transcript_meta_count(a); i++) {
		ss_transcript_meta_at(a, i, &ka, &va);
		ss_transcript_meta_at(b, i, &kb, &vb);
		if (strcmp(ka, kb) != 0 || strcmp(va, vb) != 0) {
			fprintf(stderr, "meta %zu differs\n", i);
			return 0;
		}
	}
	return 1;
}

/*
 * Everything a replay or an export renders from a transcript: the dialog,
 * the text report and the Markdown export with findings, and the JSON.
 * The text and Markdown must hold no raw control byte: server text from a
 * file or a paste must not drive the terminal or the ticket either.
 */
static inline void
fuzz_render_all(const struct ss_transcript *tr)
{
	struct ss_report_target	 target;
	struct ss_dialog	*d;
	struct ss_buf		 out;
	char			*json;

	d = ss_dialog_build(tr, ss_transcript_count(tr));
	memset(&target, 0, sizeof target);
	target.host = ss_transcript_meta(tr, "host");
	target.port = 25;
	ss_buf_init(&out);
	ss_report_text(&out, tr, d, &target,
	    SS_REPORT_TIMINGS | SS_REPORT_FINDINGS);
	fuzz_check_safe("text report", out.data, out.len, "\n");
	ss_buf_reset(&out);
	ss_report_markdown(&out, tr, d, &target, SS_REPORT_FINDINGS);
	fuzz_check_safe("markdown", out.data, out.len, "\n");
	ss_buf_finish(&out);
	json = ss_report_json(tr, d, &target);
	FUZZ_CHECK(json != NULL);
	free(json);
	ss_dialog_destroy(d);
}

#endif
