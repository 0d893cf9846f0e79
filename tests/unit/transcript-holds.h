/*
 * transcript-holds.h: does a transcript hold a text anywhere (an event's
 * bytes or a metadata value)?  The import tests ask it of every secret a
 * paste carried.  Static functions only: each test program includes it
 * once.
 */
#ifndef SMTPSCOPE_TEST_TRANSCRIPT_HOLDS_H
#define SMTPSCOPE_TEST_TRANSCRIPT_HOLDS_H

#include <string.h>

#include "smtpscope/transcript.h"

/* Does any event or metadata value hold this text? */
static int
anywhere(const struct ss_transcript *t, const char *needle)
{
	const struct ss_event	*e;
	const char		*k, *v;
	size_t			 i;

	for (i = 0; (e = ss_transcript_get(t, i)) != NULL; i++) {
		if (memmem(e->data, e->len, needle, strlen(needle)) != NULL) {
			return 1;
		}
	}
	for (i = 0; i < ss_transcript_meta_count(t); i++) {
		ss_transcript_meta_at(t, i, &k, &v);
		if (strstr(v, needle) != NULL) {
			return 1;
		}
	}
	return 0;
}

#endif
