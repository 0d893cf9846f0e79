/*
 * steps.h: transcripts written as tables in the unit tests.  A test lists
 * its events as C("EHLO x\r\n"), S("250 ok\r\n"), I(kind, text) and so on,
 * and steps_transcript() appends them one millisecond apart.
 */
#ifndef SMTPSCOPE_TEST_STEPS_H
#define SMTPSCOPE_TEST_STEPS_H

#include <string.h>

#include "smtpscope/transcript.h"

/* Events as a test writes them: direction, kind, flags, text. */
struct step {
	enum ss_dir	 dir;
	enum ss_kind	 kind;
	unsigned	 flags;
	const char	*text;
};

#define C(t)	{ SS_DIR_CLIENT, SS_KIND_DATA, 0, t }
#define S(t)	{ SS_DIR_SERVER, SS_KIND_DATA, 0, t }
#define CT(t)	{ SS_DIR_CLIENT, SS_KIND_DATA, SS_EVF_TLS, t }
#define ST(t)	{ SS_DIR_SERVER, SS_KIND_DATA, SS_EVF_TLS, t }
#define I(k, t)	{ SS_DIR_INFO, k, 0, t }
#define T(k, t)	{ SS_DIR_TLS, k, 0, t }

/* A transcript of the steps, 1 ms apart; the caller destroys it. */
static inline struct ss_transcript *
steps_transcript(const struct step *steps, size_t n)
{
	struct ss_transcript	*t = ss_transcript_create();
	size_t			 i;

	for (i = 0; i < n; i++) {
		ss_transcript_append(t, i * 1000, steps[i].dir, steps[i].kind,
		    steps[i].flags, steps[i].text, strlen(steps[i].text));
	}
	return t;
}

#endif
