/*
 * test-store.c: saved sessions.  Every byte round-trips, files are private
 * and written atomically, and a bad file is refused with "file:line:
 * reason", never half loaded.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "smtpscope/dialog.h"
#include "smtpscope/import.h"
#include "smtpscope/store.h"
#include "smtpscope/transcript.h"
#include "smtpscope/util.h"

/* Are two transcripts the same, event by event and byte by byte? */
static void
assert_same(const struct ss_transcript *a, const struct ss_transcript *b)
{
	const struct ss_event	*x, *y;
	size_t			 i;

	assert_int_equal(ss_transcript_count(a), ss_transcript_count(b));
	for (i = 0; i < ss_transcript_count(a); i++) {
		x = ss_transcript_get(a, i);
		y = ss_transcript_get(b, i);
		assert_int_equal(x->t_us, y->t_us);
		assert_int_equal(x->dir, y->dir);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	}
}

/* Round trip through the text form. */
static struct ss_transcript *
round_trip(const struct ss_transcript *t)
{
	struct ss_buf		 text;
	struct ss_transcript	*back;
	char			*err = NULL;

	ss_buf_init(&text);
	ss_store_write(t, &text);
	back = ss_store_parse(text.data, text.len, "test", &err);
	if (back == NULL) {
		fail_msg("%s", err);
	}
	ss_buf_finish(&text);
	return back;
}

/* Random bytes of every value, NULs, bare LFs and CRs survive exactly. */
static void
test_random_bytes(void **state)
{
	struct ss_transcript	*t = ss_transcript_create(), *back;
	unsigned char		 buf[512];
	size_t			 i, j, len;

	(void)state;
	srand(12345);
	for (i = 0; i < 2000; i++) {
		len = (size_t)rand() % sizeof(buf);
		for (j = 0; j < len; j++) {
			buf[j] = (unsigned char)rand();
		}
		ss_transcript_append(t, i * 1234567, (enum ss_dir)(i % 2),
		    SS_KIND_DATA, (unsigned)(i % 8), buf, len);
	}
	for (j = 0; j < 256; j++) {
		buf[j] = (unsigned char)j;
	}
	ss_transcript_append(t, 1, SS_DIR_SERVER, SS_KIND_DATA, 0, buf, 256);
	ss_transcript_append(t, 2, SS_DIR_SERVER, SS_KIND_DATA, 0, "a\nb\r", 4);
	ss_transcript_append(t, 3, SS_DIR_TLS, SS_KIND_TLS_UP, 0,
	    "version=TLSv1.2 cipher=X", 24);
	ss_transcript_set_meta(t, "note", "a note\nwith \\ and \xff");
	back = round_trip(t);
	assert_same(t, back);
	assert_string_equal(ss_transcript_meta(back, "note"),
	    "a note\nwith \\ and \xff");
	ss_transcript_destroy(back);
	ss_transcript_destroy(t);
}

/* Saved files are 0600, complete, and leave no temporary behind. */
static void
test_save_private_atomic(void **state)
{
	char			 dir[] = "/tmp/smtpscope-store-XXXXXX", path[128];
	char			 cmd[256];
	struct ss_transcript	*t = ss_transcript_create(), *back;
	struct stat		 st;
	char			*err = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.smtpscope", dir);
	ss_transcript_append(t, 0, SS_DIR_SERVER, SS_KIND_DATA, 0,
	    "220 hi\r\n", 8);
	umask(022);
	assert_int_equal(ss_store_save(t, path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* saving again replaces the file in one step */
	assert_int_equal(ss_store_save(t, path, &err), 0);
	back = ss_store_load(path, SS_IMPORT_FORMAT_LAST, &err);
	assert_non_null(back);
	assert_same(t, back);
	snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	/* a directory that does not exist is an error in words */
	assert_int_equal(ss_store_save(t, "/nonexistent/dir/x", &err), -1);
	assert_non_null(strstr(err, "/nonexistent/dir/x"));
	free(err);
	ss_transcript_destroy(back);
	ss_transcript_destroy(t);
}

/* Bad files: the message names the file and the line. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "", "x:1: empty file" },
		{ "hello\n", "x:1: not a smtpscope session file" },
		{ "smtpscope-session 2\nend 0\n", "x:1: written by a newer" },
		{ "smtpscope-session 1\n@0.1 S data - 220\\r\\n\n",
		  "x:2: truncated" },
		{ "smtpscope-session 1\n@0.1 S data - 22", "x:2: truncated" },
		{ "smtpscope-session 1\n@0.1 S data - \\x4\nend\n",
		  "x:2: malformed escape" },
		{ "smtpscope-session 1\n@x S data - a\nend\n", "x:2: bad time" },
		{ "smtpscope-session 1\n@1 Q data - a\nend\n",
		  "x:2: bad direction" },
		{ "smtpscope-session 1\n@1 S tls-up - a\nend\n",
		  "x:2: kind tls-up does not go" },
		{ "smtpscope-session 1\n@1 S data tls,bogus a\nend\n",
		  "x:2: bad flags" },
		{ "smtpscope-session 1\n\n# c\n@1 S data - a\nend 2\n",
		  "x:5: the file says 2 events but holds 1" },
		{ "smtpscope-session 1\nend\n@1 S data - a\n",
		  "x:3: text after the end line" },
		{ "smtpscope-session 1\nbogus\nend\n", "x:2: unknown line" },
	};
	size_t			 i;
	char			*err;
	struct ss_transcript	*t;

	(void)state;
	for (i = 0; i < SS_NITEMS(cases); i++) {
		err = NULL;
		t = ss_store_parse(cases[i].text, strlen(cases[i].text), "x",
		    &err);
		assert_null(t);
		assert_non_null(err);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0) {
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
			    cases[i].want);
		}
		free(err);
	}
}

/* A hand-written lesson loads, and its table is what the author meant. */
static void
test_hand_written(void **state)
{
	static const char lesson[] =
	    "smtpscope-session 1\n"
	    "# A lesson typed in an editor.\n"
	    "meta note The server hides AUTH until TLS\n"
	    "@0 I connect - connected to 192.0.2.7 port 25\n"
	    "@0.1 S data - 220 mx.example ESMTP\\r\\n\n"
	    "@0.2 C data - EHLO pupil.example\\r\\n\n"
	    "@0.3 S data - 250-mx.example\\r\\n250 STARTTLS\\r\\n\n"
	    "end\n";
	struct ss_transcript	*t;
	struct ss_dialog	*d;
	char			*err = NULL;

	(void)state;
	t = ss_store_parse(lesson, sizeof(lesson) - 1, "lesson", &err);
	assert_non_null(t);
	d = ss_dialog_build(t, SIZE_MAX);
	assert_true(ss_caps_has(ss_dialog_caps(d, SS_PHASE_BEFORE_TLS),
	    "STARTTLS"));
	assert_int_equal(ss_transcript_get(t, 1)->t_us, 100000);
	ss_dialog_destroy(d);
	ss_transcript_destroy(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_save_private_atomic),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hand_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
