/*
 * fuzz-store.c: the session-file loader, which reads files people write
 * by hand and files attached to tickets.
 *
 * Input: the text of a session file.
 *
 * Properties: a rejected file gives "fuzz.session:LINE: reason"; an
 * accepted one saves to text that loads back to the very same transcript
 * (every byte, time, flag and metadata entry) and saves again to the same
 * text; its dialog, text and Markdown reports (with findings) and JSON
 * can be built, and the reports hold no raw control byte.
 */

#include "fuzz.h"

#include "smtpscope/dialog.h"
#include "smtpscope/report.h"
#include "smtpscope/store.h"
#include "smtpscope/util.h"

#define FUZZ_NAME	"fuzz.session"

/* A loader error names the file and a line. */
static void
fuzz_check_error(const char *err)
{
	FUZZ_CHECK(err != NULL);
	FUZZ_CHECK(strncmp(err, FUZZ_NAME ":", strlen(FUZZ_NAME ":")) == 0);
}

/* Save, load again, compare, save again and compare the texts. */
static void
fuzz_round_trip(const struct ss_transcript *tr)
{
	struct ss_transcript	*again;
	struct ss_buf		 first, second;
	char			*err = NULL;

	ss_buf_init(&first);
	ss_buf_init(&second);
	ss_store_write(tr, &first);
	again = ss_store_parse(first.data, first.len, FUZZ_NAME, &err);
	if (again == NULL) {
		fprintf(stderr, "saved text does not load: %s\n", err);
	}
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(fuzz_transcripts_equal(tr, again));
	ss_store_write(again, &second);
	FUZZ_CHECK(first.len == second.len);
	FUZZ_CHECK(memcmp(first.data, second.data, first.len) == 0);
	ss_transcript_destroy(again);
	ss_buf_finish(&first);
	ss_buf_finish(&second);
}

/* Load the input as a session file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ss_transcript	*tr;
	char			*err = NULL;

	tr = ss_store_parse((const char *)data, size, FUZZ_NAME, &err);
	if (tr == NULL) {
		fuzz_check_error(err);
		free(err);
		return 0;
	}
	FUZZ_CHECK(err == NULL);
	fuzz_round_trip(tr);
	fuzz_render_all(tr);
	ss_transcript_destroy(tr);
	return 0;
}
