/*
 * fuzz-import.c: one transcript importer over pasted text.  Compiled once
 * per format (FUZZ_FORMAT is SS_IMPORT_TELNET, _SWAKS or _OPENSSL).
 *
 * Input: the text a customer pasted.
 *
 * Properties: a rejected text gives an error message; an accepted one
 * becomes a transcript that saves and loads back exactly (imports are
 * saved like captures), whose dialog, text report and JSON can be built,
 * and whose text report holds no raw control byte: server text from a
 * paste must not drive the terminal either.
 */

#include "fuzz.h"

#include "smtpscope/dialog.h"
#include "smtpscope/report.h"
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

/* Render what batch --replay and the exports print. */
static void
fuzz_render(const struct ss_transcript *tr)
{
	struct ss_report_target	 target;
	struct ss_dialog	*d;
	struct ss_buf		 out;
	char			*json;

	d = ss_dialog_build(tr, ss_transcript_count(tr));
	memset(&target, 0, sizeof target);
	target.host = "imported.example";
	target.port = 25;
	ss_buf_init(&out);
	ss_report_text(&out, tr, d, &target, SS_REPORT_TIMINGS);
	fuzz_check_safe("text report", out.data, out.len, "\n");
	ss_buf_finish(&out);
	json = ss_report_json(tr, d, &target);
	FUZZ_CHECK(json != NULL);
	free(json);
	ss_dialog_destroy(d);
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
	fuzz_render(tr);
	ss_transcript_destroy(tr);
	return 0;
}
