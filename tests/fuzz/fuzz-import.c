/*
 * fuzz-import.c: one transcript importer over pasted text.  Compiled once
 * per format (FUZZ_FORMAT is SS_IMPORT_TELNET, _SWAKS or _OPENSSL).
 *
 * Input: the text a customer pasted.
 *
 * Properties: a rejected text gives an error message; an accepted one
 * becomes a transcript that saves and loads back exactly (imports are
 * saved like captures), whose dialog, text and Markdown reports (with
 * findings) and JSON can be built, and whose reports hold no raw control
 * byte: server text from a paste must not drive the terminal either.
 */

#include "fuzz.h"

#include "smtpscope/dialog.h"
#include "smtpscope/report.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/util.h"

#ifndef FUZZ_FORMAT
#error FUZZ_FORMAT must name an import format
#endif

/* An imported transcript must survive a save and a load unchanged. */
static void
fuzz_round_trip(const struct ss_transcript *tr)
{
	struct ss_transcript	*again;
	struct ss_buf		 text;
	char			*err = NULL;

	ss_buf_init(&text);
	ss_store_write(tr, &text);
	again = ss_store_parse(text.data, text.len, "saved", &err);
	if (again == NULL) {
		fprintf(stderr, "saved import does not load: %s\n", err);
	}
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(fuzz_transcripts_equal(tr, again));
	ss_transcript_destroy(again);
	ss_buf_finish(&text);
}

/* Import the input in the harness's format. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ss_transcript	*tr;
	char			*err = NULL;

	(void)ss_import_detect((const char *)data, size);
	tr = ss_import((const char *)data, size, FUZZ_FORMAT, "fuzz", &err);
	if (tr == NULL) {
		FUZZ_CHECK(err != NULL);
		free(err);
		return 0;
	}
	free(err);
	fuzz_round_trip(tr);
	fuzz_render_all(tr);
	ss_transcript_destroy(tr);
	return 0;
}
